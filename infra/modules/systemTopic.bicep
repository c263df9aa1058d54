// An Event Grid system topic on an Azure source: a subscription (Microsoft.Resources.Subscriptions,
// location 'global') or an API Management instance (Microsoft.ApiManagement.Service, the
// instance's region). Azure allows one system topic per source: for a source that already has
// one, main.bicep's existingSystemTopics points at it instead. The topic carries the identity
// its event subscriptions dead-letter with.

param name string
param location string
param tags object

@description('Resource id of the source: /subscriptions/{id}, or an API Management instance\'s id.')
param source string

@allowed(['Microsoft.Resources.Subscriptions', 'Microsoft.ApiManagement.Service'])
param topicType string

@description('Resource id of the user-assigned identity Event Grid dead-letters with.')
param deadLetterIdentityId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${deadLetterIdentityId}': {} }
  }
  properties: {
    source: source
    topicType: topicType
  }
}

output name string = topic.name
