/**
 * `npm run bench -- --anchors [--readers 1,200,500 --duration 15 --repeats 2 --servers "..." --out DIR]`: this server
 * beside nginx-rtmp and GStreamer's RTSP server in one interleaved run (for each repeat, each N, each server: a
 * fresh server, one publisher, N readers), by the independent load generator's `bench/run-anchors.sh`
 * (../shared/tools/loadgen, or the folder in LOADGEN_DIR). This checkout is built first (`dist/`) and run as
 * `node dist/main.js`, as users run it. Prints the run's summary table; compare ratios inside it, never figures
 * across runs. The anchors must be installed (nginx + libnginx-mod-rtmp, python3-gi + gir1.2-gst-rtsp-server-1.0):
 * the script names what is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
const LOADGEN_DIR = resolve(process.env.LOADGEN_DIR ?? join(ROOT, '..', 'shared', 'tools', 'loadgen'));
const SCRIPT = join(LOADGEN_DIR, 'bench', 'run-anchors.sh');
const DEFAULT_SERVERS = 'nginx-rtmp ours-rtmp gst-rtsp-tcp ours-rtsp-tcp gst-rtsp-udp ours-rtsp-udp';

if (!existsSync(SCRIPT)) {
  console.error(`the anchor benchmark needs the load generator's run-anchors.sh: ${SCRIPT} is missing (set LOADGEN_DIR)`);
  process.exit(2);
}
const counts = opt('readers', '1,200,500').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 1000);
const duration = Math.min(120, Math.max(5, Number(opt('duration', '15')) || 15));
const repeats = Math.min(5, Math.max(1, Number(opt('repeats', '2')) || 2));
const out = opt('out', mkdtempSync(join(tmpdir(), 'mtx-anchors-')));
console.log('building dist/ (the anchors run `node dist/main.js`)');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
// Why: npm builds the UDP batch addon at install; a checkout that skipped it (node_modules linked from elsewhere)
// would measure ours-rtsp-udp on the dgram fallback without saying so. The script says when it cannot build it.
if (!existsSync(join(ROOT, 'native', 'udp-batch', 'build', 'udp_batch.node'))) execFileSync('bash', [join(ROOT, 'scripts', 'build-native.sh')], { stdio: 'inherit' });
const r = spawnSync('bash', [SCRIPT, '--repeats', String(repeats), '--ns', counts.join(' '), '--duration', String(duration),
  '--servers', opt('servers', DEFAULT_SERVERS), '--out', out], {
  cwd: join(LOADGEN_DIR, 'bench'), env: { ...process.env, OURS_DIR: ROOT }, stdio: ['ignore', 'inherit', 'inherit'],
  // Bounded: every cell is bounded by the script; this is the whole run's ceiling.
  timeout: (counts.length * repeats * 6 * (duration + 60) + 600) * 1000,
});
const summary = join(out, 'summary.md');
if (existsSync(summary)) console.log(`\n${readFileSync(summary, 'utf8')}\nresults in ${out}`);
process.exit(r.status ?? 1);
