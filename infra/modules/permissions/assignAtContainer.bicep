// A role assignment on one blob container (in the resource group this module is deployed to).
targetScope = 'resourceGroup'

param principalId string
param roleDefinitionId string
@description('Which infra/roles file the role is (read by test/infra/permissions.test.ts).')
param roleKey string
param storageAccountName string
param containerName string

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobs 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobs::container.id, principalId, roleDefinitionId)
  scope: account::blobs::container
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: roleDefinitionId
    description: 'arc-autopilot ${roleKey}'
  }
}
