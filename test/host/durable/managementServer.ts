// A minimal HTTP server in front of the engine's management API, for tests that drive it with
// fetch or with the library's DurableClient (which calls `rpcBaseUrl` over HTTP). The Functions
// side's front door does the same in the real host.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

import type { DurableEndpoints } from "../../../local/host/types";

const bases = ["/runtime/webhooks/durabletask/", "/durabletask/"];

export interface ManagementServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startManagementServer(endpoints: () => DurableEndpoints): Promise<ManagementServer> {
  let origin = "";
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", origin);
      const base = bases.find((candidate) => url.pathname.startsWith(candidate));
      const body = await readBody(request);
      const answer = base
        ? await endpoints().handleManagementRequest({
            method: request.method ?? "GET",
            path: url.pathname.slice(base.length),
            query: url.searchParams,
            headers: Object.fromEntries(
              Object.entries(request.headers).flatMap(([name, value]) =>
                value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]],
              ),
            ),
            body,
            origin,
          })
        : undefined;
      if (!answer) {
        response.writeHead(404).end();
        return;
      }
      const payload = answer.body === undefined ? "" : JSON.stringify(answer.body);
      response.writeHead(answer.status, {
        ...answer.headers,
        ...(payload ? { "content-type": "application/json; charset=utf-8" } : {}),
      });
      response.end(payload);
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
