// Log Analytics and a workspace-based Application Insights with local (instrumentation key)
// authentication off: the app sends telemetry with its managed identity only
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), granted Monitoring Metrics Publisher in runtimeAccess.bicep.

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object

@description('Days Log Analytics keeps the app\'s logs.')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output applicationInsightsId string = appInsights.id
output applicationInsightsName string = appInsights.name
// Not a secret: with local authentication off the instrumentation key alone cannot send telemetry.
output connectionString string = appInsights.properties.ConnectionString
