#!/bin/sh
# azd postdeploy: once the app (and so its Event Grid function) is deployed, provision again with
# the event subscriptions on. Azure validates an Azure Functions destination when the subscription
# is created, so the first `azd provision` cannot create it. Afterwards ARC_EVENT_SUBSCRIPTIONS
# stays true in the azd environment and every later provision keeps the subscriptions.
set -eu

if [ "${ARC_EVENT_SUBSCRIPTIONS:-false}" = "true" ]; then
  echo "Event Grid subscriptions are provisioned (ARC_EVENT_SUBSCRIPTIONS=true)."
  exit 0
fi

echo "The app is deployed: provisioning the Event Grid subscriptions to its machineEvents function."
azd env set ARC_EVENT_SUBSCRIPTIONS true
azd provision --no-prompt
