import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { run, tail } from '../support/process.ts';

// The benchmark is not a timed test (docs/performance.md): this smoke cell only proves that `npm run bench` still
// works end to end for each protocol, and that every reader of a small cell was served without gaps.
const ROOT = resolve(import.meta.dirname, '..', '..');

async function bench(args: readonly string[]): Promise<string> {
  const r = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'fanout.ts'), ...args], { timeoutMs: 240_000, cwd: ROOT });
  assert.equal(r.code, 0, `bench ${args.join(' ')} failed:\n${tail(r.stdout + r.stderr, 2000)}`);
  return r.stdout;
}

describe('npm run bench: a smoke cell of N = 5 per protocol', () => {
  for (const protocol of ['rtsp', 'rtmp'] as const) {
    it(`${protocol}: 5 readers served, no gaps, CPU and RSS measured`, async () => {
      const out = await bench(['--protocol', protocol, '--readers', '5', '--duration', '3']);
      const m = /^N=5\tok (\d+)\/5\tgaps (\d+)\tout (\d+) Mbit\/s\tserver CPU ([\d.]+) % of a core\tRSS (\d+) MiB$/m.exec(out);
      assert.ok(m, out);
      assert.equal(Number(m[1]), 5, out);
      assert.equal(Number(m[2]), 0, out);
      // 5 readers of the ~4 Mbit/s test stream.
      assert.ok(Number(m[3]) >= 10, out);
      assert.ok(Number(m[4]) > 0 && Number(m[5]) > 0, out);
    });
  }

  it('webrtc: 5 WHEP viewers and 5 RTSP/UDP readers served', async () => {
    const out = await bench(['--protocol', 'webrtc', '--readers', '5', '--duration', '3']);
    for (const kind of ['webrtc', 'rtsp/udp']) {
      const row = out.split('\n').find((l) => l.startsWith(`${kind} `) && /\t5\t/.test(l));
      assert.ok(row, `${kind} row missing:\n${out}`);
      assert.match(row, /\t5\/5\t/, out);
    }
  });
});
