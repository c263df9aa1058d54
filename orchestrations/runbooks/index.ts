// Every runbook route of the app, in one list: functions/runbooks.ts registers it (with GET
// /api/openapi.json), the OpenAPI document and the table-driven route tests read it. A new route
// is defined with `defineRoute` in its capability's folder and added here
// (shared/runbooks/http/README.md).
import type { AnyRoute } from "../../shared/runbooks/http/route";
import { apimRoutes } from "../apim/apimRoutes";
import { driftRoutes } from "../drift/driftRoutes";
import { deadLetterRoutes } from "../events/deadLetterRoutes";
import { gatewayRoutes } from "../gateways/gatewayRoutes";
import { retirementRoutes } from "../gateways/retirementRoutes";
import { onboardingRoutes } from "../onboarding/onboardingRoutes";
import { operationsRoutes } from "./operationsRoutes";

export const runbookRoutes: readonly AnyRoute[] = [
  ...operationsRoutes,
  ...onboardingRoutes,
  ...gatewayRoutes,
  ...retirementRoutes,
  ...apimRoutes,
  ...driftRoutes,
  ...deadLetterRoutes,
];
