// A role assignment at the subscription this module is deployed to.
targetScope = 'subscription'

param principalId string
param roleDefinitionId string
@description('Which infra/roles file the role is (read by test/infra/permissions.test.ts).')
param roleKey string

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: roleDefinitionId
    description: 'arc-autopilot ${roleKey}'
  }
}
