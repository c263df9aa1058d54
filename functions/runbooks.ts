// HTTP runbooks: every route of orchestrations/runbooks/index.ts, plus GET
// /api/openapi.json, as HTTP triggers with function keys (shared/runbooks/http/register.ts);
// validation, roles and scope checks are the framework's, handlers live with their capability.
import { runbookRoutes } from "../orchestrations/runbooks";
import { registerRunbookRoutes } from "../shared/runbooks/http/register";

registerRunbookRoutes(runbookRoutes);
