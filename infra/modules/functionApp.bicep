// The Function App on the Flex Consumption plan (Linux, Node 20 or 22), running as the app's
// user-assigned managed identity, with App Service Authentication for the runbooks (off unless an
// app registration is given). Every app setting comes from main.bicep's `appSettings`, so the
// whole set is in one place and the infra tests can compare it with what the code reads.

param name string
param planName string
param location string
param tags object

@description('Resource id of the app\'s user-assigned managed identity.')
param identityId string

@description('Blob endpoint + container the app package is deployed to.')
param deploymentContainerUrl string

@description('Every app setting, name to value.')
param appSettings object

@description('Flex Consumption: the most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Flex Consumption: memory per instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Node.js major version the app runs on.')
@allowed(['20', '22'])
param nodeVersion string

@description('Client id of an existing Microsoft Entra app registration for the runbooks; empty leaves App Service Authentication off.')
param runbookAuthClientId string

var runbookAuthEnabled = !empty(runbookAuthClientId)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in app settings (ARC_APIM_MONITORING_INGESTION_KEY) resolve with the app's identity.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for setting in items(appSettings): { name: setting.key, value: setting.value }]
    }
  }
}

// Deployments authenticate with Microsoft Entra (azd does); publishing user names and passwords stay off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

// App Service Authentication for the runbooks. Unauthenticated requests are let through, never
// redirected or refused: Event Grid deliveries (/runtime/webhooks/eventgrid) and the Durable
// endpoints authenticate with keys, not tokens. The app itself requires a principal and an app
// role on runbook routes when the platform sets WEBSITE_AUTH_ENABLED (shared/runbooks/http/principal.ts).
resource auth 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: runbookAuthEnabled
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: runbookAuthEnabled
        registration: {
          clientId: runbookAuthClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: runbookAuthEnabled ? ['api://${runbookAuthClientId}', runbookAuthClientId] : []
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
