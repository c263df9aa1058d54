// A role assignment on one Event Grid custom topic (in the resource group this module is deployed to).
targetScope = 'resourceGroup'

param principalId string
param roleDefinitionId string
@description('Which infra/roles file the role is (read by test/infra/permissions.test.ts).')
param roleKey string
param topicName string

resource topic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: topicName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, principalId, roleDefinitionId)
  scope: topic
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: roleDefinitionId
    description: 'arc-autopilot ${roleKey}'
  }
}
