// A refused client operation, with the HTTP status the extension's management API answers it
// with (Learn "HTTP API reference" for Durable Functions): 404 unknown instance, 410 instance no
// longer running, 400 bad
// request, 409 instance id in use, 412 rewind of an instance that did not fail.

export class DurableApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410 | 412 | 501,
    message: string,
  ) {
    super(message);
    this.name = "DurableApiError";
  }
}
