// A resource group in a subscription other than the deployment's (module scope: subscription(id)):
// each gateway subscription's ARC_GATEWAY_RESOURCE_GROUP, which the app creates gateways in but
// never creates itself, and the resource group holding a watched subscription's system topic.
targetScope = 'subscription'

param name string
param location string
param tags object

resource group 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: name
  location: location
  tags: tags
}

output name string = group.name
