// A user-assigned managed identity: the app's (ARM, storage, telemetry, Durable backend) or
// Event Grid's (dead-lettering). User-assigned, so role assignments survive the app's
// re-creation and can be granted before the app exists.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
