// PLACEHOLDER (replaced by the permissions work): the role definitions and assignments that give
// the app's identity exactly the ARM and data-plane actions its operations need, at the scopes
// it manages. main.bicep calls it with the parameters below; keep this signature.
targetScope = 'subscription'

@description('Principal id of the app\'s user-assigned managed identity.')
param principalId string

@description('ARC_SCOPES entries: /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}.')
param managedScopes array

@description('ARC_GATEWAY_RESOURCE_GROUP: the resource group (in each gateway subscription) where gateways are created.')
param gatewayResourceGroupName string

@description('ARC_GATEWAY_SUBSCRIPTION: one hub subscription for every gateway; empty means each managed scope\'s own subscription.')
param gatewaySubscriptionId string = ''

@description('Resource ids of the API Management instances whose self-hosted gateways the app deploys and rotates.')
param apimServiceIds array = []

@description('Resource id of the Event Grid custom topic for onboarding outcomes (ARC_OUTCOME_TOPIC_ENDPOINT); empty when none.')
param outcomeTopicId string = ''

@description('Resource id of the storage account holding the Event Grid dead-letter container the replay runbook reads.')
param deadLetterStorageAccountId string

@description('Name of the dead-letter blob container.')
param deadLetterContainerName string

output note string = 'placeholder: ${principalId} ${length(managedScopes)} ${gatewayResourceGroupName} ${gatewaySubscriptionId} ${length(apimServiceIds)} ${outcomeTopicId} ${deadLetterStorageAccountId} ${deadLetterContainerName}'
