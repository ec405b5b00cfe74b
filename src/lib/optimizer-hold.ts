import { setFlagsFromString } from 'node:v8';

// Why: loading the server's ~300 ES modules calls Node's module resolver (URL parsing, path normalisation) and the
// configuration's YAML parser often enough that V8 optimizes about 25 of their functions with TurboFan while the
// server starts. The first optimization maps TurboFan's own machine code, about 3.3 MiB of pages of the `node` binary,
// and its compilations leave about 1.5 MiB of memory more: an idle server held them for functions it no longer runs.
// V8 reads --turbofan each time a function gets hot, so it is off while the server starts and on again once it runs;
// a function that got hot meanwhile is optimized the next time it is. Measured on the shipped mediamtx.yml: idle RSS
// 59.9 -> 54.8 MiB (as with `node --no-turbofan`); loading a 1,000-path file took 15-20 % less CPU, 2-4 % more time.

/** V8 flags that choose the compiler tiers by hand: when the user passes one, ours stays out of the way. */
const USER_TIERING = /--(no-)?(turbofan|opt|jitless|lite-mode|always-turbofan|always-opt|max-opt|maglev)\b/;

/** Whether the entry point may hold TurboFan while the server starts (no tiering flag from the user). */
export function mayHoldOptimizer(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): boolean {
  return !USER_TIERING.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`);
}

// Whether holdOptimizer ran: a release without a hold must not turn on a TurboFan the user turned off.
let isHeld = false;

/** Keeps V8 from optimizing functions with TurboFan (call before loading modules). */
export function holdOptimizer(): void {
  isHeld = true;
  setFlagsFromString('--no-turbofan');
}

/** Lets V8 optimize hot functions again after holdOptimizer (once the server runs); without a hold, does nothing. */
export function releaseOptimizer(): void {
  if (!isHeld) return;
  isHeld = false;
  setFlagsFromString('--turbofan');
}
