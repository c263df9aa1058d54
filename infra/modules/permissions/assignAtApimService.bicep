// A role assignment on one API Management service (in the resource group this module is deployed to).
targetScope = 'resourceGroup'

param principalId string
param roleDefinitionId string
@description('Which infra/roles file the role is (read by test/infra/permissions.test.ts).')
param roleKey string
param serviceName string

resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: serviceName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(service.id, principalId, roleDefinitionId)
  scope: service
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: roleDefinitionId
    description: 'arc-autopilot ${roleKey}'
  }
}
