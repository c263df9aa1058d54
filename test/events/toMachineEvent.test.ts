import { buildResourceEvent, toCloudEvent } from "../../local/emulator/eventGrid/resourceEvents";
import { SeededRandom } from "../../local/emulator/random";
import type { MachineEvent } from "../../shared/events/machineEvent";
import { toMachineEvent, toMachineEvents } from "../../shared/events/toMachineEvent";

const s = "00000000-0000-4000-8000-000000000001";
const machineId = `/subscriptions/${s}/resourceGroups/rg-servers/providers/Microsoft.HybridCompute/machines/web-01`;

/** The Event Grid schema event for an Arc onboarding (docs/azure-facts.md §9; httpRequest left out: it only appears on updates and deletes). */
function writeEvent(
  data: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: "2f1c0e4a-0000-4000-8000-000000000001",
    topic: `/subscriptions/${s}`,
    subject: machineId,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: "2025-05-01T10:00:00.1234567Z",
    dataVersion: "2",
    metadataVersion: "1",
    data: {
      authorization: {
        scope: machineId,
        action: "Microsoft.HybridCompute/machines/write",
        evidence: { role: "Azure Connected Machine Onboarding", principalType: "ServicePrincipal" },
      },
      claims: {
        aud: "https://management.azure.com/",
        appid: "11111111-1111-4111-8111-111111111111",
        "http://schemas.microsoft.com/identity/claims/objectidentifier":
          "22222222-2222-4222-8222-222222222222",
        name: "Ada Operator",
        ver: "1.0",
      },
      correlationId: "corr-1",
      resourceProvider: "Microsoft.HybridCompute",
      resourceUri: machineId,
      operationName: "Microsoft.HybridCompute/machines/write",
      status: "Succeeded",
      subscriptionId: s,
      tenantId: "33333333-3333-4333-8333-333333333333",
      ...data,
    },
    ...envelope,
  };
}

function asCloudEvent(event: Record<string, unknown>): Record<string, unknown> {
  return {
    specversion: "1.0",
    id: event.id,
    source: event.topic,
    subject: event.subject,
    type: event.eventType,
    time: event.eventTime,
    data: event.data,
  };
}

/** The ARN shape from azure-docs event-schema-resources.md, for a machine instead of a storage account. */
function notification(
  type: "CreatedOrUpdated" | "Deleted",
  id = machineId,
  resourceType = "Microsoft.HybridCompute/machines",
) {
  return {
    id: "4eef929a-a65c-47dd-93e2-46b8c17c6c17",
    topic: `/subscriptions/${s}`,
    subject: id,
    data: {
      resourceInfo: {
        id,
        name: id.split("/").pop(),
        type: resourceType,
        ...(type === "CreatedOrUpdated"
          ? {
              location: "eastus",
              tags: {},
              properties: { status: "Connected", agentVersion: "1.55.02941.1840" },
            }
          : {}),
      },
      ...(type === "CreatedOrUpdated" ? { apiVersion: "2025-01-13" } : {}),
      operationalInfo: { resourceEventTime: "2025-05-01T10:00:01.0000000Z" },
    },
    eventType: `Microsoft.ResourceNotifications.Resources.${type}`,
    dataVersion: "1",
    metadataVersion: "1",
    eventTime: "2025-05-01T10:00:02.0000000Z",
  };
}

const written: MachineEvent = {
  kind: "machineWritten",
  machineId,
  eventId: "2f1c0e4a-0000-4000-8000-000000000001",
  eventType: "Microsoft.Resources.ResourceWriteSuccess",
  eventTime: "2025-05-01T10:00:00.1234567Z",
  source: "resourceEvent",
  correlationId: "corr-1",
  caller: { appId: "11111111-1111-4111-8111-111111111111", objectId: "22222222-2222-4222-8222-222222222222" },
};

describe("reading machine events: what starts and stops onboarding", () => {
  test("azcmagent connect's machine write (Event Grid schema, no httpRequest) starts onboarding", async () => {
    await expect(toMachineEvent(writeEvent())).resolves.toEqual(written);
  });

  test("the same event in the CloudEvents 1.0 schema reads the same", async () => {
    await expect(toMachineEvent(asCloudEvent(writeEvent()))).resolves.toEqual(written);
  });

  test("authorization and claims as JSON text (the 2018-01-01 swagger's strings) are tolerated", async () => {
    const event = writeEvent({
      authorization: JSON.stringify({ scope: machineId, action: "x" }),
      claims: JSON.stringify({ appid: "app-1", oid: "obj-1" }),
      httpRequest: JSON.stringify({ method: "PUT" }),
    });
    await expect(toMachineEvent(event)).resolves.toMatchObject({
      kind: "machineWritten",
      caller: { appId: "app-1", objectId: "obj-1" },
    });
  });

  test("placeholder text where objects belong (the docs' delete example) is read as absent", async () => {
    const event = writeEvent({
      authorization: "{azure_resource_manager_authorizations}",
      claims: "{azure_resource_manager_claims}",
      httpRequest: "{request-operation}",
    });
    const result = await toMachineEvent(event);
    expect(result).toMatchObject({ kind: "machineWritten", machineId });
    expect(result).not.toHaveProperty("caller");
  });

  test("the operation name compares case-insensitively, and the machine id is written canonically", async () => {
    const lower = machineId.toLowerCase();
    const result = await toMachineEvent(
      writeEvent({ resourceUri: `${lower}/`, operationName: "microsoft.hybridcompute/MACHINES/write" }),
    );
    expect(result).toMatchObject({
      kind: "machineWritten",
      machineId: `/subscriptions/${s}/resourceGroups/rg-servers/providers/microsoft.hybridcompute/machines/web-01`,
    });
  });

  test("the machine comes from data.resourceUri, never from subject alone", async () => {
    const other = machineId.replace("web-01", "web-02");
    await expect(toMachineEvent(writeEvent({}, { subject: other }))).resolves.toMatchObject({ machineId });
    const withoutUri = writeEvent();
    delete (withoutUri.data as Record<string, unknown>).resourceUri;
    await expect(toMachineEvent(withoutUri)).resolves.toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("resourceUri") as unknown,
    });
  });

  test("a machine delete stops onboarding", async () => {
    const event = writeEvent(
      {
        operationName: "Microsoft.HybridCompute/machines/delete",
        httpRequest: { method: "DELETE", url: "https://x" },
      },
      { eventType: "Microsoft.Resources.ResourceDeleteSuccess" },
    );
    await expect(toMachineEvent(event)).resolves.toEqual({
      kind: "machineDeleted",
      machineId,
      eventId: written.eventId,
      eventType: "Microsoft.Resources.ResourceDeleteSuccess",
      eventTime: "2025-05-01T10:00:00.1234567Z",
      source: "resourceEvent",
      correlationId: "corr-1",
    });
  });

  test.each([
    ["Event Grid", (e: Record<string, unknown>) => e],
    ["CloudEvents", asCloudEvent],
  ])(
    "Azure Resource Notifications for a machine (%s schema) start and stop onboarding",
    async (_schema, shape) => {
      await expect(toMachineEvent(shape(notification("CreatedOrUpdated")))).resolves.toMatchObject({
        kind: "machineWritten",
        machineId,
        source: "resourceNotification",
        eventType: "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated",
      });
      await expect(toMachineEvent(shape(notification("Deleted")))).resolves.toMatchObject({
        kind: "machineDeleted",
        machineId,
        source: "resourceNotification",
      });
    },
  );

  test("an ARN event without an envelope time takes the resource event time", async () => {
    const cloud = asCloudEvent(notification("CreatedOrUpdated"));
    delete cloud.time;
    await expect(toMachineEvent(cloud)).resolves.toMatchObject({ eventTime: "2025-05-01T10:00:01.0000000Z" });
  });

  test("ARN resource types in ARG's lowercase are machines too; a contradicting type is malformed", async () => {
    await expect(
      toMachineEvent(notification("CreatedOrUpdated", machineId, "microsoft.hybridcompute/machines")),
    ).resolves.toMatchObject({ kind: "machineWritten" });
    await expect(
      toMachineEvent(notification("CreatedOrUpdated", machineId, "Microsoft.Storage/storageAccounts")),
    ).resolves.toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("contradicts") as unknown,
    });
  });

  describe("events the emulator's system topic sends, in both schemas", () => {
    const principal = {
      objectId: "44444444-4444-4444-8444-444444444444",
      appId: "55555555-5555-4555-8555-555555555555",
      tenantId: "33333333-3333-4333-8333-333333333333",
      claims: {
        appid: "55555555-5555-4555-8555-555555555555",
        oid: "44444444-4444-4444-8444-444444444444",
        idtyp: "app",
      },
    };
    const emulated = (kind: "write" | "delete", resourceUri: string, operationName: string) =>
      buildResourceEvent(
        { kind, resourceUri, operationName, principal, correlationId: "corr-e" },
        { random: new SeededRandom(7), now: Date.UTC(2025, 4, 1) },
      ) as unknown as Record<string, unknown>;

    test.each([["Event Grid"], ["CloudEvents"]])("%s: a machine write and delete", async (schema) => {
      const shape = (event: Record<string, unknown>) =>
        schema === "CloudEvents"
          ? (toCloudEvent(event as never) as unknown as Record<string, unknown>)
          : event;
      await expect(
        toMachineEvent(shape(emulated("write", machineId, "Microsoft.HybridCompute/machines/write"))),
      ).resolves.toMatchObject({
        kind: "machineWritten",
        machineId,
        caller: { appId: principal.appId, objectId: principal.objectId },
      });
      await expect(
        toMachineEvent(shape(emulated("delete", machineId, "Microsoft.HybridCompute/machines/delete"))),
      ).resolves.toMatchObject({
        kind: "machineDeleted",
        machineId,
      });
    });

    test("our own settings write event is ignored, naming the machine for the debug log", async () => {
      const settings = `${machineId}/providers/Microsoft.HybridCompute/settings/default`;
      await expect(
        toMachineEvent(emulated("write", settings, "Microsoft.HybridCompute/settings/write")),
      ).resolves.toMatchObject({
        kind: "ignored",
        machineId,
        reason: expect.stringContaining("does not start onboarding") as unknown,
      });
    });
  });
});

describe("reading machine events: writes that must not retrigger onboarding", () => {
  test.each([
    [
      "our own settings write",
      `${machineId}/providers/Microsoft.HybridCompute/settings/default`,
      "Microsoft.HybridCompute/settings/write",
    ],
    [
      "our own Run Command",
      `${machineId}/runCommands/arc-autopilot-ssh-port`,
      "Microsoft.HybridCompute/machines/runCommands/write",
    ],
    [
      "our own endpoint",
      `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default`,
      "Microsoft.HybridConnectivity/endpoints/write",
    ],
    [
      "our own SSH service configuration",
      `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`,
      "Microsoft.HybridConnectivity/endpoints/serviceConfigurations/write",
    ],
    [
      "an extension install",
      `${machineId}/extensions/AzureMonitorLinuxAgent`,
      "Microsoft.HybridCompute/machines/extensions/write",
    ],
  ])("%s is ignored", async (_story, resourceUri, operationName) => {
    const result = await toMachineEvent(writeEvent({ resourceUri, operationName }));
    expect(result).toMatchObject({ kind: "ignored", machineId, eventId: written.eventId });
  });

  test("deleting our own Run Command is ignored too", async () => {
    const event = writeEvent(
      {
        resourceUri: `${machineId}/runCommands/x`,
        operationName: "Microsoft.HybridCompute/machines/runCommands/delete",
      },
      { eventType: "Microsoft.Resources.ResourceDeleteSuccess" },
    );
    await expect(toMachineEvent(event)).resolves.toMatchObject({ kind: "ignored", machineId });
  });

  test("an ARN notification for a machine's extension is ignored", async () => {
    await expect(
      toMachineEvent(
        notification(
          "CreatedOrUpdated",
          `${machineId}/extensions/x`,
          "Microsoft.HybridCompute/machines/extensions",
        ),
      ),
    ).resolves.toMatchObject({ kind: "ignored", machineId });
  });
});

describe("reading machine events: everything else is ignored with a reason", () => {
  test("another resource's write (a storage account, as in the spec's example) is ignored, not malformed", async () => {
    const storageAccount = `/subscriptions/${s}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/logs01`;
    const result = await toMachineEvent(
      writeEvent(
        {
          authorization: { scope: storageAccount, action: "Microsoft.Storage/storageAccounts/write" },
          resourceProvider: "Microsoft.Storage",
          resourceUri: storageAccount,
          operationName: "Microsoft.Storage/storageAccounts/write",
        },
        { id: "4db48cba-50a2-455a-93b4-de41a3b5b7f6", subject: storageAccount },
      ),
    );
    expect(result).toEqual({
      kind: "ignored",
      reason: "Microsoft.Storage/storageAccounts/write is not a write or delete of an Arc machine",
      eventId: "4db48cba-50a2-455a-93b4-de41a3b5b7f6",
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
    });
  });

  test.each([
    [
      "a gateway write",
      "/subscriptions/s/resourceGroups/g/providers/Microsoft.HybridCompute/gateways/gw",
      "Microsoft.HybridCompute/gateways/write",
    ],
    [
      "a VM write",
      "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm",
      "Microsoft.Compute/virtualMachines/write",
    ],
    [
      "a resource group write",
      "/subscriptions/s/resourceGroups/g",
      "Microsoft.Resources/subscriptions/resourceGroups/write",
    ],
  ])("%s is ignored", async (_story, resourceUri, operationName) => {
    await expect(toMachineEvent(writeEvent({ resourceUri, operationName }))).resolves.toMatchObject({
      kind: "ignored",
    });
  });

  test.each([
    ["Microsoft.Resources.ResourceWriteFailure"],
    ["Microsoft.Resources.ResourceActionSuccess"],
    ["Microsoft.Storage.BlobCreated"],
    ["Contoso.Custom.Event"],
  ])("event type %s is ignored", async (eventType) => {
    await expect(toMachineEvent(writeEvent({}, { eventType }))).resolves.toMatchObject({
      kind: "ignored",
      eventType,
      reason: `Event type ${eventType} is not one arc-autopilot acts on`,
    });
  });

  test("the validation handshake is ignored here: the trigger answers it", async () => {
    const handshake = writeEvent(
      {},
      { eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", data: { validationCode: "x" } },
    );
    await expect(toMachineEvent(handshake)).resolves.toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("handshake") as unknown,
    });
  });
});

describe("reading a webhook body", () => {
  test("an array delivery gives one result per event, in order", async () => {
    const other = writeEvent({
      resourceUri: `${machineId}/runCommands/x`,
      operationName: "Microsoft.HybridCompute/machines/runCommands/write",
    });
    const results = await toMachineEvents(JSON.stringify([writeEvent(), other, 42]));
    expect(results.map((r) => r.kind)).toEqual(["machineWritten", "ignored", "malformed"]);
  });

  test("a single CloudEvent body (application/cloudevents+json) is one event", async () => {
    await expect(toMachineEvents(asCloudEvent(writeEvent()))).resolves.toEqual([written]);
  });
});
