// arc-autopilot on Azure: `azd up` deploys this. The resource group rg-{environmentName} holds the
// Function App (Flex Consumption, Node 20 or 22), its user-assigned identity, storage
// (identity-based connections only), Application Insights (Entra authentication only), and the
// Durable Task Scheduler when chosen. Event Grid system topics on the watched subscriptions (and on
// the API Management instances the app manages) deliver to the app's Event Grid function, with
// dead-lettering to blob storage. Role assignments: the runtime's in modules/runtimeAccess.bicep,
// the app's own (least privilege on the managed scopes) in modules/appPermissions.bicep.
// Conventions of the Azure-Samples azd Functions templates, with plain resources instead of Azure
// Verified Modules (infra/README.md says why).
targetScope = 'subscription'

// ---- azd ----

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of the app\'s resources (one where Flex Consumption is available).')
@metadata({ azd: { type: 'location' } })
param location string

// ---- what the app manages ----

@description('ARC_SCOPES: /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name} entries the app may change machines in. Default: this deployment\'s subscription.')
param managedScopes array = ['/subscriptions/${subscription().subscriptionId}']

@description('Subscriptions whose resource events reach the app (one system topic each). Empty: the subscriptions of managedScopes.')
param watchedSubscriptionIds array = []

@description('System topics that already exist for a source (Azure allows one per source): [{ sourceId: \'/subscriptions/{id}\' or an API Management id, topicId: the system topic\'s resource id }]. The app\'s event subscription is added to them instead of creating a topic. Each must carry the Event Grid identity (output EVENT_GRID_IDENTITY_ID) for dead-lettering.')
param existingSystemTopics array = []

@description('Resource ids of the API Management instances whose self-hosted gateways the app deploys and rotates; their token events reach the app.')
param apimServiceIds array = []

@description('ARC_GATEWAY_SUBSCRIPTION: one hub subscription for every Arc gateway; empty: each managed scope\'s own subscription.')
param gatewaySubscriptionId string = ''

@description('ARC_GATEWAY_RESOURCE_GROUP: created here in each gateway subscription (the app creates gateways in it, never the group).')
param gatewayResourceGroupName string = 'arc-gateways'

@description('ARC_OUTCOME_TOPIC_ENDPOINT: an Event Grid custom topic\'s endpoint for onboarding outcomes; empty: none published.')
param outcomeTopicEndpoint string = ''

@description('Resource id of that custom topic (the app is granted to publish to it); empty when outcomeTopicEndpoint is.')
param outcomeTopicId string = ''

// ---- runbook authentication ----

@description('Client id of an existing Microsoft Entra app registration whose app roles guard the runbooks; empty: App Service Authentication stays off (function keys only).')
param runbookAuthClientId string = ''

@description('ARC_RUNBOOK_READ_ROLE: the app role (value) that may call the runbooks\' read routes.')
param runbookReadRole string = 'ArcAutopilot.Read'

@description('ARC_RUNBOOK_OPERATE_ROLE: the app role (value) that may start, cancel or change anything.')
param runbookOperateRole string = 'ArcAutopilot.Operate'

// ---- Durable Functions backend ----

@description('Durable Functions storage: Azure Storage (the app\'s storage account) or the Durable Task Scheduler (a scheduler and task hub created here).')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param durableBackend string = 'AzureStorage'

@description('SKU of the Durable Task Scheduler when durableBackend is DurableTaskScheduler.')
@allowed(['Consumption', 'Dedicated'])
param durableTaskSchedulerSku string = 'Consumption'

@description('ARC_TASK_HUB_NAME: the Durable task hub (3–45 letters and digits, starting with a letter).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'arcautopilot'

// ---- Event Grid delivery ----

@description('Create the event subscriptions. Azure refuses an Azure Functions destination before the function exists, so the first provision leaves them out and the postdeploy hook provisions again with this on (infra/README.md).')
param deployEventSubscriptions bool = false

@description('Event Grid delivery attempts per event before it is dead-lettered.')
@minValue(1)
@maxValue(30)
param eventMaxDeliveryAttempts int = 30

@description('Minutes Event Grid keeps retrying an event before it is dead-lettered.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

// ---- hosting ----

@description('Node.js on Flex Consumption: 20, the version the project is developed and tested on (package.json engines), or 22. Node 20 reached its end of life on 2026-04-30 (Node.js release schedule); the code uses nothing Node 22 removed.')
@allowed(['20', '22'])
param nodeVersion string = '20'

@description('Flex Consumption: the most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Flex Consumption: memory per instance (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps the app\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// ---- app settings an operator tunes (defaults are the code's, shared/config.ts) ----

@description('ARC_ARM_MAX_RETRIES')
@minValue(0)
@maxValue(10)
param armMaxRetries int = 4

@description('ARC_ARM_MAX_RETRY_AFTER_SECONDS')
@minValue(0)
@maxValue(300)
param armMaxRetryAfterSeconds int = 60

@description('ARC_OPT_OUT_TAG: name or name:value of the tag that opts a machine out.')
param optOutTag string = 'arc-autopilot:opt-out'

@description('ARC_CONNECTION_TAG')
param connectionTag string = 'arc-autopilot-connection'

@description('ARC_GATEWAY_NAME_TEMPLATE')
param gatewayNameTemplate string = 'arc-gw-{location}'

@description('ARC_GATEWAY_CAPACITY')
@minValue(1)
@maxValue(2000)
param gatewayCapacity int = 2000

@description('ARC_MIN_AGENT_VERSION_GATEWAY')
param minAgentVersionGateway string = '1.40'

@description('ARC_MIN_AGENT_VERSION_SSH')
param minAgentVersionSsh string = '1.13.21320.014'

@description('ARC_AGENT_AUTO_SWITCH_VERSION')
param agentAutoSwitchVersion string = '1.51'

@description('ARC_SERVICE_CONFIG_PORTS_VERSION')
param serviceConfigPortsVersion string = '1.31'

@description('ARC_OS_POLICY')
@allowed(['warn', 'skip'])
param osPolicy string = 'warn'

@description('ARC_SSH_PORT')
@minValue(1)
@maxValue(65535)
param sshPort int = 22

@description('ARC_CONNECT_WAIT_MINUTES')
@minValue(0)
@maxValue(1440)
param connectWaitMinutes int = 15

@description('ARC_GATEWAY_DEADLINE_MINUTES')
@minValue(15)
@maxValue(1440)
param gatewayDeadlineMinutes int = 120

@description('ARC_DRIFT_SCHEDULE (six-field NCRONTAB, UTC)')
param driftSchedule string = '0 0 */6 * * *'

@description('ARC_DRIFT_READ_SHARE_PERCENT')
@minValue(1)
@maxValue(100)
param driftReadSharePercent int = 20

@description('ARC_DRIFT_FULL_READ_HOURS')
@minValue(1)
@maxValue(720)
param driftFullReadHours int = 24

@description('ARC_APIM_GATEWAY_TAG')
param apimGatewayTag string = 'arc-autopilot-apim-gateway'

@description('ARC_APIM_TOKEN_TAG')
param apimTokenTag string = 'arc-autopilot-apim-token'

@description('ARC_APIM_TOKEN_DAYS')
@minValue(1)
@maxValue(30)
param apimTokenDays int = 30

@description('ARC_APIM_ROTATION_WINDOW_DAYS')
@minValue(1)
@maxValue(29)
param apimRotationWindowDays int = 7

@description('ARC_APIM_ROTATION_SCHEDULE (six-field NCRONTAB, UTC)')
param apimRotationSchedule string = '0 0 */6 * * *'

@description('ARC_APIM_TOKEN_EVENT_TYPES: API Management\'s token events that start a rotation; also the API Management event subscriptions\' filter.')
param apimTokenEventTypes array = [
  'Microsoft.ApiManagement.GatewayTokenNearExpiry'
  'Microsoft.ApiManagement.GatewayTokenExpired'
]

@description('ARC_APIM_CREATE_GATEWAY')
param apimCreateGateway bool = false

@description('ARC_APIM_NAMESPACE')
param apimNamespace string = 'apim-gateway'

@description('ARC_APIM_EXTENSION_NAME')
param apimExtensionName string = 'apim-gateway'

@description('ARC_APIM_SERVICE_TYPE')
@allowed(['LoadBalancer', 'NodePort', 'ClusterIP'])
param apimServiceType string = 'LoadBalancer'

@description('ARC_APIM_REPLICAS')
@minValue(1)
@maxValue(100)
param apimReplicas int = 3

@description('ARC_APIM_RELEASE_TRAIN')
param apimReleaseTrain string = 'preview'

@description('ARC_APIM_INSTALL_DEADLINE_MINUTES')
@minValue(5)
@maxValue(240)
param apimInstallDeadlineMinutes int = 30

@description('Resource id of the Key Vault secret holding the Log Analytics ingestion key for gateways deployed with monitoring (/subscriptions/…/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{secret}); ARC_APIM_MONITORING_INGESTION_KEY becomes a Key Vault reference to it and the app\'s identity gets Key Vault Secrets User on that secret only. Empty: none.')
param apimMonitoringVaultEntryId string = ''

// ---- names ----

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var resourceGroupName = '${abbrs.resourcesResourceGroups}${environmentName}'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var deadLetterContainerName = 'eventgrid-deadletters'
var useDurableTaskScheduler = durableBackend == 'DurableTaskScheduler'

// The Event Grid function (functions/machineEvents.ts): every event subscription delivers to it.
var eventGridFunctionName = 'machineEvents'

// What the routing acts on (shared/events/subscribedEvents.ts; test/infra checks the two agree).
var resourceEventTypes = [
  'Microsoft.Resources.ResourceWriteSuccess'
  'Microsoft.Resources.ResourceDeleteSuccess'
]
var subscribedOperations = [
  'Microsoft.HybridCompute/machines/write'
  'Microsoft.HybridCompute/machines/delete'
  'Microsoft.Kubernetes/connectedClusters/write'
]

var deadLetterIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}eventgrid-${resourceToken}'

func subscriptionOf(id string) string => toLower(split(id, '/')[2])

func resourceGroupOf(id string) string => split(id, '/')[4]

func lastSegment(id string) string => last(split(id, '/'))

// The system topic's id for a source: the one the operator named in existingSystemTopics, or
// `created`, the one this template creates.
func topicIdFor(topics array, sourceId string, created string) string =>
  first(concat(
    map(filter(topics, topic => toLower(topic.sourceId) == toLower(sourceId)), topic => topic.topicId),
    [created]
  ))

func hasTopic(topics array, sourceId string) bool =>
  !empty(filter(topics, topic => toLower(topic.sourceId) == toLower(sourceId)))

func systemTopicId(subscriptionId string, group string, name string) string =>
  '/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.EventGrid/systemTopics/${name}'

var gatewaySubscriptions = empty(gatewaySubscriptionId) ? union(map(managedScopes, scope => subscriptionOf(scope)), []) : [toLower(gatewaySubscriptionId)]

var watchedSubscriptions = empty(watchedSubscriptionIds) ? union(map(managedScopes, scope => subscriptionOf(scope)), []) : union(map(watchedSubscriptionIds, id => toLower(id)), [])

// A subscription's system topic lives in a resource group of that subscription: the app's own
// group name is used in each (the same group in the deployment's subscription).
var subscriptionTopicName = '${abbrs.eventGridSystemTopics}arc-autopilot-${resourceToken}'
var watchedTopics = [
  for subscriptionId in watchedSubscriptions: {
    subscriptionId: subscriptionId
    create: !hasTopic(existingSystemTopics, '/subscriptions/${subscriptionId}')
    topicId: topicIdFor(
      existingSystemTopics,
      '/subscriptions/${subscriptionId}',
      systemTopicId(subscriptionId, resourceGroupName, subscriptionTopicName)
    )
  }
]

var apimTopics = [
  for serviceId in apimServiceIds: {
    serviceId: serviceId
    create: !hasTopic(existingSystemTopics, serviceId)
    topicId: topicIdFor(
      existingSystemTopics,
      serviceId,
      systemTopicId(
        subscriptionOf(serviceId),
        resourceGroupOf(serviceId),
        '${abbrs.eventGridSystemTopics}arc-autopilot-${take(uniqueString(serviceId), 8)}'
      )
    )
  }
]

// ---- the app's resource group ----

resource appGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module appIdentity 'modules/identity.bicep' = {
  name: 'app-identity'
  scope: appGroup
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module deadLetterIdentity 'modules/identity.bicep' = {
  name: 'eventgrid-identity'
  scope: appGroup
  params: {
    name: deadLetterIdentityName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: appGroup
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module deadLetterStorage 'modules/deadLetterStorage.bicep' = {
  name: 'dead-letter-storage'
  scope: appGroup
  params: {
    name: '${abbrs.storageStorageAccounts}dl${resourceToken}'
    location: location
    tags: tags
    containerName: deadLetterContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: appGroup
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module durableTaskScheduler 'modules/durableTaskScheduler.bicep' = if (useDurableTaskScheduler) {
  name: 'durable-task-scheduler'
  scope: appGroup
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    taskHubName: taskHubName
    location: location
    tags: tags
    skuName: durableTaskSchedulerSku
  }
}

// Every app setting, and nothing the app does not read (test/infra/appSettings.test.ts): the
// app's own from shared/config.ts, then those the Functions platform and runtime read.
var appSettings = {
  // shared/config.ts
  AZURE_RESOURCE_MANAGER_ENDPOINT: environment().resourceManager
  AZURE_RESOURCE_MANAGER_AUDIENCE: '${environment().resourceManager}.default'
  AZURE_CLIENT_ID: appIdentity.outputs.clientId
  ARC_ARM_MAX_RETRIES: string(armMaxRetries)
  ARC_ARM_MAX_RETRY_AFTER_SECONDS: string(armMaxRetryAfterSeconds)
  // Only the local emulator's self-signed certificate needs these; in Azure the system's CAs do.
  ARC_TRUSTED_CA_PEM: ''
  ARC_TRUSTED_CA_FILE: ''
  ARC_SCOPES: join(managedScopes, ',')
  ARC_OPT_OUT_TAG: optOutTag
  ARC_CONNECTION_TAG: connectionTag
  ARC_GATEWAY_RESOURCE_GROUP: gatewayResourceGroupName
  ARC_GATEWAY_SUBSCRIPTION: gatewaySubscriptionId
  ARC_GATEWAY_NAME_TEMPLATE: gatewayNameTemplate
  ARC_GATEWAY_CAPACITY: string(gatewayCapacity)
  ARC_MIN_AGENT_VERSION_GATEWAY: minAgentVersionGateway
  ARC_MIN_AGENT_VERSION_SSH: minAgentVersionSsh
  ARC_AGENT_AUTO_SWITCH_VERSION: agentAutoSwitchVersion
  ARC_SERVICE_CONFIG_PORTS_VERSION: serviceConfigPortsVersion
  ARC_OS_POLICY: osPolicy
  ARC_SSH_PORT: string(sshPort)
  ARC_CONNECT_WAIT_MINUTES: string(connectWaitMinutes)
  ARC_GATEWAY_DEADLINE_MINUTES: string(gatewayDeadlineMinutes)
  ARC_OUTCOME_TOPIC_ENDPOINT: outcomeTopicEndpoint
  ARC_DRIFT_SCHEDULE: driftSchedule
  ARC_DRIFT_READ_SHARE_PERCENT: string(driftReadSharePercent)
  ARC_DRIFT_FULL_READ_HOURS: string(driftFullReadHours)
  // WEBSITE_AUTH_ENABLED is App Service's own, set when authsettingsV2 is enabled (functionApp.bicep).
  ARC_RUNBOOK_READ_ROLE: runbookReadRole
  ARC_RUNBOOK_OPERATE_ROLE: runbookOperateRole
  ARC_DEAD_LETTER_CONTAINER_URL: deadLetterStorage.outputs.containerUrl
  ARC_APIM_GATEWAY_TAG: apimGatewayTag
  ARC_APIM_TOKEN_TAG: apimTokenTag
  ARC_APIM_TOKEN_DAYS: string(apimTokenDays)
  ARC_APIM_ROTATION_WINDOW_DAYS: string(apimRotationWindowDays)
  ARC_APIM_ROTATION_SCHEDULE: apimRotationSchedule
  ARC_APIM_TOKEN_EVENT_TYPES: join(apimTokenEventTypes, ',')
  ARC_APIM_CREATE_GATEWAY: apimCreateGateway ? 'true' : 'false'
  ARC_APIM_NAMESPACE: apimNamespace
  ARC_APIM_EXTENSION_NAME: apimExtensionName
  ARC_APIM_SERVICE_TYPE: apimServiceType
  ARC_APIM_REPLICAS: string(apimReplicas)
  ARC_APIM_RELEASE_TRAIN: apimReleaseTrain
  ARC_APIM_INSTALL_DEADLINE_MINUTES: string(apimInstallDeadlineMinutes)
  ARC_APIM_MONITORING_INGESTION_KEY: empty(apimMonitoringVaultEntryId)
    ? ''
    : '@Microsoft.KeyVault(VaultName=${split(apimMonitoringVaultEntryId, '/')[8]};SecretName=${split(apimMonitoringVaultEntryId, '/')[10]})'

  // host.json: durableTask.hubName is %ARC_TASK_HUB_NAME%
  ARC_TASK_HUB_NAME: useDurableTaskScheduler ? durableTaskScheduler!.outputs.taskHubName : taskHubName
  // The host's storage through the managed identity: no connection string.
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: appIdentity.outputs.clientId
  // Telemetry with Entra authentication (local authentication is off on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${appIdentity.outputs.clientId};Authorization=AAD'
  // The Durable backend, overriding host.json's storageProvider: Azure Storage through
  // AzureWebJobsStorage, or the Durable Task Scheduler through its identity-based connection string.
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: useDurableTaskScheduler
    ? 'azureManaged'
    : 'AzureStorage'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: useDurableTaskScheduler
    ? 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
    : 'AzureWebJobsStorage'
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: useDurableTaskScheduler
    ? 'Endpoint=${durableTaskScheduler!.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${appIdentity.outputs.clientId}'
    : ''
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'function-app'
  scope: appGroup
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: appIdentity.outputs.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${storage.outputs.deploymentContainerName}'
    appSettings: appSettings
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    runbookAuthClientId: runbookAuthClientId
    nodeVersion: nodeVersion
  }
}

module runtimeAccess 'modules/runtimeAccess.bicep' = {
  name: 'runtime-access'
  scope: appGroup
  params: {
    appPrincipalId: appIdentity.outputs.principalId
    eventGridPrincipalId: deadLetterIdentity.outputs.principalId
    storageAccountName: storage.outputs.name
    deadLetterStorageAccountName: deadLetterStorage.outputs.name
    deadLetterContainerName: deadLetterStorage.outputs.containerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    durableTaskSchedulerName: useDurableTaskScheduler ? durableTaskScheduler!.outputs.name : ''
  }
}

// The one secret the platform reads for the app (a Key Vault reference), when one is named.
module monitoringKeyAccess 'modules/keyVaultSecretAccess.bicep' = if (!empty(apimMonitoringVaultEntryId)) {
  name: 'apim-monitoring-key-access-${resourceToken}'
  scope: resourceGroup(subscriptionOf(apimMonitoringVaultEntryId), resourceGroupOf(apimMonitoringVaultEntryId))
  params: {
    principalId: appIdentity.outputs.principalId
    vaultName: split(apimMonitoringVaultEntryId, '/')[8]
    secretName: split(apimMonitoringVaultEntryId, '/')[10]
  }
}

module appPermissions 'modules/appPermissions.bicep' = {
  name: 'app-permissions-${resourceToken}'
  // It assigns roles in the gateway resource groups, which gatewayGroups creates.
  dependsOn: [gatewayGroups]
  params: {
    principalId: appIdentity.outputs.principalId
    managedScopes: managedScopes
    gatewayResourceGroupName: gatewayResourceGroupName
    gatewaySubscriptionId: gatewaySubscriptionId
    apimServiceIds: apimServiceIds
    outcomeTopicId: outcomeTopicId
    deadLetterStorageAccountId: deadLetterStorage.outputs.id
    deadLetterContainerName: deadLetterStorage.outputs.containerName
  }
}

// ---- in other subscriptions ----

// Deployments outside rg-{env} carry the resource token in their names: two environments
// sharing a subscription must neither overwrite each other's deployment records nor collide on a
// subscription-level deployment's location (InvalidDeploymentLocation).
// The app creates gateways in this group and never creates the group itself.
module gatewayGroups 'modules/resourceGroup.bicep' = [
  for subscriptionId in gatewaySubscriptions: {
    name: 'gateway-group-${resourceToken}-${take(uniqueString(subscriptionId, gatewayResourceGroupName), 8)}'
    scope: subscription(subscriptionId)
    params: {
      name: gatewayResourceGroupName
      location: location
      tags: tags
    }
  }
]

// The resource group of each subscription's system topic (in the deployment's subscription, the
// app's own group again: declaring it here orders the topic after it).
module eventGroups 'modules/resourceGroup.bicep' = [
  for watched in watchedTopics: if (watched.create) {
    name: 'event-group-${resourceToken}-${take(uniqueString(watched.subscriptionId, resourceGroupName), 8)}'
    scope: subscription(watched.subscriptionId)
    params: {
      name: resourceGroupName
      location: location
      tags: tags
    }
  }
]

module subscriptionTopics 'modules/systemTopic.bicep' = [
  for (watched, i) in watchedTopics: if (watched.create) {
    name: 'subscription-topic-${resourceToken}-${take(uniqueString(watched.subscriptionId), 8)}'
    scope: resourceGroup(subscriptionOf(watched.topicId), resourceGroupOf(watched.topicId))
    dependsOn: [eventGroups[i]]
    params: {
      name: lastSegment(watched.topicId)
      location: 'global'
      tags: tags
      source: '/subscriptions/${watched.subscriptionId}'
      topicType: 'Microsoft.Resources.Subscriptions'
      deadLetterIdentityId: deadLetterIdentity.outputs.id
    }
  }
]

// A system topic is in its source's region.
resource apimServices 'Microsoft.ApiManagement/service@2024-05-01' existing = [
  for serviceId in apimServiceIds: {
    name: lastSegment(serviceId)
    scope: resourceGroup(subscriptionOf(serviceId), resourceGroupOf(serviceId))
  }
]

module apimServiceTopics 'modules/systemTopic.bicep' = [
  for (apim, i) in apimTopics: if (apim.create) {
    name: 'apim-topic-${resourceToken}-${take(uniqueString(apim.serviceId), 8)}'
    scope: resourceGroup(subscriptionOf(apim.topicId), resourceGroupOf(apim.topicId))
    params: {
      name: lastSegment(apim.topicId)
      location: apimServices[i].location
      tags: tags
      source: apim.serviceId
      topicType: 'Microsoft.ApiManagement.Service'
      deadLetterIdentityId: deadLetterIdentity.outputs.id
    }
  }
]

// ---- event subscriptions (once the function exists) ----

var functionResourceId = '${resourceId(subscription().subscriptionId, resourceGroupName, 'Microsoft.Web/sites', functionAppName)}/functions/${eventGridFunctionName}'

module resourceEventSubscriptions 'modules/topicSubscription.bicep' = [
  for (watched, i) in watchedTopics: if (deployEventSubscriptions) {
    name: 'resource-events-${resourceToken}-${take(uniqueString(watched.subscriptionId), 8)}'
    scope: resourceGroup(subscriptionOf(watched.topicId), resourceGroupOf(watched.topicId))
    dependsOn: [subscriptionTopics[i], functionApp, runtimeAccess]
    params: {
      topicName: lastSegment(watched.topicId)
      name: 'arc-autopilot-resource-events'
      functionResourceId: functionResourceId
      includedEventTypes: resourceEventTypes
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: subscribedOperations
        }
      ]
      deadLetterIdentityId: deadLetterIdentity.outputs.id
      deadLetterStorageAccountId: deadLetterStorage.outputs.id
      deadLetterContainerName: deadLetterStorage.outputs.containerName
      maxDeliveryAttempts: eventMaxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
  }
]

module apimEventSubscriptions 'modules/topicSubscription.bicep' = [
  for (apim, i) in apimTopics: if (deployEventSubscriptions) {
    name: 'apim-events-${resourceToken}-${take(uniqueString(apim.serviceId), 8)}'
    scope: resourceGroup(subscriptionOf(apim.topicId), resourceGroupOf(apim.topicId))
    dependsOn: [apimServiceTopics[i], functionApp, runtimeAccess]
    params: {
      topicName: lastSegment(apim.topicId)
      name: 'arc-autopilot-gateway-token-events'
      functionResourceId: functionResourceId
      includedEventTypes: apimTokenEventTypes
      advancedFilters: []
      deadLetterIdentityId: deadLetterIdentity.outputs.id
      deadLetterStorageAccountId: deadLetterStorage.outputs.id
      deadLetterContainerName: deadLetterStorage.outputs.containerName
      maxDeliveryAttempts: eventMaxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
  }
]

// ---- outputs (azd stores them in the environment) ----

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = appGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output APP_IDENTITY_CLIENT_ID string = appIdentity.outputs.clientId
output EVENT_GRID_IDENTITY_ID string = deadLetterIdentity.outputs.id
output ARC_DEAD_LETTER_CONTAINER_URL string = deadLetterStorage.outputs.containerUrl
output ARC_EVENT_SUBSCRIPTIONS bool = deployEventSubscriptions
