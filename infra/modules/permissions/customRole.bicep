// One custom role definition, created in the subscription that holds every scope it may be
// assigned at (so the deployment's own subscription never needs access elsewhere). Its actions
// come from infra/roles/*.json, the list test/infra/permissions.test.ts checks against the app's
// operation table (shared/azure/armPermissions.ts).
targetScope = 'subscription'

@description('A role from infra/roles/*.json: roleName, description, actions, dataActions.')
param role object

@description('Which infra/roles file the role is (its key in appPermissions.bicep).')
param roleKey string

@description('Deterministic role definition name (a GUID).')
param roleDefinitionName string

@description('Exactly the scopes the role is assigned at, all inside this subscription.')
param assignableScopes array

@description('Makes the tenant-unique display name unique per deployment and subscription.')
param nameSuffix string

resource definition 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionName
  properties: {
    roleName: '${role.roleName} (${nameSuffix})'
    description: '${role.description} [${roleKey}]'
    type: 'CustomRole'
    permissions: [
      {
        actions: role.actions
        notActions: []
        dataActions: role.dataActions
        notDataActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

output id string = definition.id
