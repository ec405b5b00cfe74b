import type { ParticipantInfo, StaticSource, StaticSourceContext } from '../core/index.ts';

/**
 * A static source whose protocol module is imported on its first run. Why: an idle server, or one whose paths take
 * only publishers, need not load (and keep in memory) the clients of five protocols.
 */
export class LazySource implements StaticSource {
  private inner: StaticSource | undefined;

  /** `info` and `label` are the ones the loaded source gives (the path shows them before the first run). */
  constructor(readonly info: ParticipantInfo, readonly label: string, private readonly load: () => Promise<StaticSource>) {}

  /** Loads the source (once), then runs it. */
  async run(ctx: StaticSourceContext): Promise<void> {
    this.inner ??= await this.load();
    return this.inner.run(ctx);
  }
}
