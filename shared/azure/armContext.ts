// The one way arc-autopilot talks to Azure Resource Manager: a credential, an endpoint (real
// ARM, or the local emulator), the SDK pipeline with our retry policy and user agent, and the
// SDK clients built over the same settings. Every module in shared/azure takes an ArmContext.
// Attempt policies run after the retry policy, so they see every request that goes on the wire —
// first sends and re-sends alike (the drift sweep's read budget is one, shared/drift/readBudget.ts).
import { rootCertificates } from "node:tls";

import type { TokenCredential } from "@azure/core-auth";
import { ServiceClient } from "@azure/core-client";
import {
  createHttpHeaders,
  createPipelineRequest,
  type HttpHeaders,
  type HttpMethods,
  isRestError,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { DefaultAzureCredential } from "@azure/identity";

import { version } from "../../package.json";
import type { Settings } from "../config";
import { TransientArmError, ValidationError } from "../errors";
import { runtimeClock } from "../runtimeClock";
import { toArmError } from "./armErrors";
import { type ArmRetryOptions, armRetryPolicy } from "./armRetryPolicy";

export const userAgent = `arc-autopilot/${version}`;

export interface ArmContextOptions {
  readonly endpoint?: string;
  readonly credential?: TokenCredential;
  /** Token scope; `https://management.azure.com/.default` unless in a sovereign cloud. */
  readonly audience?: string;
  /** Extra CA certificates (PEM) to trust, e.g. the local emulator's. Verification stays on. */
  readonly trustedCaPem?: string;
  readonly maxRetries?: number;
  readonly maxRetryAfterMs?: number;
  /** Default: the runtime clock's (shared/runtimeClock.ts): the wall clock in Azure, a local host's clock when it runs the app. */
  readonly sleep?: ArmRetryOptions["sleep"];
  /** Default: the runtime clock's. */
  readonly now?: () => number;
  readonly random?: () => number;
  /**
   * Run on every attempt that goes on the wire — each first send and each of the retry policy's
   * re-sends — in this context's pipeline and every SDK pipeline it adopts (after the Retry phase).
   */
  readonly attemptPolicies?: readonly PipelinePolicy[];
}

export interface ArmRequest {
  readonly method: HttpMethods;
  /** A resource id or ARM path (`/subscriptions/…`), or an absolute URL on the ARM endpoint (monitor URLs). */
  readonly path: string;
  readonly apiVersion?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Statuses ≥ 400 returned to the caller instead of thrown (e.g. 404 for "does it exist?"). */
  readonly allowStatus?: readonly number[];
}

export interface ArmResponse<T = unknown> {
  readonly status: number;
  readonly headers: HttpHeaders;
  readonly body: T | undefined;
}

export interface ArmContext {
  readonly endpoint: string;
  readonly audience: string;
  readonly credential: TokenCredential;
  readonly now: () => number;
  /** Options for an Azure SDK client so it shares endpoint, TLS trust and user agent. */
  readonly clientOptions: {
    endpoint: string;
    tlsOptions?: { ca: string };
    userAgentOptions: { userAgentPrefix: string };
    credentialScopes: string[];
  };
  /** Replaces an SDK client's default retry with ours (same sleep and clock as every other call) and adds the attempt policies. */
  adoptPipeline(pipeline: Pipeline): void;
  send<T = unknown>(request: ArmRequest): Promise<ArmResponse<T>>;
  /**
   * This context — same credential, endpoint, TLS trust (so the same HTTP agent and its
   * connections), retry and clock — with `policies` run on every attempt as well.
   */
  withAttemptPolicies(policies: readonly PipelinePolicy[]): ArmContext;
}

/** What every context derived from one `createArmContext` call shares. */
interface ArmContextBase {
  readonly endpoint: string;
  readonly endpointOrigin: string;
  readonly audience: string;
  readonly credential: TokenCredential;
  readonly now: () => number;
  readonly retry: PipelinePolicy;
  /** One object for all of them: the HTTP client keeps one agent per TLS settings object. */
  readonly clientOptions: ArmContext["clientOptions"];
  /** The first context's pipeline, without attempt policies: a derived context's is a clone, so shares its token cache. */
  readonly pipeline: Pipeline;
}

export function createArmContext(options: ArmContextOptions = {}): ArmContext {
  const endpoint = (options.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
  const audience = options.audience ?? "https://management.azure.com/.default";
  const now = options.now ?? runtimeClock.now;
  const credential = options.credential ?? new DefaultAzureCredential();
  const retry = armRetryPolicy({
    maxRetries: options.maxRetries ?? 4,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    sleep: options.sleep ?? runtimeClock.sleep,
    now,
    ...(options.random ? { random: options.random } : {}),
  });
  const clientOptions: ArmContext["clientOptions"] = {
    endpoint,
    userAgentOptions: { userAgentPrefix: userAgent },
    credentialScopes: [audience],
    ...(options.trustedCaPem ? { tlsOptions: { ca: options.trustedCaPem } } : {}),
  };
  const { pipeline } = new ServiceClient({ ...clientOptions, credential });
  adoptRetry(pipeline, retry);
  const base: ArmContextBase = {
    endpoint,
    endpointOrigin: new URL(endpoint).origin,
    audience,
    credential,
    now,
    retry,
    clientOptions,
    pipeline,
  };
  return armContextOver(base, options.attemptPolicies ?? []);
}

function adoptRetry(pipeline: Pipeline, retry: PipelinePolicy): void {
  pipeline.removePolicy({ name: "defaultRetryPolicy" });
  pipeline.removePolicy({ name: retry.name });
  pipeline.addPolicy(retry, { phase: "Retry" });
}

function armContextOver(base: ArmContextBase, attemptPolicies: readonly PipelinePolicy[]): ArmContext {
  const { endpoint, endpointOrigin, audience, credential, now, retry, clientOptions } = base;
  const adoptPipeline = (pipeline: Pipeline) => {
    adoptRetry(pipeline, retry);
    for (const policy of attemptPolicies) {
      pipeline.removePolicy({ name: policy.name });
      pipeline.addPolicy(policy, { afterPhase: "Retry" });
    }
  };
  const pipeline = base.pipeline.clone();
  adoptPipeline(pipeline);
  const client = new ServiceClient({ ...clientOptions, pipeline });

  const resolveUrl = (request: ArmRequest): string => {
    let url: URL;
    if (/^https?:\/\//i.test(request.path)) {
      url = new URL(request.path);
      // Monitor URLs come from response headers: never send our token to another host.
      if (url.origin !== endpointOrigin) {
        throw new ValidationError(
          `Refusing to call ${url.origin}: it is not the ARM endpoint ${endpointOrigin}`,
        );
      }
    } else {
      url = new URL(`${endpoint}/${request.path.replace(/^\/+/, "")}`);
    }
    if (request.apiVersion) url.searchParams.set("api-version", request.apiVersion);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    return url.toString();
  };

  return {
    endpoint,
    audience,
    credential,
    now,
    clientOptions,
    adoptPipeline,
    withAttemptPolicies: (policies) => armContextOver(base, [...attemptPolicies, ...policies]),
    async send<T>(request: ArmRequest): Promise<ArmResponse<T>> {
      const url = resolveUrl(request);
      const headers = createHttpHeaders({ accept: "application/json" });
      let body: string | undefined;
      if (request.body !== undefined) {
        headers.set("content-type", "application/json; charset=utf-8");
        body = JSON.stringify(request.body);
      }
      let response;
      try {
        response = await client.sendRequest(
          createPipelineRequest({ url, method: request.method, headers, body }),
        );
      } catch (error) {
        if (isRestError(error) && error.statusCode === undefined) {
          throw new TransientArmError(
            `Could not reach ARM (${request.method} ${url.split("?")[0]}): ${error.message}`,
            error.code ?? "RequestSendError",
          );
        }
        throw error;
      }
      const parsed = parseJson(response.bodyAsText);
      if (response.status >= 400 && !request.allowStatus?.includes(response.status)) {
        throw toArmError(
          { status: response.status, body: parsed, headers: response.headers, method: request.method, url },
          now(),
        );
      }
      return { status: response.status, headers: response.headers, body: parsed as T | undefined };
    },
  };
}

function parseJson(text: string | undefined | null): unknown {
  if (text === undefined || text === null || text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The ARM context for the running Function App, from validated settings. */
export function armContextFromSettings(settings: Settings, credential?: TokenCredential): ArmContext {
  return createArmContext({
    endpoint: settings.AZURE_RESOURCE_MANAGER_ENDPOINT,
    audience: settings.AZURE_RESOURCE_MANAGER_AUDIENCE,
    credential:
      credential ??
      new DefaultAzureCredential(
        settings.AZURE_CLIENT_ID ? { managedIdentityClientId: settings.AZURE_CLIENT_ID } : {},
      ),
    maxRetries: settings.ARC_ARM_MAX_RETRIES,
    maxRetryAfterMs: settings.ARC_ARM_MAX_RETRY_AFTER_SECONDS * 1000,
    ...trustedCaOf(settings),
  });
}

/**
 * ARC_TRUSTED_CA_PEM and ARC_TRUSTED_CA_FILE on top of Node's bundled roots (a `ca` option
 * replaces them, and the settings promise extra trust, not different trust); nothing when
 * neither is set.
 */
function trustedCaOf(settings: Settings): { trustedCaPem?: string } {
  const extra = [settings.ARC_TRUSTED_CA_PEM, settings.ARC_TRUSTED_CA_FILE].filter(
    (pem): pem is string => pem !== undefined,
  );
  return extra.length > 0 ? { trustedCaPem: [...rootCertificates, ...extra].join("\n") } : {};
}
