#!/bin/sh
# azd postdown: the app and its Event Grid function are gone, so the next `azd up` must provision
# without the event subscriptions first (Azure refuses an Azure Functions destination that does
# not exist) and let postdeploy add them again once the function is back.
set -eu
azd env set ARC_EVENT_SUBSCRIPTIONS false
echo "ARC_EVENT_SUBSCRIPTIONS=false: the next azd up creates the Event Grid subscriptions after deploying the app."
