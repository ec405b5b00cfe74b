import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptConf, encryptConf, loadConf, parseConf } from '../conf/index.ts';
import { editConfText, writeConfEdit } from './conf-file-writer.ts';
import { spliceConfEdit } from './conf-text-splice.ts';
import { parseDocument } from 'yaml';
import type { FileEdit } from './api-conf-change.ts';
import { startAppFromFile, LISTENERS } from '../../test/support/app.ts';
import { httpGet, httpPost } from '../../test/support/http.ts';
import { waitFor } from '../../test/support/process.ts';

const SHIPPED = readFileSync(new URL('../../mediamtx.yml', import.meta.url), 'utf8');
const comments = (text: string): string[] => text.split('\n').filter((l) => l.trimStart().startsWith('#'));
/** Lines of `b` that are not in `a` (by position-independent multiset difference). */
function addedLines(a: string, b: string): string[] {
  const left = a.split('\n');
  return b.split('\n').filter((l) => { const i = left.indexOf(l); if (i < 0) return true; left.splice(i, 1); return false; });
}

let dirs: string[] = [];
function tempDir(): string { const d = mkdtempSync(join(tmpdir(), 'mtx-persist-')); dirs.push(d); return d; }
afterEach(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); dirs = []; });

describe('editConfText', () => {
  it('changes only the edited lines of the shipped file: every comment, blank line and key order stays', () => {
    const out = editConfText(SHIPPED, { kind: 'globals', values: { logLevel: 'debug', readTimeout: '20s', rtmpDisable: true, protocols: ['tcp'] } });
    assert.deepEqual(comments(out), comments(SHIPPED));
    assert.equal(out.split('\n').length, SHIPPED.split('\n').length);
    assert.deepEqual(addedLines(SHIPPED, out).sort(), ['logLevel: debug', 'protocols: [tcp]', 'readTimeout: 20s', 'rtmpDisable: yes'].sort());
    const c = parseConf(out, {}).conf;
    assert.deepEqual([c.logLevel, c.readTimeout, c.rtmpDisable, c.protocols], ['debug', 20_000, true, ['tcp']]);
  });

  it('edits the shipped file in place for every kind of edit (no rewrite by the yaml library)', () => {
    const edits: FileEdit[] = [
      { kind: 'globals', values: { apiPersist: true, logDestinations: ['stdout', 'file'] } },
      { kind: 'path', name: 'cam', values: { source: 'rtsp://cam/x', sourceOnDemand: true }, isNew: true },
      { kind: 'path', name: 'all', values: { readUser: 'u', readPass: 'p' }, isNew: false },
      { kind: 'removePath', name: 'all' },
    ];
    for (const edit of edits) {
      const spliced = spliceConfEdit(SHIPPED, parseDocument(SHIPPED, { version: '1.1' }), edit);
      assert.ok(spliced !== undefined, `${edit.kind} is spliced`);
      assert.equal(spliced, editConfText(SHIPPED, edit), `${edit.kind}: the splice reads back as the document edit`);
      // Removing a path removes the comments inside its block, and only those.
      if (edit.kind !== 'removePath') assert.deepEqual(comments(spliced), comments(SHIPPED));
      else assert.ok(comments(SHIPPED).slice(0, 10).every((c) => comments(spliced).includes(c)));
    }
  });

  it('writes into a MediaMTX v1.x file without leaving the other name of a setting it changes (mixed names are refused)', () => {
    const v1 = 'rtspTransports: [udp] # v1 name\nrtsp: yes\nlogLevel: info\npaths:\n  cam:\n    overridePublisher: yes\n    rtspTransport: udp\n';
    const globals = editConfText(v1, { kind: 'globals', values: { protocols: ['tcp'], rtspDisable: true } });
    assert.doesNotMatch(globals, /rtspTransports|^rtsp:/m);
    const g = parseConf(globals, {}).conf;
    assert.deepEqual([g.protocols, g.rtspDisable, g.logLevel], [['tcp'], true, 'info']);
    const path = editConfText(v1, { kind: 'path', name: 'cam', values: { disablePublisherOverride: true }, isNew: false });
    assert.doesNotMatch(path, /overridePublisher/);
    assert.match(path, /rtspTransport: udp/, 'keys the edit does not set stay as written');
    assert.equal(parseConf(path, {}).conf.paths['cam']!.disablePublisherOverride, true);
  });

  it('keeps an inline comment and the quoting of a scalar it changes', () => {
    const out = editConfText('logLevel: info # how much to log\nencryption: "no"\npaths:\n  all:\n', { kind: 'globals', values: { logLevel: 'warn', encryption: 'optional' } });
    assert.equal(out, 'logLevel: warn # how much to log\nencryption: "optional"\npaths:\n  all:\n');
  });

  it('puts a new global key above paths, and paths in a file that had none or an empty map', () => {
    assert.equal(editConfText('logLevel: info\npaths:\n  all:\n', { kind: 'globals', values: { api: true } }), 'logLevel: info\napi: yes\npaths:\n  all:\n');
    assert.equal(editConfText('', { kind: 'path', name: 'cam', values: {}, isNew: true }), 'paths:\n  cam:\n');
    assert.equal(editConfText('paths: {}\n', { kind: 'path', name: 'cam', values: { source: 'publisher' }, isNew: true }), 'paths:\n  cam:\n    source: publisher\n');
    assert.equal(editConfText('# mine\npaths:\n', { kind: 'path', name: 'a/b', values: { readIPs: ['127.0.0.1'] }, isNew: true }), '# mine\npaths:\n  a/b:\n    readIPs: [127.0.0.1]\n');
  });

  it('edits a path in place and removes one, leaving the others and their comments', () => {
    const text = 'paths:\n  # the camera\n  cam:\n    # who reads\n    readUser: a\n    readPass: b\n  other:\n  all:\n';
    const edited = editConfText(text, { kind: 'path', name: 'cam', values: { readUser: 'x', runOnReady: 'ffmpeg -i x' }, isNew: false });
    assert.equal(edited, 'paths:\n  # the camera\n  cam:\n    # who reads\n    readUser: x\n    readPass: b\n    runOnReady: ffmpeg -i x\n  other:\n  all:\n');
    assert.equal(editConfText(edited, { kind: 'path', name: 'other', values: { runOnInit: 'true' }, isNew: false }).includes('  other:\n    runOnInit: "true"\n'), true);
    assert.equal(editConfText(text, { kind: 'removePath', name: 'other' }), 'paths:\n  # the camera\n  cam:\n    # who reads\n    readUser: a\n    readPass: b\n  all:\n');
    assert.equal(editConfText(text, { kind: 'removePath', name: 'absent' }), text, 'a path only the environment defines is not in the file');
  });
});

describe('writeConfEdit', () => {
  it('replaces the file atomically through a temporary file, keeping its permissions, and follows a symbolic link', async () => {
    const dir = tempDir();
    const file = join(dir, 'real.yml');
    writeFileSync(file, 'logLevel: info\n');
    chmodSync(file, 0o640);
    const link = join(dir, 'mediamtx.yml');
    symlinkSync(file, link);
    const inode = statSync(file).ino;
    await writeConfEdit({ path: link }, { kind: 'globals', values: { logLevel: 'debug' } });
    assert.equal(readFileSync(file, 'utf8'), 'logLevel: debug\n');
    assert.notEqual(statSync(file).ino, inode, 'a new file was renamed over the old one');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.deepEqual(readdirSync(dir).sort(), ['mediamtx.yml', 'real.yml'], 'no temporary file left');
  });

  it('writes an encrypted file back encrypted with the same key, never in clear', async () => {
    const dir = tempDir();
    const file = join(dir, 'mediamtx.yml');
    writeFileSync(file, encryptConf('# secret setup\nlogLevel: info\npaths:\n  cam:\n    readUser: u\n    readPass: Zz9Secret\n', 'k3y'));
    await writeConfEdit({ path: file, encryptionKey: 'k3y' }, { kind: 'path', name: 'cam', values: { readPass: 'N3wSecret' }, isNew: false });
    const stored = readFileSync(file, 'utf8');
    for (const clear of ['paths', 'readPass', 'Secret', 'logLevel']) assert.ok(!stored.includes(clear), `'${clear}' must not be in clear`);
    assert.equal(decryptConf(stored, 'k3y'), '# secret setup\nlogLevel: info\npaths:\n  cam:\n    readUser: u\n    readPass: N3wSecret\n');
    assert.equal(parseConf(stored, { MTX_CONFKEY: 'k3y' }).conf.paths.cam!.readPass, 'N3wSecret');
  });

  it('leaves the file alone when it is no longer valid YAML', async () => {
    const dir = tempDir();
    const file = join(dir, 'mediamtx.yml');
    writeFileSync(file, 'logLevel: [\n');
    await assert.rejects(writeConfEdit({ path: file }, { kind: 'globals', values: { logLevel: 'debug' } }), /not valid YAML/);
    assert.equal(readFileSync(file, 'utf8'), 'logLevel: [\n');
  });
});

describe('apiPersist with a running server', () => {
  const FILE = `${LISTENERS}\n# my server\napi: yes\napiPersist: yes\n\npaths:\n  # the camera\n  cam:\n`;

  it('writes accepted changes back, keeps comments, and a restart from the file has them', async () => {
    const file = join(tempDir(), 'mediamtx.yml');
    writeFileSync(file, FILE);
    const srv = await startAppFromFile(file);
    try {
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/add/added', { runOnReady: 'ffmpeg -i rtsp://localhost:$RTSP_PORT/$MTX_PATH -c copy x.ts' })).status, 200);
      assert.equal((await httpPost(srv.apiPort, '/v1/config/set', { logLevel: 'debug', readTimeout: '15s' })).status, 200);
      // readTimeout is one of the API server's settings: it restarts after answering (as MediaMTX's does), on a new
      // port here (port 0), so the next request waits for it.
      await waitFor(async () => srv.apiPort !== 0 && (await httpGet(srv.apiPort, '/v1/config/get').catch(() => undefined))?.status === 200,
        { timeoutMs: 5000, what: 'the API back after its restart' });
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/edit/cam', { readUser: 'u', readPass: 'p4ss' })).status, 200);
      assert.equal((await httpPost(srv.apiPort, '/v1/config/set', { readBufferCount: 500 })).status, 400, 'a refused change is not written');
      const text = readFileSync(file, 'utf8');
      assert.deepEqual(comments(text), comments(FILE));
      assert.deepEqual(loadConf({ path: file, env: {} }).conf, srv.app.currentConf, 'the file says what is in force');
      assert.match(text, /^logLevel: debug$/m);
      assert.match(text, /^readTimeout: 15s$/m);
    } finally {
      await srv.close();
    }
    const again = await startAppFromFile(file);
    try {
      assert.deepEqual(Object.keys(again.app.currentConf.paths), ['cam', 'added']);
      assert.equal(again.app.currentConf.paths.cam!.readPass, 'p4ss');
    } finally {
      await again.close();
    }
  });

  it('writes nothing without apiPersist', async () => {
    const file = join(tempDir(), 'mediamtx.yml');
    writeFileSync(file, FILE.replace('apiPersist: yes', 'apiPersist: no'));
    const srv = await startAppFromFile(file);
    try {
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/add/added', {})).status, 200);
      assert.equal(readFileSync(file, 'utf8'), FILE.replace('apiPersist: yes', 'apiPersist: no'));
    } finally {
      await srv.close();
    }
  });

  it('keeps an encrypted configuration encrypted (MTX_CONFKEY)', async () => {
    const file = join(tempDir(), 'mediamtx.yml');
    writeFileSync(file, encryptConf(FILE, 'the key'));
    const env = { MTX_CONFKEY: 'the key' };
    const srv = await startAppFromFile(file, env);
    try {
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/add/added', { readUser: 'u', readPass: 'Pl41nText' })).status, 200);
      const stored = readFileSync(file, 'utf8');
      assert.ok(!stored.includes('Pl41nText') && !stored.includes('added'), 'nothing in clear');
      assert.equal(loadConf({ path: file, env }).conf.paths.added!.readPass, 'Pl41nText');
      assert.ok(srv.lines.some((l) => /\[API\] change written to .* \(encrypted\)/.test(l)));
      assert.ok(!srv.lines.some((l) => l.includes('the key')), 'the key is never logged');
      assert.ok(!(await httpGet(srv.apiPort, '/v1/config/get')).text.includes('the key'), 'nor shown');
    } finally {
      await srv.close();
    }
  });
});
