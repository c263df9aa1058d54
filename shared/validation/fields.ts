// The zod fields that plain data crossing a boundary is made of (activity inputs and outputs,
// plans, results, orchestration inputs): bounded, so nothing unexpectedly large lands in a
// durable history, and shared, so one id or name is checked the same way everywhere.
import { z } from "zod";

/** An ARM resource id. */
export const resourceIdField = z.string().min(1).max(2048).startsWith("/subscriptions/");
/** Any text from Azure or of ours: a reason, a state word, a message. */
export const textField = z.string().max(8192);
/** A short non-empty name: a location, a namespace, a subscription id. */
export const shortTextField = z.string().min(1).max(256);
export const portField = z.number().int().min(1).max(65535);
/** A run command's name ([spec] HybridCompute runCommandName pattern). */
export const runCommandNameField = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-zA-Z0-9\-_.]+$/);
/** A script of ours: one `azcmagent` line. */
export const scriptField = z.string().min(1).max(8192);
/** A Durable instance id as arc-autopilot makes them (shared/onboarding/instanceIds.ts). */
export const instanceIdField = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^/\\#?\s]+$/, "an instance id without '/', '\\', '#', '?' or spaces");
export const isoTimeField = z.iso.datetime({ offset: true });
