// The hosting the compiled template creates: a Flex Consumption Function App on Node 20 or 22
// running as a user-assigned identity, storage without shared keys, Application Insights without
// local authentication (docs/azure-facts.md §24).
import {
  type ArmResource,
  type ArmTemplate,
  compileBicep,
  describeWithCompiler,
  moduleDeployment,
  moduleTemplate,
  resourcesOf,
} from "../support/compiledInfra";

function only(template: ArmTemplate, type: string): ArmResource {
  const found = resourcesOf(template).filter((resource) => resource.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describeWithCompiler("hosting in the compiled template (infra/main.bicep)", (compiler) => {
  let main: ArmTemplate;

  beforeAll(() => {
    main = compileBicep(compiler).template;
  });

  it("runs the app on Flex Consumption, Node nodeVersion (20 by default), as its user-assigned identity", () => {
    const functionApp = moduleTemplate(moduleDeployment(main, "functionApp"));
    const plan = only(functionApp, "Microsoft.Web/serverfarms");
    expect(plan.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
    expect(plan.properties?.reserved).toBe(true);
    const site = only(functionApp, "Microsoft.Web/sites");
    expect(site.kind).toBe("functionapp,linux");
    expect((site.identity as { type: string }).type).toBe("UserAssigned");
    const config = site.properties?.functionAppConfig as {
      runtime: unknown;
      deployment: { storage: { type: string; authentication: { type: string } } };
    };
    expect(config.runtime).toEqual({ name: "node", version: "[parameters('nodeVersion')]" });
    // Node 20 by default, the version package.json's engines and the suite run on; 22 allowed.
    expect(main.parameters?.nodeVersion).toMatchObject({ defaultValue: "20", allowedValues: ["20", "22"] });
    expect(moduleDeployment(main, "functionApp").properties?.parameters).toMatchObject({
      nodeVersion: { value: "[parameters('nodeVersion')]" },
    });
    expect(config.deployment.storage.type).toBe("blobContainer");
    expect(config.deployment.storage.authentication.type).toBe("UserAssignedIdentity");
    expect(site.properties?.httpsOnly).toBe(true);
  });

  it("keeps both storage accounts (host, dead letters) keyless and private, and telemetry Entra-only", () => {
    for (const module of ["storage", "deadLetterStorage"]) {
      const storage = only(
        moduleTemplate(moduleDeployment(main, module)),
        "Microsoft.Storage/storageAccounts",
      );
      expect(storage.properties).toMatchObject({
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        supportsHttpsTrafficOnly: true,
      });
    }
    // Dead letters are not in the host's account, where the app's Blob Data Owner would cover them.
    const hostContainers = resourcesOf(moduleTemplate(moduleDeployment(main, "storage"))).filter(
      (resource) => resource.type === "Microsoft.Storage/storageAccounts/blobServices/containers",
    );
    expect(hostContainers).toHaveLength(1);
    const insights = only(
      moduleTemplate(moduleDeployment(main, "monitoring")),
      "Microsoft.Insights/components",
    );
    expect(insights.properties?.DisableLocalAuth).toBe(true);
  });

  it("offers the Durable Task Scheduler as a parameter, Azure Storage by default", () => {
    expect(main.parameters?.durableBackend).toMatchObject({
      defaultValue: "AzureStorage",
      allowedValues: ["AzureStorage", "DurableTaskScheduler"],
    });
    const scheduler = moduleDeployment(main, "durableTaskScheduler");
    expect(scheduler.condition).toBe("[variables('useDurableTaskScheduler')]");
    const types = resourcesOf(moduleTemplate(scheduler)).map((resource) => resource.type);
    expect(types.sort()).toEqual([
      "Microsoft.DurableTask/schedulers",
      "Microsoft.DurableTask/schedulers/taskHubs",
    ]);
  });

  it("gives the app's identity the monitoring key's secret only, and only when one is named", () => {
    const access = moduleDeployment(main, "monitoringKeyAccess");
    expect(access.condition).toBe("[not(empty(parameters('apimMonitoringVaultEntryId')))]");
    const assignments = resourcesOf(moduleTemplate(access)).filter(
      (resource) => resource.type === "Microsoft.Authorization/roleAssignments",
    );
    expect(assignments).toHaveLength(1);
    // Key Vault Secrets User, scoped to the one secret (not the vault).
    expect(String(assignments[0]!.properties?.roleDefinitionId)).toContain(
      "variables('keyVaultSecretsUser')",
    );
    expect(moduleTemplate(access).variables?.keyVaultSecretsUser).toBe(
      "4633458b-17de-408a-b874-0445c86b69e6",
    );
    expect(String(assignments[0]!.scope)).toContain("Microsoft.KeyVault/vaults/secrets");
  });

  it("creates the gateway resource group in each gateway subscription", () => {
    const groups = moduleDeployment(main, "gatewayGroups");
    expect(groups.subscriptionId).toBe("[variables('gatewaySubscriptions')[copyIndex()]]");
    expect(groups.properties?.parameters).toMatchObject({
      name: { value: "[parameters('gatewayResourceGroupName')]" },
    });
    expect(main.parameters?.gatewayResourceGroupName?.defaultValue).toBe("arc-gateways");
  });
});
