# azd postdown: the app and its Event Grid function are gone, so the next `azd up` must provision
# without the event subscriptions first (Azure refuses an Azure Functions destination that does
# not exist) and let postdeploy add them again once the function is back.
$ErrorActionPreference = 'Stop'
azd env set ARC_EVENT_SUBSCRIPTIONS false
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host 'ARC_EVENT_SUBSCRIPTIONS=false: the next azd up creates the Event Grid subscriptions after deploying the app.'
