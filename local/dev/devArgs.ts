// `npm run dev`'s flags, parsed with node:util's parseArgs and checked up front, so a typo stops
// at once with what was wrong instead of starting a host that does something else.
import { parseArgs } from "node:util";

export interface DevOptions {
  /** Connect the demo fleet to the emulator once the app is subscribed. */
  readonly demo: boolean;
  /** The Functions host's port on 127.0.0.1 (the emulator picks its own). */
  readonly port: number;
  /** How many times faster than real time the shared clock runs. */
  readonly timeScale: number;
  /** No emulator: the app talks to real Azure with DefaultAzureCredential. */
  readonly azure: boolean;
  readonly help: boolean;
}

export const devUsage = `Usage: npm run dev -- [options]
  --port <n>          the Functions host's port on 127.0.0.1 (default 7071, like Core Tools; 0 picks a free one)
  --time-scale <x>    run the shared clock x times faster than real time (default 60: a 4.5-minute
                      gateway creation takes 4.5 seconds); up to 10000
  --no-demo           do not connect the demo fleet of machines
  --azure             no emulator: the app calls real Azure Resource Manager with DefaultAzureCredential
                      (time runs at 1x; no demo fleet)
  --help              this text`;

export const defaultTimeScale = 60;
const maxTimeScale = 10_000;

/** A flag problem, with the message to print above the usage text. */
export class DevUsageError extends Error {
  override readonly name = "DevUsageError";
}

export function parseDevArgs(args: readonly string[]): DevOptions {
  let values: {
    port?: string;
    "time-scale"?: string;
    "no-demo"?: boolean;
    azure?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: "string" },
        "time-scale": { type: "string" },
        // Node 20's parseArgs has no negative flags, so `--no-demo` is a flag of its own.
        "no-demo": { type: "boolean" },
        azure: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DevUsageError(describeParseError(error));
  }

  const azure = values.azure ?? false;
  const port = values.port === undefined ? 7071 : parsePort(values.port);
  const timeScale =
    values["time-scale"] === undefined
      ? azure
        ? 1
        : defaultTimeScale
      : parseTimeScale(values["time-scale"]);
  if (azure && timeScale !== 1) {
    throw new DevUsageError(
      "--time-scale cannot be used with --azure: Azure's operations take real time, so the host's clock must too",
    );
  }
  return {
    demo: !azure && !(values["no-demo"] ?? false),
    port,
    timeScale,
    azure,
    help: values.help ?? false,
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (text.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new DevUsageError(`--port must be a whole number from 0 to 65535, not '${text}'`);
  }
  return port;
}

function parseTimeScale(text: string): number {
  const scale = Number(text);
  if (text.trim() === "" || !Number.isFinite(scale) || scale <= 0 || scale > maxTimeScale) {
    throw new DevUsageError(
      `--time-scale must be a number above 0 and at most ${maxTimeScale}, not '${text}'`,
    );
  }
  return scale;
}

/** parseArgs' messages, said in this command's terms. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const flag = /'(-[^' <]+)/.exec(message ?? "")?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Unknown flag ${flag ?? ""}`.trim();
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Unexpected argument ${/'([^']*)'/.exec(message ?? "")?.[1] ?? ""}: every option is a --flag`.trim();
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return message?.includes("does not take an argument")
        ? `${flag ?? "That flag"} takes no value`
        : `${flag ?? "A flag"} needs a value`;
    default:
      return message ?? String(error);
  }
}
