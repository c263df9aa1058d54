// All settings, read once from the environment and validated. A bad value fails fast with the
// variable's name, what was wrong and what is expected; nothing else in the app reads
// process.env. Later capabilities add their settings to `settingsSchema`.
import { readFileSync } from "node:fs";

import { z } from "zod";

import { defaultDriftSchedule } from "./drift/schedule";
import { ConfigurationError } from "./errors";
import { parseNcrontab } from "./schedule/ncrontab";
import { isAgentVersion } from "./validation/agentVersion";
import { validateGatewayNameTemplate } from "./validation/gatewayNameTemplate";
import { parseOptOutTag, parseScope } from "./validation/scope";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const httpsUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === "https:" && url.pathname.replace(/\/+$/, "") === "" && !url.search;
    } catch {
      return false;
    }
  }, "must be an https URL with no path or query, such as https://management.azure.com")
  .transform((v) => v.replace(/\/+$/, ""));

const intInRange = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** A setting parsed by a domain function that throws a ValidationError (or any Error) with the reason. */
const parsedText = <T>(fallback: string, parse: (text: string) => T) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T => {
      const text = v === undefined || v.trim() === "" ? fallback : v.trim();
      try {
        return parse(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    });

const agentVersionSetting = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v === undefined || v.trim() === "" ? fallback : v.trim();
      if (!isAgentVersion(text)) {
        ctx.addIssue({
          code: "custom",
          message: "must be an agent version: 1 to 4 dot-separated numbers such as 1.40 or 1.13.21320.014",
        });
        return z.NEVER;
      }
      return text;
    });

/** A subscription id (a GUID), or nothing. */
const optionalSubscriptionId = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) {
      ctx.addIssue({
        code: "custom",
        message: "must be a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000), or empty",
      });
      return z.NEVER;
    }
    return v.toLowerCase();
  });

/**
 * A subscription GUID, optionally one resource group (1–90 letters, digits, `_ - . ( )`, not ending
 * in `.`, as ARM names them): anything else would match no machine and silently onboard nothing.
 */
const wellFormedScope =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/resourceGroups\/[-\p{L}\p{N}_.()]{0,89}[-\p{L}\p{N}_()])?$/iu;

/** Comma- (or newline-) separated scopes, each validated and written canonically, duplicates dropped. */
const scopeList = z
  .string()
  .optional()
  .transform((v, ctx): string[] => {
    const scopes: string[] = [];
    const seen = new Set<string>();
    for (const entry of (v ?? "").split(/[,\n]/)) {
      if (entry.trim() === "") continue;
      let scope: string;
      try {
        scope = parseScope(entry);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (!wellFormedScope.test(scope)) {
        ctx.addIssue({
          code: "custom",
          message: `'${entry.trim().slice(0, 120)}' is not a scope: expected /subscriptions/<subscription GUID> or /subscriptions/<subscription GUID>/resourceGroups/<name>`,
        });
        continue;
      }
      if (!seen.has(scope.toLowerCase())) {
        seen.add(scope.toLowerCase());
        scopes.push(scope);
      }
    }
    if (scopes.length > 500) ctx.addIssue({ code: "custom", message: "at most 500 scopes" });
    return scopes;
  });

/** Azure's resource group name rule: 1–90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'. */
const resourceGroupName = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : v.trim()))
    .refine(
      (v) => /^[\p{L}\p{N}_\-.()]{1,90}$/u.test(v) && !v.endsWith("."),
      "must be a resource group name: 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
    );

/** An https URL that may have a path (an Event Grid topic's `/api/events`), without query or credentials. */
const httpsEndpoint = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return undefined;
    try {
      const url = new URL(v.trim());
      if (url.protocol === "https:" && !url.search && !url.hash && !url.username && !url.password)
        return url.toString();
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: "custom",
      message:
        "must be an https URL without query or credentials, such as https://my-topic.eastus-1.eventgrid.azure.net/api/events",
    });
    return z.NEVER;
  });

const pemCertificates = "-----BEGIN CERTIFICATE-----";

/** Extra CA certificates as PEM text (the local emulator's); empty means only the system's. */
const trustedCaPem = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
  .refine(
    (v) => v === undefined || v.includes(pemCertificates),
    "must be PEM text with at least one certificate",
  );

/** A PEM file of extra CA certificates, read once with the settings (a missing file fails at start). */
const trustedCaFile = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return undefined;
    let pem: string;
    try {
      pem = readFileSync(v.trim(), "utf8");
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      });
      return z.NEVER;
    }
    if (!pem.includes(pemCertificates)) {
      ctx.addIssue({ code: "custom", message: "must be a PEM file with at least one certificate" });
      return z.NEVER;
    }
    return pem;
  });

/**
 * A blob container's URL for the dead-letter replay: https only, no query (so no SAS: the app
 * reads with its managed identity), no credentials; the path is the container
 * (`https://<account>.blob.core.windows.net/<container>`), or account then container on a loopback
 * host, as the storage emulator (Azurite) serves path-style URLs. Bearer tokens never travel over
 * http — the SDK and the emulator both refuse it — so a local emulator runs with a self-signed
 * certificate trusted through ARC_TRUSTED_CA_PEM / ARC_TRUSTED_CA_FILE, as the ARM emulator does.
 */
const blobContainerUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return undefined;
    let url: URL | undefined;
    try {
      url = new URL(v.trim());
    } catch {
      // reported below
    }
    const segments = url?.pathname.replace(/\/+$/, "").split("/").slice(1) ?? [];
    const loopback = url !== undefined && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    const containerName = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
    if (
      url?.protocol === "https:" &&
      !url.search &&
      !url.hash &&
      !url.username &&
      !url.password &&
      (segments.length === 1 || (loopback && segments.length === 2)) &&
      containerName.test(segments[segments.length - 1] ?? "")
    )
      return `${url.origin}/${segments.join("/")}`;
    ctx.addIssue({
      code: "custom",
      message:
        "must be a blob container's https URL without query or credentials, such as https://mystorage.blob.core.windows.net/eventgrid-deadletters",
    });
    return z.NEVER;
  });

const osPolicy = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? "warn" : v.trim().toLowerCase()))
  .pipe(z.enum(["warn", "skip"], { error: "must be warn or skip" }));

/** App Service sets WEBSITE_AUTH_ENABLED=True when its Authentication feature is on; anything else is off. */
const platformAuthFlag = z
  .string()
  .optional()
  .transform((v) => v?.trim().toLowerCase() === "true");

/** An app role name as Microsoft Entra app registrations allow it: no spaces or commas. */
const appRoleName = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : v.trim()))
    .refine(
      (v) => /^[^\s,]{1,120}$/.test(v),
      "must be an app role value: 1 to 120 characters, no spaces or commas",
    );

/** A tag name as ARM allows it: 1–512 characters, none of `< > % & \\ ? /`. */
const tagName = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : v.trim()))
    .refine(
      (v) => v.length <= 512 && !/[<>%&\\?/]/.test(v),
      "must be a tag name: at most 512 characters, none of < > % & \\ ? /",
    );

/** A Kubernetes name (DNS label): lower-case letters, digits and '-', at most 63 characters. */
const kubernetesName = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : v.trim()))
    .refine(
      (v) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v),
      "must be a Kubernetes name: lower-case letters, digits and '-', at most 63 characters",
    );

/** A six-field NCRONTAB expression (seconds first), read as Functions timer triggers read it. */
const ncrontab = (fallback: string) => parsedText(fallback, (text) => parseNcrontab(text).expression);

/** Comma-separated Event Grid event types. */
const eventTypeList = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : v))
    .transform((v) =>
      v
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== ""),
    )
    .refine(
      (v) => v.every((t) => /^[A-Za-z0-9.]{1,200}$/.test(t)),
      "must be event types such as Microsoft.ApiManagement.GatewayTokenNearExpiry",
    );

export const settingsSchema = z.object({
  /** ARM endpoint; the local emulator's URL in development. */
  AZURE_RESOURCE_MANAGER_ENDPOINT: httpsUrl.optional().default("https://management.azure.com"),
  /** Token audience for ARM; differs only in sovereign clouds. */
  AZURE_RESOURCE_MANAGER_AUDIENCE: z
    .string()
    .trim()
    .optional()
    .default("https://management.azure.com/.default")
    .refine((v) => v.endsWith("/.default"), "must be a scope ending in /.default"),
  /** Client id of a user-assigned managed identity; empty for the system-assigned one. */
  AZURE_CLIENT_ID: optionalText,
  /** How often one ARM request is retried (429, 5xx, dropped connections) before the caller sees the error. */
  ARC_ARM_MAX_RETRIES: intInRange(0, 10, 4),
  /** The longest `Retry-After` waited inside a request; longer waits surface as ThrottledError for a durable timer. */
  ARC_ARM_MAX_RETRY_AFTER_SECONDS: intInRange(0, 300, 60),
  /**
   * Extra CA certificates the ARM client trusts, besides the system's: the local emulator's
   * self-signed one (the local host sets it). PEM text, or a file with it; both may be given.
   * Verification stays on — an in-process app cannot use NODE_EXTRA_CA_CERTS, which Node reads
   * only at process start.
   */
  ARC_TRUSTED_CA_PEM: trustedCaPem,
  ARC_TRUSTED_CA_FILE: trustedCaFile,

  // ---- zero-touch onboarding ----
  /**
   * Where arc-autopilot may change machines: comma-separated `/subscriptions/{id}` or
   * `/subscriptions/{id}/resourceGroups/{name}`. Empty means nothing is in scope, so nothing is
   * onboarded: the identity may see the whole tenant, and a forgotten setting must not turn that
   * into "change every machine". Machines outside every scope are skipped with a reason.
   */
  ARC_SCOPES: scopeList,
  /** `name` or `name:value` of the tag that opts a machine out (any value when none is given). */
  ARC_OPT_OUT_TAG: parsedText("arc-autopilot:opt-out", parseOptOutTag),
  /**
   * The tag that records an operator's choice to take a machine off its gateway (value `direct`):
   * written by the detach runbook and a retirement's moves to direct; such a machine gets no
   * gateway from onboarding or the drift sweep until the tag is removed (shared/onboarding/connectionChoice.ts).
   */
  ARC_CONNECTION_TAG: tagName("arc-autopilot-connection"),
  /** The resource group, in each machine's subscription (or the hub's), where arc-autopilot creates gateways. */
  ARC_GATEWAY_RESOURCE_GROUP: resourceGroupName("arc-gateways"),
  /**
   * One hub subscription whose gateways serve every subscription in scope (a gateway serves any
   * Arc machine in the tenant; docs/azure-facts.md §3). Empty: each machine's own subscription.
   */
  ARC_GATEWAY_SUBSCRIPTION: optionalSubscriptionId,
  /** Gateway name per region; `{location}` is the region (`eastus`); full gateways get `-2`, `-3`… */
  ARC_GATEWAY_NAME_TEMPLATE: parsedText("arc-gw-{location}", validateGatewayNameTemplate),
  /** Machines per gateway before the region's next gateway is used; Azure suggests about 2,000 (docs/azure-facts.md §3). */
  ARC_GATEWAY_CAPACITY: intInRange(1, 2000, 2000),
  /** Oldest agent that can use a gateway: 1.40 has no public source; the 2024 preview doc said 1.43 (docs/azure-facts.md §4). */
  ARC_MIN_AGENT_VERSION_GATEWAY: agentVersionSetting("1.40"),
  /** Oldest agent for SSH over Arc: the 2022 preview doc's 1.13.21320.014 (the current doc says 1.31, docs/azure-facts.md §8). */
  ARC_MIN_AGENT_VERSION_SSH: agentVersionSetting("1.13.21320.014"),
  /** From this agent on the machine switches to its gateway by itself; older ones get `connection.type gateway` by Run Command (docs/azure-facts.md §4). */
  ARC_AGENT_AUTO_SWITCH_VERSION: agentVersionSetting("1.51"),
  /**
   * From this agent on the SSH port comes from the service configuration, so the agent's local
   * `incomingconnections.ports` is never rewritten; older agents that report a port list without
   * it get the port added by Run Command. 1.31: the SSH doc's 2023 change, which moved the port
   * into the service configuration and raised the SSH minimum to 1.31 (docs/azure-facts.md §8).
   */
  ARC_SERVICE_CONFIG_PORTS_VERSION: agentVersionSetting("1.31"),
  /** A machine whose OS is not on the SSH-over-Arc list: `warn` (onboard it, with a warning) or `skip`. */
  ARC_OS_POLICY: osPolicy,
  /** The port SSH over Arc connects to on each machine. */
  ARC_SSH_PORT: intInRange(1, 65535, 22),
  /** How long an onboarding waits for a machine that is not Connected before it stops as `pending`. */
  ARC_CONNECT_WAIT_MINUTES: intInRange(0, 1440, 15),
  /** How long machines wait for a new gateway: the docs once said creation could take up to 2 hours (docs/azure-facts.md §2). */
  ARC_GATEWAY_DEADLINE_MINUTES: intInRange(15, 1440, 120),
  /** Event Grid topic endpoint for onboarding outcomes; none are published when empty. */
  ARC_OUTCOME_TOPIC_ENDPOINT: httpsEndpoint,

  // ---- drift sweep ----
  /** When drift sweeps run: a six-field NCRONTAB expression, UTC (default every 6 hours). */
  ARC_DRIFT_SCHEDULE: ncrontab(defaultDriftSchedule),
  /** The share of ARM's read refill (25/s per subscription and principal) a sweep may use, in percent. */
  ARC_DRIFT_READ_SHARE_PERCENT: intInRange(1, 100, 20),
  /** Every machine is read in full at least this often, changed or not (hours). */
  ARC_DRIFT_FULL_READ_HOURS: intInRange(1, 720, 24),

  // ---- HTTP runbooks ----
  /**
   * Set by App Service when its Authentication feature is on (docs/azure-facts.md §16). Only then
   * do runbook routes read the platform's principal header and require an app role besides the
   * function key; with it off that header could be forged, so it is never read.
   */
  WEBSITE_AUTH_ENABLED: platformAuthFlag,
  /** The app role that may call the runbooks' read routes (GET) when platform authentication is on. */
  ARC_RUNBOOK_READ_ROLE: appRoleName("ArcAutopilot.Read"),
  /** The app role that may start, cancel or change anything (it may read too). */
  ARC_RUNBOOK_OPERATE_ROLE: appRoleName("ArcAutopilot.Operate"),

  // ---- dead-letter replay ----
  /**
   * The blob container Event Grid dead-letters the app's event subscription into; the replay
   * runbook (POST /api/events/dead-letters/replay) reads it with the app's identity (a custom role
   * with read and blobs/write, to mark replayed blobs; not Data Contributor, which also deletes).
   * Empty: not configured, the runbook says so.
   */
  ARC_DEAD_LETTER_CONTAINER_URL: blobContainerUrl,

  // ---- API Management self-hosted gateway on Arc-enabled Kubernetes ----
  /**
   * The tag on a connected cluster whose value is an API Management gateway's resource id: a
   * cluster written with it gets that gateway as the `Microsoft.ApiManagement.Gateway` extension.
   */
  ARC_APIM_GATEWAY_TAG: tagName("arc-autopilot-apim-gateway"),
  /**
   * The tag arc-autopilot writes on the cluster after each deployment or rotation: the token's
   * key, expiry, the extension's name and 12 hex digits of the gateway's id
   * (`primary;2027-01-05T00:00:00Z;apim-gateway;3f9a0c…`), never the token. The rotation finds its
   * clusters by it.
   */
  ARC_APIM_TOKEN_TAG: tagName("arc-autopilot-apim-token"),
  /** How long a generated gateway token lives: API Management allows at most 30 days (docs/azure-facts.md, "API Management self-hosted gateway"). */
  ARC_APIM_TOKEN_DAYS: intInRange(1, 30, 30),
  /** A token expiring within this many days is rotated (by the timer backstop, or on a near-expiry event). */
  ARC_APIM_ROTATION_WINDOW_DAYS: intInRange(1, 29, 7),
  /** NCRONTAB schedule of the rotation backstop (six fields, UTC). */
  ARC_APIM_ROTATION_SCHEDULE: ncrontab("0 0 */6 * * *"),
  /** API Management's token events that start a rotation (preview names, so settable). */
  ARC_APIM_TOKEN_EVENT_TYPES: eventTypeList(
    "Microsoft.ApiManagement.GatewayTokenNearExpiry,Microsoft.ApiManagement.GatewayTokenExpired",
  ),
  /** Whether a deployment creates the API Management gateway when it does not exist (else it stops). */
  ARC_APIM_CREATE_GATEWAY: z
    .string()
    .optional()
    .transform((v) => v?.trim().toLowerCase() === "true"),
  /** Defaults of a deployment the cluster's tag starts (the runbook may name its own). */
  ARC_APIM_NAMESPACE: kubernetesName("apim-gateway"),
  ARC_APIM_EXTENSION_NAME: kubernetesName("apim-gateway"),
  ARC_APIM_SERVICE_TYPE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? "LoadBalancer" : v.trim()))
    .pipe(
      z.enum(["LoadBalancer", "NodePort", "ClusterIP"], {
        error: "must be LoadBalancer, NodePort or ClusterIP",
      }),
    ),
  ARC_APIM_REPLICAS: intInRange(1, 100, 3),
  ARC_APIM_RELEASE_TRAIN: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? "preview" : v.trim()))
    .refine((v) => /^[A-Za-z0-9-]{1,32}$/.test(v), "must be a release train such as preview or stable"),
  /** How long a deployment waits for the extension to install and the gateway to heartbeat. */
  ARC_APIM_INSTALL_DEADLINE_MINUTES: intInRange(5, 240, 30),
  /**
   * The Log Analytics ingestion key for gateways deployed with monitoring: a Key Vault reference
   * in App Service (`@Microsoft.KeyVault(...)`), never a request field, so it never enters a
   * request body, an orchestration's input or its history. Sent as a protected setting only.
   */
  ARC_APIM_MONITORING_INGESTION_KEY: optionalText,
});

const secretName = /KEY|SECRET|TOKEN|PASSWORD|CONNECTION/i;
/** A value that carries a credential whatever its setting's name: a SAS, an account key, `user:password@`. */
const carriesCredential = /[?&;]sig=|accountkey=|sharedaccesssignature=|:\/\/[^/?#\s]*@/i;

export type Settings = z.infer<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const known = Object.fromEntries(Object.keys(settingsSchema.shape).map((key) => [key, env[key]]));
  const result = settingsSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join(".") || "(settings)";
      const value = env[variable];
      const shown =
        value === undefined
          ? "unset"
          : secretName.test(variable) || carriesCredential.test(value)
            ? "value hidden"
            : `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'`;
      return `${variable} (${shown}): ${issue.message}`;
    });
    throw new ConfigurationError(`Invalid configuration: ${problems.join("; ")}`);
  }
  return result.data;
}

let cached: Settings | undefined;

/** The process's settings, validated on first use. */
export function getSettings(): Settings {
  cached ??= readSettings();
  return cached;
}
