// Placeholder admin API; the full one lands with the providers.
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Emulator } from "../index";

export const adminPrefix = "/_emulator";

export function handleAdminRequest(
  _emulator: Emulator,
  request: IncomingMessage,
  _response: ServerResponse,
  _body: Buffer,
): Promise<boolean> {
  const path = new URL(request.url ?? "/", "https://emulator.invalid").pathname;
  return Promise.resolve(path.toLowerCase().startsWith(adminPrefix) && false);
}
