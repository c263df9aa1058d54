// Least privilege for the app's identity: one custom role per kind of scope the app works at,
// each with exactly the actions its operations need (infra/roles/*.json; the table that justifies
// every action is shared/azure/armPermissions.ts, and test/infra/permissions.test.ts checks the two
// against each other and against this template compiled), assigned at exactly those scopes.
// No built-in role fits exactly (docs/permissions.md says why for each candidate), so none is used.
// Every definition is created in the subscription that holds its assignable scopes; definition
// names are GUIDs derived from subscription, role and principal, so a redeployment updates them.
targetScope = 'subscription'

@description('Principal id of the app\'s user-assigned managed identity.')
param principalId string

@description('ARC_SCOPES entries: /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}.')
param managedScopes array

@description('ARC_GATEWAY_RESOURCE_GROUP: the resource group (in each gateway subscription) where gateways are created.')
param gatewayResourceGroupName string

@description('ARC_GATEWAY_SUBSCRIPTION: one hub subscription for every gateway; empty means each managed scope\'s own subscription.')
param gatewaySubscriptionId string = ''

@description('Resource ids of the API Management instances whose self-hosted gateways the app deploys and rotates.')
param apimServiceIds array = []

@description('Resource id of the Event Grid custom topic for onboarding outcomes (ARC_OUTCOME_TOPIC_ENDPOINT); empty when none.')
param outcomeTopicId string = ''

@description('Resource id of the storage account holding the Event Grid dead-letter container the replay runbook reads.')
param deadLetterStorageAccountId string

@description('Name of the dead-letter blob container.')
param deadLetterContainerName string

var roles = {
  managedScope: loadJsonContent('../roles/managedScope.json')
  managedSubscription: loadJsonContent('../roles/managedSubscription.json')
  gatewaySubscription: loadJsonContent('../roles/gatewaySubscription.json')
  gatewayResourceGroup: loadJsonContent('../roles/gatewayResourceGroup.json')
  apimService: loadJsonContent('../roles/apimService.json')
  outcomeTopic: loadJsonContent('../roles/outcomeTopic.json')
  deadLetterContainer: loadJsonContent('../roles/deadLetterContainer.json')
}

func subscriptionOf(id string) string => toLower(split(id, '/')[2])

func definitionName(subscriptionId string, roleKey string, principal string) string =>
  guid(subscriptionId, roleKey, principal)

func definitionId(subscriptionId string, roleKey string, principal string) string =>
  '/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${definitionName(subscriptionId, roleKey, principal)}'

var nameSuffix = uniqueString(principalId)
// Module (nested deployment) names carry the identity too: two environments that share a subscription
// would otherwise write each other's deployment records there, and ARM refuses a subscription-level
// deployment whose name already exists in another location (InvalidDeploymentLocation).
var managedSubscriptions = union(map(managedScopes, scope => subscriptionOf(scope)), [])
var subscriptionScopes = filter(managedScopes, scope => length(split(scope, '/')) == 3)
var resourceGroupScopes = filter(managedScopes, scope => length(split(scope, '/')) == 5)
var gatewaySubscriptions = empty(gatewaySubscriptionId) ? managedSubscriptions : [toLower(gatewaySubscriptionId)]
var apimSubscriptions = union(map(apimServiceIds, id => subscriptionOf(id)), [])
// A placeholder id keeps the (skipped) topic modules' scope expressions valid when there is no topic.
var topicParts = split(
  empty(outcomeTopicId) ? '/subscriptions/none/resourceGroups/none/providers/Microsoft.EventGrid/topics/none' : outcomeTopicId,
  '/'
)
var deadLetterParts = split(deadLetterStorageAccountId, '/')
var deadLetterContainerId = '${deadLetterStorageAccountId}/blobServices/default/containers/${deadLetterContainerName}'

// --- Managed scopes (ARC_SCOPES) and their subscriptions ---

module managedScopeRoles 'permissions/customRole.bicep' = [
  for subscriptionId in managedSubscriptions: {
    name: 'arc-role-managedScope-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      role: roles.managedScope
      roleKey: 'managedScope'
      roleDefinitionName: definitionName(subscriptionId, 'managedScope', principalId)
      assignableScopes: filter(managedScopes, scope => subscriptionOf(scope) == subscriptionId)
      nameSuffix: '${nameSuffix} ${subscriptionId}'
    }
  }
]

module managedSubscriptionRoles 'permissions/customRole.bicep' = [
  for subscriptionId in managedSubscriptions: {
    name: 'arc-role-managedSubscription-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      role: roles.managedSubscription
      roleKey: 'managedSubscription'
      roleDefinitionName: definitionName(subscriptionId, 'managedSubscription', principalId)
      assignableScopes: ['/subscriptions/${subscriptionId}']
      nameSuffix: '${nameSuffix} ${subscriptionId}'
    }
  }
]

module managedScopeAtSubscriptions 'permissions/assignAtSubscription.bicep' = [
  for scope in subscriptionScopes: {
    name: 'arc-assign-managedScope-${uniqueString(principalId, scope)}'
    scope: subscription(subscriptionOf(scope))
    params: {
      principalId: principalId
      roleKey: 'managedScope'
      roleDefinitionId: definitionId(subscriptionOf(scope), 'managedScope', principalId)
    }
    dependsOn: [managedScopeRoles]
  }
]

module managedScopeAtResourceGroups 'permissions/assignAtResourceGroup.bicep' = [
  for scope in resourceGroupScopes: {
    name: 'arc-assign-managedScope-${uniqueString(principalId, scope)}'
    scope: resourceGroup(subscriptionOf(scope), split(scope, '/')[4])
    params: {
      principalId: principalId
      roleKey: 'managedScope'
      roleDefinitionId: definitionId(subscriptionOf(scope), 'managedScope', principalId)
    }
    dependsOn: [managedScopeRoles]
  }
]

module managedSubscriptionAssignments 'permissions/assignAtSubscription.bicep' = [
  for subscriptionId in managedSubscriptions: {
    name: 'arc-assign-managedSubscription-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      principalId: principalId
      roleKey: 'managedSubscription'
      roleDefinitionId: definitionId(subscriptionId, 'managedSubscription', principalId)
    }
    dependsOn: [managedSubscriptionRoles]
  }
]

// --- Gateways: their subscription (the hub, or each managed subscription) and resource group ---

module gatewaySubscriptionRoles 'permissions/customRole.bicep' = [
  for subscriptionId in gatewaySubscriptions: {
    name: 'arc-role-gatewaySubscription-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      role: roles.gatewaySubscription
      roleKey: 'gatewaySubscription'
      roleDefinitionName: definitionName(subscriptionId, 'gatewaySubscription', principalId)
      assignableScopes: ['/subscriptions/${subscriptionId}']
      nameSuffix: '${nameSuffix} ${subscriptionId}'
    }
  }
]

module gatewayResourceGroupRoles 'permissions/customRole.bicep' = [
  for subscriptionId in gatewaySubscriptions: {
    name: 'arc-role-gatewayResourceGroup-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      role: roles.gatewayResourceGroup
      roleKey: 'gatewayResourceGroup'
      roleDefinitionName: definitionName(subscriptionId, 'gatewayResourceGroup', principalId)
      assignableScopes: ['/subscriptions/${subscriptionId}/resourceGroups/${gatewayResourceGroupName}']
      nameSuffix: '${nameSuffix} ${subscriptionId}'
    }
  }
]

module gatewaySubscriptionAssignments 'permissions/assignAtSubscription.bicep' = [
  for subscriptionId in gatewaySubscriptions: {
    name: 'arc-assign-gatewaySubscription-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      principalId: principalId
      roleKey: 'gatewaySubscription'
      roleDefinitionId: definitionId(subscriptionId, 'gatewaySubscription', principalId)
    }
    dependsOn: [gatewaySubscriptionRoles]
  }
]

// The resource group itself is created by the deployment (main.bicep) before this module runs.
module gatewayResourceGroupAssignments 'permissions/assignAtResourceGroup.bicep' = [
  for subscriptionId in gatewaySubscriptions: {
    name: 'arc-assign-gatewayResourceGroup-${uniqueString(principalId, subscriptionId)}'
    scope: resourceGroup(subscriptionId, gatewayResourceGroupName)
    params: {
      principalId: principalId
      roleKey: 'gatewayResourceGroup'
      roleDefinitionId: definitionId(subscriptionId, 'gatewayResourceGroup', principalId)
    }
    dependsOn: [gatewayResourceGroupRoles]
  }
]

// --- API Management services ---

module apimServiceRoles 'permissions/customRole.bicep' = [
  for subscriptionId in apimSubscriptions: {
    name: 'arc-role-apimService-${uniqueString(principalId, subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      role: roles.apimService
      roleKey: 'apimService'
      roleDefinitionName: definitionName(subscriptionId, 'apimService', principalId)
      assignableScopes: filter(apimServiceIds, id => subscriptionOf(id) == subscriptionId)
      nameSuffix: '${nameSuffix} ${subscriptionId}'
    }
  }
]

module apimServiceAssignments 'permissions/assignAtApimService.bicep' = [
  for id in apimServiceIds: {
    name: 'arc-assign-apimService-${uniqueString(principalId, id)}'
    scope: resourceGroup(subscriptionOf(id), split(id, '/')[4])
    params: {
      principalId: principalId
      roleKey: 'apimService'
      roleDefinitionId: definitionId(subscriptionOf(id), 'apimService', principalId)
      serviceName: split(id, '/')[8]
    }
    dependsOn: [apimServiceRoles]
  }
]

// --- Outcome topic (data plane) ---

module outcomeTopicRole 'permissions/customRole.bicep' = if (!empty(outcomeTopicId)) {
  name: 'arc-role-outcomeTopic-${nameSuffix}'
  scope: subscription(toLower(topicParts[2]))
  params: {
    role: roles.outcomeTopic
    roleKey: 'outcomeTopic'
    roleDefinitionName: definitionName(toLower(topicParts[2]), 'outcomeTopic', principalId)
    assignableScopes: [outcomeTopicId]
    nameSuffix: '${nameSuffix} ${toLower(topicParts[2])}'
  }
}

module outcomeTopicAssignment 'permissions/assignAtTopic.bicep' = if (!empty(outcomeTopicId)) {
  name: 'arc-assign-outcomeTopic-${nameSuffix}'
  scope: resourceGroup(toLower(topicParts[2]), topicParts[4])
  params: {
    principalId: principalId
    roleKey: 'outcomeTopic'
    roleDefinitionId: definitionId(toLower(topicParts[2]), 'outcomeTopic', principalId)
    topicName: topicParts[8]
  }
  dependsOn: [outcomeTopicRole]
}

// --- Dead-letter container (data plane) ---

module deadLetterContainerRole 'permissions/customRole.bicep' = {
  name: 'arc-role-deadLetterContainer-${nameSuffix}'
  scope: subscription(toLower(deadLetterParts[2]))
  params: {
    role: roles.deadLetterContainer
    roleKey: 'deadLetterContainer'
    roleDefinitionName: definitionName(toLower(deadLetterParts[2]), 'deadLetterContainer', principalId)
    assignableScopes: [deadLetterContainerId]
    nameSuffix: '${nameSuffix} ${toLower(deadLetterParts[2])}'
  }
}

module deadLetterContainerAssignment 'permissions/assignAtContainer.bicep' = {
  name: 'arc-assign-deadLetterContainer-${nameSuffix}'
  scope: resourceGroup(toLower(deadLetterParts[2]), deadLetterParts[4])
  params: {
    principalId: principalId
    roleKey: 'deadLetterContainer'
    roleDefinitionId: definitionId(toLower(deadLetterParts[2]), 'deadLetterContainer', principalId)
    storageAccountName: deadLetterParts[8]
    containerName: deadLetterContainerName
  }
  dependsOn: [deadLetterContainerRole]
}
