import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mayHoldOptimizer } from './optimizer-hold.ts';

const MODULE = fileURLToPath(new URL('./optimizer-hold.ts', import.meta.url));

/**
 * In a fresh Node (with `nodeArgs`), makes one function hot after `before` ran, then again after the release, and
 * returns whether V8 had optimized it at each point (%GetOptimizationStatus, bit 4: optimized). Optimization runs on a
 * background thread, so the hot loop goes on, with pauses for the result to land, until it is optimized or a time
 * has passed: 1 s while held, `afterMs` after the release.
 */
function optimizedBeforeAndAfterRelease(before: 'hold' | 'none', nodeArgs: readonly string[] = [], afterMs = 5000): { during: boolean; after: boolean } {
  const script = `
    import { holdOptimizer, releaseOptimizer } from ${JSON.stringify(MODULE)};
    const OPTIMIZED = 1 << 4;
    function hot(x) { let s = 0; for (let i = 0; i < 50; i++) s += (x * i) % 7; return s; }
    const isOptimized = () => (%GetOptimizationStatus(hot) & OPTIMIZED) !== 0;
    async function heat(ms) {
      const until = Date.now() + ms;
      let sum = 0;
      while (!isOptimized() && Date.now() < until) {
        for (let i = 0; i < 20000; i++) sum += hot(i);
        await new Promise((r) => setTimeout(r, 5));
      }
      return sum;
    }
    if (${JSON.stringify(before)} === 'hold') holdOptimizer();
    await heat(1000);
    const during = isOptimized();
    releaseOptimizer();
    await heat(${afterMs});
    process.stdout.write(JSON.stringify({ during, after: isOptimized() }));
  `;
  const args = [...nodeArgs, '--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })) as { during: boolean; after: boolean };
}

describe('optimizer hold', () => {
  it('no function is optimized while TurboFan is held; a function that got hot then is optimized once it is released', () => {
    assert.deepEqual(optimizedBeforeAndAfterRelease('hold'), { during: false, after: true });
  });

  it('a release without a hold leaves TurboFan as the user set it', () => {
    assert.deepEqual(optimizedBeforeAndAfterRelease('none', ['--no-turbofan'], 1000), { during: false, after: false });
  });

  it('steps aside when the user chooses the compiler tiers', () => {
    const CASES: readonly [NodeJS.ProcessEnv, readonly string[], boolean][] = [
      [{}, [], true],
      [{}, ['--max-old-space-size=256'], true],
      [{}, ['--no-opt'], false],
      [{}, ['--turbofan'], false],
      [{}, ['--no-turbofan'], false],
      [{}, ['--max-opt=2'], false],
      [{ NODE_OPTIONS: '--jitless' }, [], false],
      [{ NODE_OPTIONS: '--max-semi-space-size=4' }, [], true],
    ];
    for (const [env, argv, want] of CASES) {
      assert.equal(mayHoldOptimizer(env, argv), want, `env ${JSON.stringify(env)} argv ${JSON.stringify(argv)}`);
    }
  });
});
