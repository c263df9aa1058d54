// The emulator's TLS certificate, made at start with `selfsigned` for 127.0.0.1 and localhost.
// Clients trust it explicitly (NODE_EXTRA_CA_CERTS or a `ca` option); verification stays on.
import { generate } from "selfsigned";

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

export async function createLoopbackCertificate(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 30 * 24 * 3600 * 1000);
  const pems = await generate([{ name: "commonName", value: "arc-autopilot local emulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
