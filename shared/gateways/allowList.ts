// What an operator must allow outbound (HTTPS, port 443) for machines behind an Arc gateway: the
// gateway's own URL and the endpoints the gateway document lists besides it, regional ones filled
// in with the regions of the machines it serves (docs/azure-facts.md §17). Everything else the
// agent and its extensions reach goes through the gateway. Pure: no I/O.
import { normalizeLocation } from "../onboarding/gatewayPlacement";

export interface AllowListEntry {
  /** A host name, without scheme or port (HTTPS on 443). */
  readonly host: string;
  readonly purpose: string;
  /** Only machines of this OS need it; absent: every machine. */
  readonly os?: "linux" | "windows";
}

/**
 * The allow-list for machines behind a gateway. `gatewayEndpoint` is the gateway's
 * `properties.gatewayEndpoint` (a bare host, `<prefix>.gw.arc.azure.com`), absent until its
 * creation has finished; `regions` are the Arc regions of its machines (`East US` and `eastus`
 * are one), each regional endpoint listed once per region, in the order given.
 */
export function gatewayAllowList(
  gatewayEndpoint: string | undefined,
  regions: readonly string[],
): AllowListEntry[] {
  const wanted = [...new Set(regions.map(normalizeLocation).filter((r) => /^[a-z0-9]+$/.test(r)))];
  const gateway = gatewayEndpoint ? hostOf(gatewayEndpoint) : undefined;
  return [
    ...(gateway
      ? [{ host: gateway, purpose: "The gateway's URL: the agent and its extensions reach Azure through it" }]
      : []),
    { host: "management.azure.com", purpose: "Azure Resource Manager: the agent's control channel" },
    { host: "login.microsoftonline.com", purpose: "Microsoft Entra ID: access tokens" },
    ...wanted.map((region) => ({
      host: `${region}.login.microsoft.com`,
      purpose: `Microsoft Entra ID: access tokens (machines in ${region})`,
    })),
    { host: "gbl.his.arc.azure.com", purpose: "The Arc cloud service that talks with the agents" },
    ...wanted.map((region) => ({
      host: `${region}.his.arc.azure.com`,
      purpose: `The Arc core control channel (machines in ${region})`,
    })),
    {
      host: "packages.microsoft.com",
      purpose: "Connecting Linux servers to Azure Arc",
      os: "linux" as const,
    },
    { host: "download.microsoft.com", purpose: "The Windows installation package", os: "windows" as const },
  ];
}

/** The host of an endpoint given as a bare host or as a URL. */
function hostOf(endpoint: string): string {
  const trimmed = endpoint.trim();
  try {
    return new URL(/^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).hostname;
  } catch {
    return trimmed;
  }
}
