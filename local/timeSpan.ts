// .NET TimeSpan text ("d.hh:mm:ss[.fffffff]", also Kusto's timespan text): the format the extension uses for
// `longRunningTimerIntervalDuration` / `maximumShortTimerDuration` in the binding info and the
// format host.json settings are written in — .NET's constant ("c") TimeSpan format (Learn
// "Standard TimeSpan format strings"). The library parses these with moment.duration(), which
// accepts the same text.

const timeSpanPattern = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

export function parseTimeSpan(text: string): number {
  const match = timeSpanPattern.exec(text.trim());
  if (!match) throw new RangeError(`'${text}' is not a TimeSpan (expected d.hh:mm:ss)`);
  const [, sign, days, hours, minutes, seconds, fraction] = match;
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours) * 3_600_000 +
    Number(minutes) * 60_000 +
    Number(seconds ?? 0) * 1000 +
    Math.round(Number(`0.${fraction ?? "0"}`) * 1000);
  return sign ? -ms : ms;
}

export function formatTimeSpan(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(Math.round(ms));
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const two = (n: number) => String(n).padStart(2, "0");
  const clock = `${two(hours)}:${two(minutes)}:${two(seconds)}${millis ? `.${String(millis).padStart(3, "0")}` : ""}`;
  return `${sign}${days ? `${days}.` : ""}${clock}`;
}
