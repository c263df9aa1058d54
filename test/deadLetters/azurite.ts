// Azurite (the Azure Storage emulator, from the npm registry) for a test file: its blob service
// alone, in memory, on a free loopback port, in its own process. HTTPS with a self-signed
// certificate made here, and `--oauth basic`, so it takes bearer tokens and checks their
// audience, issuer and lifetime (not their signature) — the app's managed-identity path runs
// against it unchanged. Telemetry is off (no network); no real sleep beyond waiting for it to listen.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { generate } from "selfsigned";

/** Azurite's well-known development account (public, documented with the emulator). */
const account = "devstoreaccount1";
const accountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** `https://127.0.0.1:<port>/devstoreaccount1`: path-style, as Azurite serves it. */
  readonly accountUrl: string;
  /** Its certificate's PEM file, for ARC_TRUSTED_CA_FILE. */
  readonly caFile: string;
  readonly caPem: string;
  /** A container client with the account key: the test's own hands, not the app's identity. */
  adminContainer(name: string): ContainerClient;
  stop(): Promise<void>;
}

export async function startAzurite(): Promise<Azurite> {
  const folder = await mkdtemp(join(tmpdir(), "arc-autopilot-azurite-"));
  const tls = await azuriteCertificate();
  const certFile = join(folder, "cert.pem");
  const keyFile = join(folder, "key.pem");
  await writeFile(certFile, tls.cert);
  await writeFile(keyFile, tls.key);
  const child = spawn(
    process.execPath,
    [
      require.resolve("azurite/dist/src/blob/main.js"),
      ...["--blobHost", "127.0.0.1", "--blobPort", "0"],
      ...["--inMemoryPersistence", "--extentMemoryLimit", "64"],
      ...["--oauth", "basic", "--cert", certFile, "--key", keyFile],
      // Azurite 3.35 knows Blob api-versions up to 2025-11-05; @azure/storage-blob 12.32 sends a later one.
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--silent",
    ],
    { cwd: folder, stdio: ["ignore", "pipe", "pipe"] },
  );
  let accountUrl: string;
  try {
    accountUrl = `${await listeningUrl(child)}/${account}`;
  } catch (error) {
    child.kill();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const credential = new StorageSharedKeyCredential(account, accountKey);
  return {
    accountUrl,
    caFile: certFile,
    caPem: tls.cert,
    adminContainer: (name) =>
      new ContainerClient(`${accountUrl}/${name}`, credential, {
        tlsOptions: { ca: tls.cert },
      } as ConstructorParameters<typeof ContainerClient>[2]),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const url = /successfully listens on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url !== undefined) resolve(url);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`Azurite exited (${code}) before listening: ${output}`)));
    child.once("error", reject);
  });
}

/**
 * Its own subject name: beside the ARM emulator's certificate (also self-signed, also trusted by
 * the app), a second CA with the same name would make OpenSSL try the wrong one and fail.
 */
async function azuriteCertificate(): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "arc-autopilot test Azurite" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
