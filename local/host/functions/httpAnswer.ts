// A response as the host's handlers produce it, before it is written to the socket.
export interface HttpAnswer {
  readonly status: number;
  /** Header name (lower case) → value(s); `set-cookie` may carry several. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

export function emptyAnswer(status: number, headers: Readonly<Record<string, string>> = {}): HttpAnswer {
  return { status, headers, body: Buffer.alloc(0) };
}

export function textAnswer(status: number, text: string): HttpAnswer {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: Buffer.from(text, "utf8"),
  };
}

export function jsonAnswer(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpAnswer {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: Buffer.from(JSON.stringify(value), "utf8"),
  };
}
