import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { startApp, type InProcessApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { httpGet } from '../../test/support/http.ts';
import { rawPublish, rawRead } from '../../test/support/rtsp-raw-client.ts';

/** Names of the functions a pprof profile (gzip) has samples in, and its sample types, by an independent decoder. */
function decodePprof(body: Buffer): { functions: Set<string>; files: Set<string>; types: string[]; total: number[] } {
  assert.deepEqual([...body.subarray(0, 2)], [0x1f, 0x8b], 'gzip, as Go serves profiles');
  const d = Profile.decode(gunzipSync(body));
  const str = (i: number | bigint): string => d.stringTable.strings[Number(i)]!;
  const fnById = new Map(d.function.map((f) => [Number(f.id), f]));
  const locFn = new Map(d.location.map((l) => [Number(l.id), fnById.get(Number(l.line[0]!.functionId))!]));
  const functions = new Set<string>();
  const files = new Set<string>();
  const total = d.sampleType.map(() => 0);
  for (const s of d.sample) {
    s.value.forEach((v, i) => { total[i]! += Number(v); });
    for (const id of s.locationId) { const f = locFn.get(Number(id))!; functions.add(str(f.name)); files.add(str(f.filename)); }
  }
  return { functions, files, types: d.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`), total };
}

/** Keeps the CPU busy in a function whose name the profile must show. */
function busyLoopForProfile(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

describe('profiler', () => {
  let srv: InProcessApp;
  before(async () => { srv = await startApp('pprof: yes\npaths:\n  cam:\n'); });
  after(async () => { await srv.close(); });

  it('serves a CPU profile in pprof format that names the functions that ran, ours included', async () => {
    const pub = await rawPublish(srv.rtspPort, 'cam');
    const reader = await rawRead(srv.rtspPort, 'cam');
    let seq = 0;
    const feed = setInterval(() => { for (let i = 0; i < 50; i++) pub.send(++seq); busyLoopForProfile(15); }, 20);
    try {
      const a = await httpGet(srv.pprofPort, '/debug/pprof/profile?seconds=1');
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-type'], 'application/octet-stream');
      const p = decodePprof(a.body);
      assert.deepEqual(p.types, ['samples/count', 'cpu/nanoseconds']);
      assert.ok(p.functions.has('busyLoopForProfile'), `functions: ${[...p.functions].slice(0, 30).join(', ')}`);
      assert.ok([...p.files].some((f) => f.includes('/src/stream/') || f.includes('/src/servers/rtsp/')), 'the server\'s own code is in the profile');
      assert.ok(p.total[1]! > 200e6 && p.total[1]! < 1.5e9, `busy time ${p.total[1]} ns within the 1 s profile`);
    } finally {
      clearInterval(feed);
      pub.client.close();
      reader.close();
    }
  });

  it('serves the live heap in pprof format, and V8\'s formats for Chrome DevTools', async () => {
    const keep = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `retained-${i}` }));
    const heap = decodePprof((await httpGet(srv.pprofPort, '/debug/pprof/heap')).body);
    assert.deepEqual(heap.types, ['inuse_objects/count', 'inuse_space/bytes']);
    assert.ok(heap.total[1]! > 0 && heap.functions.size > 0);
    const cpu = await httpGet(srv.pprofPort, '/debug/pprof/profile.cpuprofile?seconds=1');
    const json = cpu.json as { nodes: unknown[]; samples: number[]; startTime: number };
    assert.ok(json.nodes.length > 0 && Array.isArray(json.samples) && json.startTime > 0, 'a .cpuprofile as DevTools loads it');
    assert.match(String(cpu.headers['content-disposition']), /filename="profile\.cpuprofile"/);
    const sampled = (await httpGet(srv.pprofPort, '/debug/pprof/heap.heapprofile')).json as { head: { children: unknown[] } };
    assert.ok(sampled.head.children.length > 0);
    assert.equal(keep.length, 20_000);
  });

  it('streams a full heap snapshot', async () => {
    const snap = await httpGet(srv.pprofPort, '/debug/pprof/heap.heapsnapshot');
    assert.equal(snap.status, 200);
    const meta = JSON.parse(snap.text) as { snapshot: { node_count: number } };
    assert.ok(meta.snapshot.node_count > 1000);
  });

  it('takes one CPU profile at a time, ends it when the client leaves, and refuses more than 300 s', async () => {
    const started = srv.lines.filter((l) => /taking a CPU profile of 30 s/.test(l)).length;
    const req = request({ host: '127.0.0.1', port: srv.pprofPort, path: '/debug/pprof/profile?seconds=30', agent: false });
    const first = new Promise<void>((resolve) => { req.on('error', () => resolve()); req.on('close', () => resolve()); });
    req.end();
    // Conditions, not delays: the second request goes once the first profile runs, and the first client leaves after.
    await waitFor(() => srv.lines.filter((l) => /taking a CPU profile of 30 s/.test(l)).length > started, { timeoutMs: 10_000, what: 'the first profile to start' });
    const busy = await httpGet(srv.pprofPort, '/debug/pprof/profile?seconds=1');
    assert.equal(busy.status, 409);
    req.destroy();
    await first;
    // The server learns of the client's leaving a moment after it left: a 409 may come until then, not for 30 s.
    const t0 = Date.now();
    let next = await httpGet(srv.pprofPort, '/debug/pprof/profile?seconds=1');
    while (next.status === 409 && Date.now() - t0 < 3000) next = await httpGet(srv.pprofPort, '/debug/pprof/profile?seconds=1');
    assert.equal(next.status, 200, 'the abandoned 30 s profile was stopped');
    assert.ok(Date.now() - t0 < 4500, `stopped within ${Date.now() - t0} ms`);
    assert.equal((await httpGet(srv.pprofPort, '/debug/pprof/profile?seconds=301')).status, 400);
    assert.equal((await httpGet(srv.pprofPort, '/debug/pprof/nope')).status, 404);
    assert.match((await httpGet(srv.pprofPort, '/debug/pprof/')).text, /profile\?seconds=30/);
  });
});
