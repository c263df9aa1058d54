// Key Vault Secrets User on ONE secret for the app's identity: the platform resolves the app
// setting's Key Vault reference (ARC_APIM_MONITORING_INGESTION_KEY) with that identity
// (keyVaultReferenceIdentity), and the app reads no other secret. Deployed to the vault's resource
// group, which may be in another subscription.
// Role id: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user

param principalId string
param vaultName string
param secretName string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: vaultName

  resource secret 'secrets' existing = {
    name: secretName
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault::secret.id, principalId, keyVaultSecretsUser)
  scope: vault::secret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
