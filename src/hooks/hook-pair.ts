import type { Logger } from '../lib/index.ts';
import { startHook, type HookHandle } from './external-cmd.ts';

/** Options of a hook and its counterpart (runOnRead + runOnUnread, runOnConnect + runOnDisconnect…). */
export interface HookPairOptions {
  /** Name of the first hook in the log, e.g. 'runOnRead'. */
  name: string;
  /** Command run from start until stop(); '' = none. */
  command: string;
  /** Start `command` again after it exits. */
  restart: boolean;
  /** Name of the counterpart in the log, e.g. 'runOnUnread'. */
  offName: string;
  /** Command launched once by stop(); '' = none. */
  offCommand: string;
  /** Hook variables, the same for both commands (see hookEnv). */
  env: Readonly<Record<string, string>>;
  log: Logger;
  /** Pause before a restart of `command` (tests shorten it). */
  restartPauseMs?: number;
}

/** A started hook pair. */
export interface HookPair {
  /**
   * Stops the first command (logging `reason`) and launches the counterpart; later calls do nothing. Resolves once
   * the first command is gone; the counterpart is not waited for.
   */
  stop(reason?: string): Promise<void>;
}

const NOTHING: HookPair = { stop: () => Promise.resolve() };

/**
 * Starts a hook whose counterpart runs when the event ends, as MediaMTX v1's hooks package: the counterpart runs even
 * when the first command is empty, gets the same variables, is never restarted, and is not stopped afterwards (it
 * runs to its end, like any command launched by an event that is over).
 */
export function startHookPair(o: HookPairOptions): HookPair {
  const hasOn = o.command.trim() !== '';
  const hasOff = o.offCommand.trim() !== '';
  if (!hasOn && !hasOff) return NOTHING;
  let on: HookHandle | undefined;
  if (hasOn) {
    o.log.info(`${o.name} command started`);
    on = startHook({ command: o.command, restart: o.restart, env: o.env, log: o.log, ...(o.restartPauseMs !== undefined ? { restartPauseMs: o.restartPauseMs } : {}) });
  }
  let stopping: Promise<void> | undefined;
  return {
    stop(reason?: string): Promise<void> {
      if (stopping) return stopping;
      stopping = on ? on.close() : Promise.resolve();
      if (on) o.log.info(`${o.name} command stopped${reason !== undefined ? `: ${reason}` : ''}`);
      if (hasOff) {
        o.log.info(`${o.offName} command launched`);
        // Nobody stops it: the handle is dropped on purpose.
        startHook({ command: o.offCommand, restart: false, env: o.env, log: o.log });
      }
      return stopping;
    },
  };
}
