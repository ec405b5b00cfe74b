import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, start, waitFor } from '../support/process.ts';
import { allocatePorts, listenerConf } from '../support/server.ts';
import { encryptConf } from '../../src/conf/index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const TSX = import.meta.resolve('tsx');

function mtx(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  return run(process.execPath, ['--import', TSX, MAIN, ...args], { timeoutMs: 20_000, cwd, env: { ...process.env, ...env } });
}

function tmpConf(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-cli-'));
  const f = join(dir, 'conf.yml');
  writeFileSync(f, text);
  return f;
}

describe('command line', () => {
  it('prints --version and --help', async () => {
    const v = await mtx(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^v\d+\.\d+\.\d+\n$/);
    const h = await mtx(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /Usage: mediamtx \[options\] \[confpath\]/);
  });

  for (const [name, text, message] of [
    ['an unknown key', 'logLevel: info\nrtspAdress: :1\n', /unknown key 'rtspAdress' at line 2/],
    ['a wrong type', 'readTimeout: [1]\n', /invalid value for 'readTimeout' at line 1/],
    ['a bad value', 'readBufferCount: 100\n', /readBufferCount.*power of two/],
    ['broken YAML', 'paths:\n  a: [\n', /invalid YAML/],
  ] as const) {
    it(`refuses ${name} with a message naming it and no stack trace`, async () => {
      const r = await mtx([tmpConf(text)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
    });
  }

  it('refuses a missing explicit file', async () => {
    const r = await mtx(['/nonexistent/mediamtx.yml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist/);
  });

  it('applies MTX_* overrides and opens an encrypted config with MTX_CONFKEY', async () => {
    const p = allocatePorts();
    const conf = listenerConf(p).replace(`rtspAddress: 127.0.0.1:${p.rtsp}`, 'rtspAddress: 127.0.0.1:1');
    const file = tmpConf(encryptConf(conf, 'the key'));
    const proc = start(process.execPath, ['--import', TSX, MAIN, file], {
      timeoutMs: 20_000, cwd: ROOT, env: { ...process.env, MTX_CONFKEY: 'the key', MTX_RTSPADDRESS: `127.0.0.1:${p.rtsp}` },
    });
    let out = '';
    proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => out.includes(`listener opened on 127.0.0.1:${p.rtsp}`), { timeoutMs: 15_000, what: 'the overridden listener' });
    const r = await proc.stop();
    assert.equal(r.code, 0);
    assert.doesNotMatch(out, /the key/);
    const wrong = await mtx([file], { MTX_CONFKEY: 'not the key' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /could not be decrypted: wrong key/);
  });

  it('starts on the shipped mediamtx.yml with MediaMTX\'s default ports and warns once about what is not built', async () => {
    const proc = start(process.execPath, ['--import', TSX, MAIN], { timeoutMs: 20_000, cwd: ROOT });
    let out = '';
    proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => /listener opened on :8554 \(TCP\), :8000 \(UDP\/RTP\), :8001 \(UDP\/RTCP\)/.test(out), { timeoutMs: 15_000, what: 'the default listener' });
    assert.equal(out.match(/WAR these features are not implemented yet/g)?.length, 1);
    assert.match(out, /configuration loaded from .*mediamtx\.yml/);
    const r = await proc.stop();
    assert.equal(r.code, 0);
  });
});
