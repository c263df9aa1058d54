// Text from outside the app (ARM answers, events, settings, script output) is shortened before it
// goes into a message, so one odd value cannot flood a log line, a status or an orchestration's
// history. Each caller picks how much of it is worth showing.

/** `text` cut to at most `max` characters, with `…` when something was cut. */
export function shorten(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The name at the end of a resource id (`…/gateways/arc-gw-eastus` → `arc-gw-eastus`), for messages. */
export function resourceNameIn(id: string): string {
  return id.split("/").filter(Boolean).pop() ?? id;
}
