// Which machines are attached to a gateway, counted from each machine's own gateway link. The
// link lives only in the machine's `settings/default` (docs/azure-facts.md §4) and that resource
// is in no Resource Graph table (§13), so a count is one GET per machine: Resource Graph lists the
// machines in scope a page at a time, and each page's settings are read a few at a time. The
// caller paces the pages (a retirement sleeps on a durable timer between them) so a large fleet
// stays well inside ARM's read budget (250 per subscription, +25/s, §11) while onboarding goes on.
// Machines outside ARC_SCOPES are not listed: the app may not touch them, and it does not see them.
import type { ArmContext } from "../azure/armContext";
import { getMachineSettings } from "../azure/machineSettings";
import { queryResourceGraphPage } from "../azure/resourceGraph";
import { machineIdsQuery } from "../azure/resourceGraphQueries";
import { mapBounded } from "../mapBounded";
import { isInScope, subscriptionsOfScopes } from "../onboarding/scope";
import { sameResourceId } from "../resourceId";

/** Machines listed per page; each costs one settings GET. */
export const attachmentPageSize = 100;
/** Settings GETs in flight at once. */
export const settingsReadConcurrency = 8;
/** The pause a caller keeps between pages: at most 100 reads per 10 s, 40% of ARM's refill rate. */
export const attachmentPagePauseMs = 10_000;

export interface AttachedMachinesPage {
  /** Machines on this page whose settings name the gateway. */
  readonly attached: string[];
  /** Machines on this page (in scope) whose link was read. */
  readonly scanned: number;
  /** Pass back for the next page; absent on the last. */
  readonly skipToken?: string;
}

/** One page of the scopes' machines, and which of them are attached to `gatewayId`. */
export async function attachedMachinesPage(
  arm: ArmContext,
  request: {
    readonly gatewayId: string;
    readonly scopes: readonly string[];
    readonly skipToken?: string;
    readonly pageSize?: number;
  },
): Promise<AttachedMachinesPage> {
  const subscriptions = subscriptionsOfScopes(request.scopes);
  if (subscriptions.length === 0) return { attached: [], scanned: 0 };
  const page = await queryResourceGraphPage(
    arm,
    {
      subscriptions,
      query: machineIdsQuery(),
      pageSize: request.pageSize ?? attachmentPageSize,
    },
    request.skipToken,
  );
  const machineIds = page.rows.map((row) => row.id).filter((id) => isInScope(id, request.scopes));
  const links = await gatewayLinksOf(arm, machineIds);
  return {
    attached: links
      .filter((link) => link.gatewayResourceId && sameResourceId(link.gatewayResourceId, request.gatewayId))
      .map((link) => link.machineId),
    scanned: machineIds.length,
    ...(page.skipToken ? { skipToken: page.skipToken } : {}),
  };
}

/** Each machine's gateway link, `settingsReadConcurrency` reads at a time, in the order given. */
export async function gatewayLinksOf(
  arm: ArmContext,
  machineIds: readonly string[],
): Promise<{ readonly machineId: string; readonly gatewayResourceId?: string }[]> {
  return mapBounded(machineIds, settingsReadConcurrency, async (machineId) => {
    const settings = await getMachineSettings(arm, machineId);
    return settings.gatewayResourceId
      ? { machineId, gatewayResourceId: settings.gatewayResourceId }
      : { machineId };
  });
}
