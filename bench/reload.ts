/**
 * `node --import tsx bench/reload.ts [--paths 1000 --runs 10]`: how long a hot reload of a large configuration takes,
 * in process: parse + validate of the file text (what the file watcher does) and App.applyConf, for N literal paths,
 * when one path's credentials change (applied live), when one path's source changes (that path is recreated), and
 * when nothing changes. Bounded in count and time; listeners bind 127.0.0.1 only.
 */
import { performance } from 'node:perf_hooks';
import { startApp } from '../test/support/app.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const PATHS = Math.min(5000, opt('paths', 1000));
const RUNS = Math.min(50, opt('runs', 10));

/** The paths section: N literal paths with read credentials; `pass0`/`source0` vary the first one. */
const yaml = (pass0: string, source0: string): string =>
  `paths:\n${Array.from({ length: PATHS }, (_, i) => `  cam${i}:\n    readUser: u\n    readPass: ${i === 0 ? pass0 : `p${i}`}\n${i === 0 ? `    source: ${source0}\n` : ''}`).join('')}`;

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const srv = await startApp(yaml('p0', 'publisher'));
try {
  const cases: [string, (run: number) => string][] = [
    ['nothing changed', () => yaml('p0', 'publisher')],
    ['one path\'s credentials (live)', (run) => yaml(`x${run}`, 'publisher')],
    ['one path\'s source (recreated)', (run) => yaml('p0', run % 2 === 0 ? 'redirect\n    sourceRedirect: rtsp://127.0.0.1:1/x' : 'publisher')],
  ];
  for (const [what, make] of cases) {
    const parse: number[] = [];
    const apply: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const conf = srv.conf(make(run));
      const t1 = performance.now();
      await srv.app.applyConf(conf);
      parse.push(t1 - t0);
      apply.push(performance.now() - t1);
    }
    const total = parse.map((p, i) => p + apply[i]!);
    console.log(`${PATHS} paths, ${what}: reload p50 ${pct(total, 0.5).toFixed(1)} ms (parse+validate ${pct(parse, 0.5).toFixed(1)}, apply ${pct(apply, 0.5).toFixed(1)}), max ${Math.max(...total).toFixed(1)} ms`);
  }
  console.log(`paths alive: ${srv.app.pathManager?.list().length ?? 'n/a'}`);
} finally {
  await srv.close();
}
