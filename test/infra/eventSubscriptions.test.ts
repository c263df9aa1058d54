// Check 3 of the deployment: the Event Grid subscriptions in the compiled template deliver exactly
// what the routing acts on — the event types and data.operationName values of
// shared/events/subscribedEvents.ts, API Management's token event types of
// ARC_APIM_TOKEN_EVENT_TYPES — to the app's Event Grid function, with retries and dead-lettering.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { readSettings } from "../../shared/config";
import { resourceEventTypes, subscribedOperations } from "../../shared/events/subscribedEvents";
import {
  type ArmResource,
  type ArmTemplate,
  compileBicep,
  describeWithCompiler,
  moduleDeployment,
  moduleTemplate,
  repositoryRoot,
  resourcesOf,
} from "../support/compiledInfra";
import { evaluate } from "./armExpressions";

interface EventSubscriptionProperties {
  eventDeliverySchema: string;
  destination: { endpointType: string; properties: { resourceId: string; maxEventsPerBatch: number } };
  filter: { includedEventTypes: string; advancedFilters: string };
  retryPolicy: { maxDeliveryAttempts: string; eventTimeToLiveInMinutes: string };
  deadLetterWithResourceIdentity: {
    identity: { type: string; userAssignedIdentity: string };
    deadLetterDestination: {
      endpointType: string;
      properties: { resourceId: string; blobContainerName: string };
    };
  };
}

const sorted = (values: readonly string[]) => [...values].map((v) => v.toLowerCase()).sort();

/** A module parameter's value as the template passes it, evaluated (it must be known before deployment). */
function moduleParameter(main: ArmTemplate, symbolicName: string, name: string): unknown {
  const parameters = moduleDeployment(main, symbolicName).properties?.parameters as Record<
    string,
    { value: unknown }
  >;
  return evaluate(main, parameters[name]?.value);
}

/** The name app.eventGrid registers in functions/machineEvents.ts. */
function eventGridFunctionName(): string {
  const source = readFileSync(join(repositoryRoot, "functions/machineEvents.ts"), "utf8");
  const names = [...source.matchAll(/app\.eventGrid\(\s*"([^"]+)"/g)].map((m) => m[1]!);
  expect(names).toHaveLength(1);
  return names[0]!;
}

describeWithCompiler("Event Grid subscriptions in the compiled template (infra/main.bicep)", (compiler) => {
  let main: ArmTemplate;

  beforeAll(() => {
    main = compileBicep(compiler).template;
  });

  it("subscribe the watched subscriptions' topics to the routing's event types and operations", () => {
    const eventTypes = moduleParameter(main, "resourceEventSubscriptions", "includedEventTypes") as string[];
    expect(sorted(eventTypes)).toEqual(sorted(Object.values(resourceEventTypes)));
    const advancedFilters = moduleParameter(main, "resourceEventSubscriptions", "advancedFilters");
    expect(advancedFilters).toEqual([
      { operatorType: "StringIn", key: "data.operationName", values: expect.any(Array) as unknown },
    ]);
    const [filter] = advancedFilters as Array<{ values: string[] }>;
    expect(sorted(filter!.values)).toEqual(sorted(Object.values(subscribedOperations)));
  });

  it("subscribe API Management's topics to ARC_APIM_TOKEN_EVENT_TYPES' default, and nothing else", () => {
    const eventTypes = moduleParameter(main, "apimEventSubscriptions", "includedEventTypes") as string[];
    expect(sorted(eventTypes)).toEqual(sorted(readSettings({}).ARC_APIM_TOKEN_EVENT_TYPES));
    expect(moduleParameter(main, "apimEventSubscriptions", "advancedFilters")).toEqual([]);
    // The app setting and the filter are one parameter, so an operator changes both together.
    expect(main.parameters?.apimTokenEventTypes).toBeDefined();
    const settings = (
      moduleDeployment(main, "functionApp").properties?.parameters as {
        appSettings: { value: Record<string, string> };
      }
    ).appSettings.value;
    expect(settings.ARC_APIM_TOKEN_EVENT_TYPES).toBe("[join(parameters('apimTokenEventTypes'), ',')]");
    expect(moduleDeployment(main, "apimEventSubscriptions").properties?.parameters).toMatchObject({
      includedEventTypes: { value: "[parameters('apimTokenEventTypes')]" },
    });
  });

  it("create system topics of the right types on the right sources", () => {
    const subscriptionTopic = moduleDeployment(main, "subscriptionTopics").properties?.parameters as Record<
      string,
      { value: unknown }
    >;
    expect(subscriptionTopic.topicType?.value).toBe("Microsoft.Resources.Subscriptions");
    expect(subscriptionTopic.location?.value).toBe("global");
    expect(subscriptionTopic.source?.value).toMatch(/^\[format\('\/subscriptions\/\{0\}'/);
    const apimTopic = moduleDeployment(main, "apimServiceTopics").properties?.parameters as Record<
      string,
      { value: unknown }
    >;
    expect(apimTopic.topicType?.value).toBe("Microsoft.ApiManagement.Service");
  });

  it("deliver to the app's Event Grid function in the Event Grid schema, with retries and dead-lettering", () => {
    expect(evaluate(main, main.variables?.eventGridFunctionName)).toBe(eventGridFunctionName());
    // The function app this template deploys, and the function in it.
    expect(main.variables?.functionResourceId).toBe(
      "[format('{0}/functions/{1}', resourceId(subscription().subscriptionId, variables('resourceGroupName'), 'Microsoft.Web/sites', variables('functionAppName')), variables('eventGridFunctionName'))]",
    );
    expect(moduleDeployment(main, "functionApp").properties?.parameters).toMatchObject({
      name: { value: "[variables('functionAppName')]" },
    });
    expect(moduleDeployment(main, "functionApp").resourceGroup).toBe("[variables('resourceGroupName')]");
    for (const name of ["resourceEventSubscriptions", "apimEventSubscriptions"]) {
      const deployment = moduleDeployment(main, name);
      // Only once the function exists: Azure validates an Azure Functions destination.
      expect(deployment.condition).toBe("[parameters('deployEventSubscriptions')]");
      const parameters = deployment.properties?.parameters as Record<string, { value: unknown }>;
      expect(parameters.functionResourceId?.value).toBe("[variables('functionResourceId')]");
      // Dead letters go to the dead-letter account's container: the one ARC_DEAD_LETTER_CONTAINER_URL
      // names for the replay runbook.
      const appSettings = (
        moduleDeployment(main, "functionApp").properties?.parameters as {
          appSettings: { value: Record<string, unknown> };
        }
      ).appSettings.value;
      expect(appSettings.ARC_DEAD_LETTER_CONTAINER_URL).toBe(
        "[reference('deadLetterStorage').outputs.containerUrl.value]",
      );
      expect(parameters.deadLetterStorageAccountId?.value).toBe(
        "[reference('deadLetterStorage').outputs.id.value]",
      );
      expect(parameters.deadLetterContainerName?.value).toBe(
        "[reference('deadLetterStorage').outputs.containerName.value]",
      );
      const module = moduleTemplate(deployment);
      const subscriptions = resourcesOf(module).filter(
        (r: ArmResource) => r.type === "Microsoft.EventGrid/systemTopics/eventSubscriptions",
      );
      expect(subscriptions).toHaveLength(1);
      const properties = subscriptions[0]!.properties as unknown as EventSubscriptionProperties;
      expect(properties.eventDeliverySchema).toBe("EventGridSchema");
      expect(properties.destination.endpointType).toBe("AzureFunction");
      expect(properties.destination.properties.resourceId).toBe("[parameters('functionResourceId')]");
      expect(properties.filter.includedEventTypes).toBe("[parameters('includedEventTypes')]");
      expect(properties.filter.advancedFilters).toBe("[parameters('advancedFilters')]");
      expect(properties.retryPolicy).toEqual({
        maxDeliveryAttempts: "[parameters('maxDeliveryAttempts')]",
        eventTimeToLiveInMinutes: "[parameters('eventTimeToLiveInMinutes')]",
      });
      const deadLetter = properties.deadLetterWithResourceIdentity;
      expect(deadLetter.identity.type).toBe("UserAssigned");
      expect(deadLetter.deadLetterDestination.endpointType).toBe("StorageBlob");
      expect(deadLetter.deadLetterDestination.properties.blobContainerName).toBe(
        "[parameters('deadLetterContainerName')]",
      );
    }
  });

  it("retry within Event Grid's limits by default", () => {
    const attempts = main.parameters?.eventMaxDeliveryAttempts?.defaultValue as number;
    const ttl = main.parameters?.eventTimeToLiveInMinutes?.defaultValue as number;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(30);
    expect(ttl).toBeGreaterThanOrEqual(1);
    expect(ttl).toBeLessThanOrEqual(1440);
  });
});
