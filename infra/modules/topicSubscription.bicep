// One event subscription on a system topic, delivering to the app's Event Grid function with the
// filters main.bicep gives, a retry policy, and dead-lettering to the app's dead-letter container
// with a managed identity (no storage key). Deployed only once the function exists
// (deployEventSubscriptions): Azure validates an AzureFunction destination when it is created.

@description('Name of the system topic (in this module\'s resource group).')
param topicName string

param name string

@description('Resource id of the Event Grid function: {function app id}/functions/{name}.')
param functionResourceId string

param includedEventTypes array

@description('Event Grid advanced filters ([] for none).')
param advancedFilters array

@description('Resource id of the user-assigned identity that writes dead letters (attached to the topic).')
param deadLetterIdentityId string

param deadLetterStorageAccountId string
param deadLetterContainerName string

@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int

@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: topicName
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: name
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        // The trigger takes one event per invocation.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: includedEventTypes
      advancedFilters: advancedFilters
      enableAdvancedFilteringOnArrays: false
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: deadLetterIdentityId
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output id string = subscription.id
