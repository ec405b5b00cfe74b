import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FANOUT_LOAD_ENV, FANOUT_SHARDS_ENV, fanoutMinLoad, fanoutShardCount } from './shard-count.ts';
import { loaderArgs } from './shard-pool.ts';

const env = (v?: string): NodeJS.ProcessEnv => (v === undefined ? {} : { [FANOUT_SHARDS_ENV]: v });

describe('fanoutShardCount', () => {
  it('reads MEDIAMTX_TS_FANOUT_SHARDS', () => {
    assert.equal(FANOUT_SHARDS_ENV, 'MEDIAMTX_TS_FANOUT_SHARDS');
    assert.equal(fanoutShardCount({ MEDIAMTX_TS_FANOUT_SHARDS: '3' }, 16), 3);
  });

  it('defaults from the core count when unset, empty or invalid', () => {
    const cases: [cores: number, want: number][] = [[1, 0], [2, 0], [3, 2], [4, 3], [8, 7], [9, 8], [10, 8], [64, 8]];
    for (const raw of [undefined, '', '   ', 'abc', '-1', '1.5', 'NaN', 'Infinity', '2x']) {
      for (const [cores, want] of cases) assert.equal(fanoutShardCount(env(raw), cores), want, `${JSON.stringify(raw)} on ${cores} cores`);
    }
  });

  it('takes a valid integer, 0 included, at most 8, whatever the cores', () => {
    const cases: [raw: string, want: number][] = [['0', 0], ['1', 1], [' 2 ', 2], ['7', 7], ['8', 8], ['9', 8], ['100', 8]];
    for (const [raw, want] of cases) {
      for (const cores of [1, 2, 4, 32]) assert.equal(fanoutShardCount(env(raw), cores), want, `${raw} on ${cores} cores`);
    }
  });

  it('uses process.env and the machine by default', () => {
    const n = fanoutShardCount();
    assert.ok(Number.isInteger(n) && n >= 0 && n <= 8, String(n));
  });
});

describe('fanoutMinLoad', () => {
  it('is 0.5 when the shard count comes from the cores, 0 when MEDIAMTX_TS_FANOUT_SHARDS sets it', () => {
    assert.equal(FANOUT_LOAD_ENV, 'MEDIAMTX_TS_FANOUT_LOAD');
    for (const raw of [undefined, '', ' ', 'abc', '-1', '1.5']) assert.equal(fanoutMinLoad(env(raw)), 0.5, JSON.stringify(raw));
    for (const raw of ['0', '1', ' 3 ', '8', '100']) assert.equal(fanoutMinLoad(env(raw)), 0, raw);
  });

  it('takes MEDIAMTX_TS_FANOUT_LOAD from 0 to 1 over both, and ignores other values', () => {
    const cases: [raw: string, want: number][] = [['0', 0], ['0.25', 0.25], [' 0.9 ', 0.9], ['1', 1]];
    for (const [raw, want] of cases) {
      assert.equal(fanoutMinLoad({ [FANOUT_LOAD_ENV]: raw }), want, raw);
      assert.equal(fanoutMinLoad({ [FANOUT_LOAD_ENV]: raw, [FANOUT_SHARDS_ENV]: '2' }), want, `${raw} with 2 shards set`);
    }
    for (const raw of ['', '-0.1', '1.1', 'x', 'NaN', 'Infinity']) {
      assert.equal(fanoutMinLoad({ [FANOUT_LOAD_ENV]: raw }), 0.5, JSON.stringify(raw));
      assert.equal(fanoutMinLoad({ [FANOUT_LOAD_ENV]: raw, [FANOUT_SHARDS_ENV]: '2' }), 0, `${JSON.stringify(raw)} with 2 shards set`);
    }
  });
});

describe('loaderArgs', () => {
  it('keeps the flags that load code, with their values', () => {
    assert.deepEqual(loaderArgs(['--import', 'tsx']), ['--import', 'tsx']);
    assert.deepEqual(loaderArgs(['--import=x']), ['--import=x']);
    assert.deepEqual(loaderArgs(['--require', 'x']), ['--require', 'x']);
    assert.deepEqual(loaderArgs(['--require=./a.cjs']), ['--require=./a.cjs']);
    assert.deepEqual(loaderArgs(['-r', 'x']), ['-r', 'x']);
    assert.deepEqual(loaderArgs(['--loader', 'x']), ['--loader', 'x']);
    assert.deepEqual(loaderArgs(['--loader=x']), ['--loader=x']);
    assert.deepEqual(loaderArgs(['--experimental-loader', 'y']), ['--experimental-loader', 'y']);
  });

  it('drops the other flags', () => {
    assert.deepEqual(loaderArgs(['--inspect=9229', '--max-old-space-size=100', '--test', '--enable-source-maps', '--test-reporter', 'spec']), []);
  });

  it('keeps the loaders, in order, from a mixed command line', () => {
    assert.deepEqual(
      loaderArgs(['--inspect=9229', '--import', 'tsx', '--max-old-space-size=100', '-r', 'a', '--test', '--import=b', '--loader', 'c', '--no-warnings']),
      ['--import', 'tsx', '-r', 'a', '--import=b', '--loader', 'c']);
  });

  it('takes the value of a loader flag as its value, not as a flag', () => {
    assert.deepEqual(loaderArgs(['--import', '--test']), ['--import', '--test']);
    assert.deepEqual(loaderArgs(['--import']), [], 'a flag without its value is dropped');
    assert.deepEqual(loaderArgs(['--imports', 'x', '-rx']), []);
  });
});
