// The API Management starters read the run's status before starting one: "no such instance" (404)
// starts it; a durable store that cannot be read is an error the trigger throws (Event Grid then
// redelivers), never mistaken for "no run" — which could start a second run beside a running one.
import { startOnce } from "../../orchestrations/apim/apimRuns";
import { startApimDeployment } from "../../orchestrations/apim/apimStarter";
import { readSettings } from "../../shared/config";

const clusterId =
  "/subscriptions/00000000-0000-4000-8000-00000000a115/resourceGroups/rg-k8s/providers/Microsoft.Kubernetes/connectedClusters/aks-1";
const settings = readSettings({});

function client(getStatus: () => Promise<never>) {
  const started: string[] = [];
  return {
    started,
    getStatus,
    startNew: (_name: string, options: { instanceId: string }) => {
      started.push(options.instanceId);
      return Promise.resolve(options.instanceId);
    },
  };
}

test("no instance yet (404): the deployment starts", async () => {
  const fake = client(() => Promise.reject(new Error("Durable client: HTTP 404 No instance with ID")));
  const decision = await startApimDeployment(fake, settings, clusterId, "event");
  expect(decision.action).toBe("started");
  expect(fake.started).toEqual([decision.instanceId]);
});

test("the durable store unreachable: the starters throw and start nothing", async () => {
  const fake = client(() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:7071")));
  await expect(startApimDeployment(fake as never, settings, clusterId, "event")).rejects.toThrow(
    /ECONNREFUSED/,
  );
  await expect(startOnce(fake as never, "rotateApimGatewayToken_v1", "rotate-x", {})).rejects.toThrow(
    /ECONNREFUSED/,
  );
  expect(fake.started).toEqual([]);
});
