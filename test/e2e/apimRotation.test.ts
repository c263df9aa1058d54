// API Management gateway tokens over months (issue 13, "Done when" 2 and 3), through the local
// host and the emulator: a gateway deployed by the runbook with monitoring gets its token rotated
// before every expiry for 90 virtual days, each time on API Management's near-expiry event, from
// the other key, and its heartbeat never drops; with the events lost, the timer backstop rotates
// in time; and nothing the suite captured (host log, inputs, outputs, custom statuses, histories,
// the emulator's traffic, the outcome events) holds a token or the ingestion key.
import { setTokenEventOptions } from "../../local/emulator/providers/apiManagement/heartbeat";
import type { ApimDeployResult, ApimRotationResult } from "../../shared/apim/results";
import { apimModules, apimWorld, callRoute, Captured, day, ended, fireRotationTimer } from "./apimHarness";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-00000000a113";
const ingestionKey = "law-INGESTION-key-7f3a9c";
const workspaceId = "3f2e7a1c-5b9d-4e6f-8a0b-1c2d3e4f5a6b";
let h: Harness;
let world: ReturnType<typeof apimWorld>;
let captured: Captured;
const tokens = new Set<string>();

harnessPerFile(
  {
    subscriptionId,
    extraModules: apimModules,
    appSettings: {
      ARC_APIM_MONITORING_INGESTION_KEY: ingestionKey,
      ARC_APIM_REPLICAS: "2",
      ARC_OUTCOME_TOPIC_ENDPOINT: "{emulator}/eventgrid/topics/arc-outcomes/api/events",
    },
  },
  (started) => {
    h = started;
    world = apimWorld(h, subscriptionId);
    captured = new Captured(h);
  },
);

/** Keeps every token the extension holds (to scan for later). */
function collectTokens(extensionId: string): void {
  const token = world.protectedSettings(extensionId)?.["gateway.auth.token"];
  if (token !== undefined) tokens.add(token.replace(/^GatewayKey /, ""));
}

/** Lives `days` virtual days one at a time; the gateway's live nodes after each, and the rotations seen. */
async function live(
  days: number,
  watch: { gatewayId: string; clusterId: string; extensionId: string },
  each?: () => Promise<void>,
) {
  const nodes: number[] = [];
  const rotations = new Map<string, ApimRotationResult>();
  for (let i = 0; i < days; i++) {
    await each?.();
    await h.host.runFor(day);
    collectTokens(watch.extensionId);
    nodes.push(await world.nodes(watch.gatewayId));
    for (const status of h.host.engine.list({}, { showInput: true })) {
      const output = status.output as ApimRotationResult | undefined;
      if (
        status.name === "rotateApimGatewayToken_v1" &&
        output?.clusterId === watch.clusterId &&
        output.token
      )
        rotations.set(output.token.expiresOn, output);
    }
    captured.snapshot();
  }
  return { nodes, rotations: [...rotations.values()] };
}

test("90 days: the near-expiry event rotates the token before every expiry, from the other key, and the heartbeat never drops", async () => {
  const gatewayId = world.gateway("fabrikam-apim", "edge-1", "Premium");
  const clusterId = world.join("aks-a");
  const extensionId = world.extensionId(clusterId);
  const answer = await callRoute(h, `clusters/${subscriptionId}/rg-k8s/aks-a/apim-gateway`, {
    method: "POST",
    body: { gatewayId, serviceType: "NodePort", monitoring: { workspaceId } },
  });
  expect(answer.status).toBe(202);
  const deployed = (await ended(h, "deploy", clusterId)).output as ApimDeployResult;
  expect(deployed).toMatchObject({ outcome: "healthy", nodes: 2, token: { keyType: "primary" } });
  const protectedSettings = world.protectedSettings(extensionId)!;
  expect(Object.keys(protectedSettings).sort()).toEqual(["gateway.auth.token", "monitoring.ingestionKey"]);
  expect(protectedSettings["monitoring.ingestionKey"]).toBe(ingestionKey);
  collectTokens(extensionId);

  const start = h.clock.now();
  const { nodes, rotations } = await live(90, { gatewayId, clusterId, extensionId });
  expect(Math.min(...nodes)).toBeGreaterThan(0);
  expect(rotations.length).toBeGreaterThanOrEqual(3);
  let previousExpiry = Date.parse(deployed.token!.expiresOn);
  let previousKey = "primary";
  for (const rotation of rotations) {
    expect(rotation).toMatchObject({ outcome: "rotated", trigger: "GatewayTokenNearExpiry" });
    expect(rotation.code).toBeUndefined(); // no HeartbeatDropped
    expect(rotation.minimumNodes).toBeGreaterThan(0);
    expect(Date.parse(rotation.previous!.expiresOn)).toBe(previousExpiry);
    expect(rotation.token!.keyType).not.toBe(previousKey);
    previousExpiry = Date.parse(rotation.token!.expiresOn);
    previousKey = rotation.token!.keyType;
  }
  expect(previousExpiry).toBeGreaterThan(start + 90 * day);
  // The ingestion key went along with every new token (a PATCH replaces the protected settings).
  expect(world.protectedSettings(extensionId)?.["monitoring.ingestionKey"]).toBe(ingestionKey);
  expect(tokens.size).toBeGreaterThanOrEqual(4);
});

test("with the token events lost, the timer backstop still rotates in time; the heartbeat never drops", async () => {
  setTokenEventOptions(h.host.emulator!.state, { drop: true });
  const gatewayId = world.gateway("woodgrove-apim", "edge-2");
  const clusterId = world.join("aks-b", { "arc-autopilot-apim-gateway": gatewayId });
  const extensionId = world.extensionId(clusterId);
  const deployed = (await ended(h, "deploy", clusterId)).output as ApimDeployResult;
  expect(deployed).toMatchObject({ outcome: "healthy" });
  collectTokens(extensionId);
  const { nodes, rotations } = await live(40, { gatewayId, clusterId, extensionId }, () =>
    fireRotationTimer(h),
  );
  expect(Math.min(...nodes)).toBeGreaterThan(0);
  expect(rotations.length).toBeGreaterThanOrEqual(1);
  expect(rotations[0]).toMatchObject({ outcome: "rotated", trigger: "timer" });
  expect(
    Date.parse(rotations[0]!.previous!.expiresOn) - Date.parse(rotations[0]!.token!.expiresOn),
  ).toBeLessThan(0);
  setTokenEventOptions(h.host.emulator!.state, { drop: false });
});

test("nothing captured — host log, inputs, outputs, custom statuses, histories, the emulator's traffic — holds a token or the ingestion key", () => {
  const text = captured.all();
  expect(tokens.size).toBeGreaterThanOrEqual(5);
  for (const token of tokens) {
    expect(text.includes(token)).toBe(false);
    // Nor its signature alone.
    const signature = token.split("&").pop()!;
    expect(text.includes(signature)).toBe(false);
  }
  expect(text.includes(ingestionKey)).toBe(false);
  // The scan reads something: the runs and their results are in it.
  expect(text).toContain("rotateApimGatewayToken_v1");
  expect(text).toContain("GatewayTokenNearExpiry");
  expect(text).toContain("ArcAutopilot.ApimGatewayTokenRotated");
});
