// The dead-letter blob container, read and marked with the app's own identity: the ARM context's
// TokenCredential (managed identity in Azure, the local host's identity endpoint offline) asked
// for the Blob storage audience, with the same extra trusted CAs and user agent. A replayed blob
// gets the metadata `replayedat=<ISO time>` — written on the blob itself, so the mark survives
// restarts and every reader sees it — and is skipped from then on unless a replay is forced.
import { ContainerClient, RestError, type StoragePipelineOptions } from "@azure/storage-blob";

import type { ArmContext } from "../azure/armContext";
import { maxDeadLetterBlobBytes } from "./deadLetterBlob";

/** The token audience of Azure Storage (docs/azure-facts.md §22). */
export const storageAudience = "https://storage.azure.com/.default";

/** The metadata a replayed blob carries (metadata names are C# identifiers; Azure keeps them lower case). */
export const replayedMetadataKey = "replayedat";

export interface DeadLetterBlobEntry {
  readonly name: string;
  readonly contentLength?: number;
  /** When a replay marked it, if one did. */
  readonly replayedAt?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface DeadLetterPage {
  readonly blobs: readonly DeadLetterBlobEntry[];
  /** Where the next page starts; none when the listing is complete. */
  readonly continuation?: string;
}

export interface DeadLetterContainer {
  /** The container's URL (it has no query: the setting refuses one, so no SAS is ever shown). */
  readonly url: string;
  /** One page of at most `maxBlobs` blobs under `prefix`, in name order. */
  listPage(
    prefix: string | undefined,
    continuation: string | undefined,
    maxBlobs: number,
  ): Promise<DeadLetterPage>;
  /** The blob's bytes, at most `maxDeadLetterBlobBytes + 1` of them (one more tells "too large"). */
  read(name: string): Promise<Uint8Array>;
  /** Marks the blob replayed, keeping its other metadata. */
  markReplayed(blob: DeadLetterBlobEntry, at: string): Promise<void>;
}

/** Blob storage refused or could not be reached: the status and the service's error code, never a URL. */
export class DeadLetterStorageError extends Error {
  readonly statusCode?: number;
  readonly code?: string;
  constructor(operation: string, error: RestError) {
    const what = [error.statusCode, error.code].filter((part) => part !== undefined).join(" ");
    super(`Blob storage ${operation} failed${what === "" ? "" : `: ${what}`}`);
    this.name = "DeadLetterStorageError";
    if (error.statusCode !== undefined) this.statusCode = error.statusCode;
    if (error.code !== undefined) this.code = error.code;
  }
}

type ArmIdentity = Pick<ArmContext, "credential" | "clientOptions">;

export function openDeadLetterContainer(url: string, arm: ArmIdentity): DeadLetterContainer {
  // `tlsOptions` is not in StoragePipelineOptions' type, but the SDK hands its options to core's
  // createClientPipeline, whose TLS policy reads it: the extra CAs apply as they do for ARM.
  const options: StoragePipelineOptions & { tlsOptions?: { ca: string } } = {
    audience: storageAudience,
    userAgentOptions: arm.clientOptions.userAgentOptions,
    retryOptions: { maxTries: 3, tryTimeoutInMs: 60_000, maxRetryDelayInMs: 10_000 },
    ...(arm.clientOptions.tlsOptions ? { tlsOptions: arm.clientOptions.tlsOptions } : {}),
  };
  const container = new ContainerClient(url, arm.credential, options);
  return {
    url,
    listPage: (prefix, continuation, maxBlobs) =>
      storage("list", async () => {
        const pages = container
          .listBlobsFlat({ includeMetadata: true, ...(prefix !== undefined ? { prefix } : {}) })
          .byPage({
            maxPageSize: maxBlobs,
            ...(continuation !== undefined ? { continuationToken: continuation } : {}),
          });
        const page = (await pages.next()).value as
          | {
              continuationToken?: string;
              segment: {
                blobItems: {
                  name: string;
                  properties: { contentLength?: number };
                  metadata?: Record<string, string>;
                }[];
              };
            }
          | undefined;
        const blobs = (page?.segment.blobItems ?? []).map((item): DeadLetterBlobEntry => {
          const metadata = item.metadata ?? {};
          const replayedAt = metadata[replayedMetadataKey];
          return {
            name: item.name,
            metadata,
            ...(item.properties.contentLength !== undefined
              ? { contentLength: item.properties.contentLength }
              : {}),
            ...(replayedAt !== undefined ? { replayedAt } : {}),
          };
        });
        const next = page?.continuationToken;
        return { blobs, ...(next ? { continuation: next } : {}) };
      }),
    read: (name) =>
      storage("read", async () => {
        const download = await container.getBlobClient(name).download(0, maxDeadLetterBlobBytes + 1);
        return readBounded(download.readableStreamBody, maxDeadLetterBlobBytes + 1);
      }),
    markReplayed: (blob, at) =>
      storage("metadata write", async () => {
        await container.getBlobClient(blob.name).setMetadata({ ...blob.metadata, [replayedMetadataKey]: at });
      }),
  };
}

async function storage<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RestError) throw new DeadLetterStorageError(operation, error);
    throw error;
  }
}

async function readBounded(stream: NodeJS.ReadableStream | undefined, limit: number): Promise<Uint8Array> {
  if (stream === undefined) return new Uint8Array();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk);
    chunks.push(buffer);
    length += buffer.byteLength;
    if (length >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit);
}
