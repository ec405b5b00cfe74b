import type { Logger } from '../lib/index.ts';
import { ApiError } from './api-error.ts';
import { planConfChange, type ConfChange } from './api-conf-change.ts';
import type { ApiHost } from './api-host.ts';
import { writeConfEdit } from './conf-file-writer.ts';

/**
 * Applies API configuration changes one at a time, each on top of the previous one: validate (400 with the reason
 * when refused), apply as a hot reload, then, with `apiPersist`, write the change back to the configuration file.
 * Writing after applying means a change the server could not apply is never written; a change applied but not
 * written is reported as such (500) and stays in force until the next reload.
 */
export class ConfEditor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: ApiHost, private readonly log: Logger) {}

  /** Validates, applies and (with apiPersist) persists one change; rejects with ApiError. */
  apply(change: ConfChange): Promise<void> {
    const { host } = this;
    const run = this.queue.then(() => (host.exclusive ? host.exclusive(() => this.run(change)) : this.run(change)));
    this.queue = run.then(() => undefined, () => undefined);
    return run;
  }

  private async run(change: ConfChange): Promise<void> {
    const base = this.host.conf();
    const { next, edit } = planConfChange(base, change);
    try {
      await this.host.applyConf(next);
    } catch (err) {
      throw new ApiError(500, `the configuration is valid but could not be applied: ${(err as Error).message}`);
    }
    // Turning apiPersist on or off through the API is written too, so the file says what is in force.
    if (!base.apiPersist && !next.apiPersist) return;
    const file = this.host.confFile;
    if (!file) {
      this.log.warn('apiPersist is on, but the configuration was not loaded from a file: the change is in force only until restart');
      return;
    }
    try {
      await writeConfEdit(file, edit);
    } catch (err) {
      this.log.error(`writing the change to ${file.path} failed: ${(err as Error).message}`);
      throw new ApiError(500, `the change is in force but could not be written to ${file.path}: ${(err as Error).message}`);
    }
    this.log.info(`change written to ${file.path}${file.encryptionKey !== undefined ? ' (encrypted)' : ''}`);
  }
}
