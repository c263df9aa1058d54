// The app reads its settings from process.env (shared/config.ts), as a Function App reads its
// application settings. The local host runs the app in its own process, so pointing the app at
// the emulator means setting those variables here — and putting back what was there when the
// local host stops, so a test process is left as it was found.

export type AppSettings = Readonly<Record<string, string | undefined>>;

export class AppEnvironment {
  readonly #saved = new Map<string, string | undefined>();

  /** Sets each variable (undefined removes it), remembering the first value it replaces. */
  apply(settings: AppSettings): void {
    for (const [name, value] of Object.entries(settings)) {
      if (!this.#saved.has(name)) this.#saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  /** Puts every variable it changed back as it was. */
  restore(): void {
    for (const [name, value] of this.#saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.#saved.clear();
  }
}
