import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OLD_GENERATION_GROWTH_ENV, OLD_GENERATION_GROWTH_PERCENT, oldGenerationGrowthPercent } from './old-generation.ts';

// What the setting does to memory is measured by the benchmark (docs/performance.md, Memory): V8 picks its collection
// times from many signals, and a test on them would be a timed test in disguise.
describe('old generation growth', () => {
  it('reads its growth from the environment, and steps aside when the user sizes the heap', () => {
    const CASES: readonly [NodeJS.ProcessEnv, readonly string[], number | undefined][] = [
      [{}, [], OLD_GENERATION_GROWTH_PERCENT],
      [{ [OLD_GENERATION_GROWTH_ENV]: '' }, [], OLD_GENERATION_GROWTH_PERCENT],
      [{ [OLD_GENERATION_GROWTH_ENV]: '50' }, [], 50],
      [{ [OLD_GENERATION_GROWTH_ENV]: '0' }, [], undefined],
      [{ [OLD_GENERATION_GROWTH_ENV]: 'lots' }, [], OLD_GENERATION_GROWTH_PERCENT],
      [{ [OLD_GENERATION_GROWTH_ENV]: '-5' }, [], OLD_GENERATION_GROWTH_PERCENT],
      [{ [OLD_GENERATION_GROWTH_ENV]: '2.5' }, [], OLD_GENERATION_GROWTH_PERCENT],
      [{}, ['--heap-growing-percent=40'], undefined],
      [{}, ['--optimize-for-size'], undefined],
      [{ NODE_OPTIONS: '--max-old-space-size=256' }, [], OLD_GENERATION_GROWTH_PERCENT],
    ];
    for (const [env, argv, want] of CASES) {
      assert.equal(oldGenerationGrowthPercent(env, argv), want, `env ${JSON.stringify(env)} argv ${JSON.stringify(argv)}`);
    }
  });
});
