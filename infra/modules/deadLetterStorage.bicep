// The storage account Event Grid dead-letters undeliverable events to, and the replay runbook reads
// (ARC_DEAD_LETTER_CONTAINER_URL). Its own account, not the host's: the app's identity holds Blob
// Data Owner on the host's storage (the Functions runtime needs it), which would also cover any
// container there, so least privilege on dead letters (read and mark, never delete) needs an account
// where the app's only role is the dead-letter one. Identity-based access only, as the host's.

@description('Storage account name (3–24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

param location string
param tags object

@description('Container Event Grid dead-letters to.')
param containerName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Event Grid writes dead letters as a trusted Azure service.
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobs
  name: containerName
  properties: { publicAccess: 'None' }
}

output id string = storage.id
output name string = storage.name
output containerName string = container.name
output containerUrl string = '${storage.properties.primaryEndpoints.blob}${container.name}'
