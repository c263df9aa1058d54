// Admin routes for drift made behind the app's back (../behindTheBack.ts): no Event Grid event and
// no ARM request, so only a drift sweep can find it. `POST /_emulator/drift` takes one change:
// a machine seeded as onboarding leaves it, a machine that joined unseen, a settings link removed,
// an SSH service configuration moved to another port, a gateway tagged retiring. Deleting an
// endpoint or a gateway is `POST /_emulator/resources/delete` with `silent: true`.
import { z } from "zod";

import { armErrors } from "../armError";
import {
  markGatewayRetiring,
  removeGatewayLink,
  type SeededMachineInput,
  seedOnboardedMachine,
  seedUnseenMachine,
  setSshPort,
  sshConfigurationIdOf,
} from "../behindTheBack";
import { gatewayType } from "../providers/hybridCompute/gateways";
import { machineSettingsIdOf } from "../providers/hybridCompute/settings";
import { adminResourceIdSchema, parseAdminBody } from "../validation";
import type { AdminRoute } from "./adminApi";

/** What `POST /_emulator/machines` takes; connectMachine checks each field. */
const machineFields = z.looseObject({
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  name: z.string().min(1),
});

const driftChangeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("joinedUnseen"), machine: machineFields }),
  z.strictObject({
    kind: z.literal("onboarded"),
    machine: machineFields,
    gatewayId: adminResourceIdSchema,
    sshPort: z.number().int().min(1).max(65535).default(22),
  }),
  z.strictObject({ kind: z.literal("linkRemoved"), machineId: adminResourceIdSchema }),
  z.strictObject({
    kind: z.literal("sshPort"),
    machineId: adminResourceIdSchema,
    port: z.number().int().min(1).max(65535),
  }),
  z.strictObject({ kind: z.literal("gatewayRetiring"), gatewayId: adminResourceIdSchema }),
]);

export const driftOperations: AdminRoute[] = [
  {
    method: "POST",
    path: "/drift",
    summary:
      "Drift behind the app's back, no event and no ARM request: {kind: joinedUnseen, machine} | {kind: onboarded, machine, gatewayId, sshPort?} | {kind: linkRemoved, machineId} | {kind: sshPort, machineId, port} | {kind: gatewayRetiring, gatewayId}.",
    handle: (emulator, body) => {
      const change = parseAdminBody(driftChangeSchema, body);
      const state = emulator.state;
      switch (change.kind) {
        case "joinedUnseen":
          return {
            kind: change.kind,
            machineId: seedUnseenMachine(emulator, change.machine),
          };
        case "onboarded": {
          const gateway = state.getResource(change.gatewayId);
          if (!gateway || gateway.type.toLowerCase() !== gatewayType.toLowerCase())
            throw armErrors.notFound(gatewayType, change.gatewayId);
          const machineId = seedOnboardedMachine(emulator, {
            ...(change.machine as SeededMachineInput),
            gatewayId: gateway.id,
            sshPort: change.sshPort,
          });
          return { kind: change.kind, machineId };
        }
        case "linkRemoved":
          if (!state.getResource(machineSettingsIdOf(change.machineId)))
            throw armErrors.notFound(
              "Microsoft.HybridCompute/settings",
              machineSettingsIdOf(change.machineId),
            );
          removeGatewayLink(emulator, change.machineId);
          return change;
        case "sshPort":
          if (!state.getResource(sshConfigurationIdOf(change.machineId))) {
            throw armErrors.notFound(
              "Microsoft.HybridConnectivity/endpoints/serviceConfigurations",
              sshConfigurationIdOf(change.machineId),
            );
          }
          setSshPort(emulator, change.machineId, change.port);
          return change;
        case "gatewayRetiring": {
          const gateway = state.getResource(change.gatewayId);
          if (!gateway || gateway.type.toLowerCase() !== gatewayType.toLowerCase())
            throw armErrors.notFound(gatewayType, change.gatewayId);
          markGatewayRetiring(emulator, gateway.id);
          return { kind: change.kind, gatewayId: gateway.id, tags: state.getResource(gateway.id)?.body.tags };
        }
      }
    },
  },
];
