// Check 1 of the deployment: the compiled template sets every setting shared/config.ts reads and
// nothing the app (or the Functions platform and runtime, listed below with why) does not read,
// and where a setting's value is known before deployment it is the code's own default.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { readSettings, settingsSchema } from "../../shared/config";
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
import { evaluateIfKnown } from "./armExpressions";

/** Settings the Functions platform or runtime reads, not shared/config.ts: why each is set. */
const platformSettings: Record<string, string> = {
  AzureWebJobsStorage__accountName: "host storage (and the Durable task hub on Azure Storage) by identity",
  AzureWebJobsStorage__credential: "`managedidentity`: the identity-based connection",
  AzureWebJobsStorage__clientId: "which identity: the user-assigned one",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "where the host sends telemetry",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "telemetry authenticated with the identity (local auth is off)",
  ARC_TASK_HUB_NAME: "host.json's durableTask.hubName (%ARC_TASK_HUB_NAME%)",
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type:
    "the Durable backend, overriding host.json: AzureStorage or azureManaged (Durable Task Scheduler)",
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName:
    "the setting the Durable backend connects with",
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: "the Durable Task Scheduler's identity-based connection",
};

/** App settings of the code whose value the deployment decides, so not the code's default: why. */
const deploymentValues: Record<string, string> = {
  AZURE_CLIENT_ID: "the user-assigned identity's client id",
  ARC_SCOPES: "defaults to the deployment's own subscription, so `azd up` manages something",
  ARC_DEAD_LETTER_CONTAINER_URL: "the dead-letter container the template creates",
};

/** Set by App Service itself when authsettingsV2 is enabled; the template configures that instead. */
const setByAppService = ["WEBSITE_AUTH_ENABLED"];

function appSettingsOf(main: ArmTemplate): Record<string, unknown> {
  const parameters = moduleDeployment(main, "functionApp").properties?.parameters as
    { appSettings?: { value?: Record<string, unknown> } } | undefined;
  const settings = parameters?.appSettings?.value;
  if (settings === undefined || typeof settings !== "object")
    throw new Error("functionApp's appSettings is not an object literal: the check cannot read its names");
  return settings;
}

function resourceOfType(template: ArmTemplate, type: string, name?: string): ArmResource {
  const found = resourcesOf(template).filter(
    (resource) => resource.type === type && (name === undefined || String(resource.name).includes(name)),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
  return found[0]!;
}

describeWithCompiler("app settings in the compiled template (infra/main.bicep)", (compiler) => {
  let main: ArmTemplate;
  let settings: Record<string, unknown>;
  const codeSettings = Object.keys(settingsSchema.shape);

  beforeAll(() => {
    main = compileBicep(compiler).template;
    settings = appSettingsOf(main);
  });

  it("sets every setting shared/config.ts reads, but the one App Service sets itself", () => {
    const missing = codeSettings.filter((name) => !setByAppService.includes(name) && !(name in settings));
    expect(missing).toEqual([]);
  });

  it("sets nothing that neither the code nor the platform reads", () => {
    const unread = Object.keys(settings).filter(
      (name) => !codeSettings.includes(name) && !(name in platformSettings),
    );
    expect(unread).toEqual([]);
    // The list above names only settings the template really sets.
    expect(Object.keys(platformSettings).filter((name) => !(name in settings))).toEqual([]);
  });

  it("leaves WEBSITE_AUTH_ENABLED to App Service and lets unauthenticated requests through", () => {
    for (const name of setByAppService) expect(settings).not.toHaveProperty(name);
    const functionApp = moduleTemplate(moduleDeployment(main, "functionApp"));
    const auth = resourceOfType(functionApp, "Microsoft.Web/sites/config", "authsettingsV2");
    const properties = auth.properties as {
      platform: { enabled: unknown };
      globalValidation: { requireAuthentication: unknown; unauthenticatedClientAction: unknown };
    };
    // On exactly when an app registration is given; Event Grid and Durable endpoints use keys.
    expect(JSON.stringify(functionApp.variables?.runbookAuthEnabled)).toContain("runbookAuthClientId");
    expect(properties.platform.enabled).toBe("[variables('runbookAuthEnabled')]");
    expect(properties.globalValidation.requireAuthentication).toBe(false);
    expect(properties.globalValidation.unauthenticatedClientAction).toBe("AllowAnonymous");
    expect(main.parameters?.runbookAuthClientId?.defaultValue).toBe("");
  });

  it("gives every setting whose value is known before deployment the code's default", () => {
    const known: Record<string, string> = {};
    const unknown: string[] = [];
    for (const name of codeSettings) {
      if (!(name in settings)) continue;
      const value = evaluateIfKnown(main, settings[name]);
      if (typeof value === "string") known[name] = value;
      else unknown.push(name);
    }
    // What is not known is exactly what the deployment decides on purpose.
    expect(unknown.sort()).toEqual(Object.keys(deploymentValues).sort());
    const fromTemplate = readSettings(known) as Record<string, unknown>;
    const fromCode = readSettings({}) as Record<string, unknown>;
    for (const name of Object.keys(known)) {
      expect({ name, value: fromTemplate[name] }).toEqual({ name, value: fromCode[name] });
    }
    expect(Object.keys(known).length).toBe(
      codeSettings.length - setByAppService.length - Object.keys(deploymentValues).length,
    );
  });

  it("sets every %SETTING% host.json refers to", () => {
    const hostJson = readFileSync(join(repositoryRoot, "host.json"), "utf8");
    const referenced = [...hostJson.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.filter((name) => !(name in settings))).toEqual([]);
  });

  it("sets no setting Flex Consumption refuses and no secret in a value", () => {
    // FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION come from functionAppConfig on
    // Flex Consumption; a plain AzureWebJobsStorage would be a connection string with a key.
    for (const refused of [
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "AzureWebJobsStorage",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    ])
      expect(settings).not.toHaveProperty(refused);
    const values = JSON.stringify(settings);
    expect(values).not.toMatch(/AccountKey=|SharedAccessSignature=|[?&]sig=|listKeys\(|InstrumentationKey=/i);
  });
});
