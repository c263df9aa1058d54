// The Durable Task Scheduler backend (durableBackend = 'DurableTaskScheduler'): a scheduler and
// the app's task hub. The app reaches it with its managed identity (Durable Task Data Contributor,
// runtimeAccess.bicep); app settings select it over host.json's Azure Storage provider.

param name string
param taskHubName string
param location string
param tags object

@allowed(['Consumption', 'Dedicated'])
param skuName string

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Access is by Microsoft Entra identity and RBAC; the allow list is the network filter.
    ipAllowlist: ['0.0.0.0/0']
    sku: { name: skuName }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output id string = scheduler.id
output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
