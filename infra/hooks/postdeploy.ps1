# azd postdeploy: once the app (and so its Event Grid function) is deployed, provision again with
# the event subscriptions on. Azure validates an Azure Functions destination when the subscription
# is created, so the first `azd provision` cannot create it. Afterwards ARC_EVENT_SUBSCRIPTIONS
# stays true in the azd environment and every later provision keeps the subscriptions.
$ErrorActionPreference = 'Stop'

if ($env:ARC_EVENT_SUBSCRIPTIONS -eq 'true') {
  Write-Host 'Event Grid subscriptions are provisioned (ARC_EVENT_SUBSCRIPTIONS=true).'
  exit 0
}

Write-Host 'The app is deployed: provisioning the Event Grid subscriptions to its machineEvents function.'
azd env set ARC_EVENT_SUBSCRIPTIONS true
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
azd provision --no-prompt
exit $LASTEXITCODE
