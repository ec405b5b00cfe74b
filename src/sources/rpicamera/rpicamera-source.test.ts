import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x264FixtureAccessUnits } from '../../../test/support/h264-fixture.ts';
import { fakeSourceContext, until } from '../../../test/support/source-context.ts';
import { RpiCameraSource } from './rpicamera-source.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A folder holding one executable shell script named `name`; returns the folder (a PATH for the source). */
function toolDir(name: string, script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rpicam-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/** The x264 fixture as an Annex-B file in `dir`. */
function annexBFile(dir: string): string {
  const file = join(dir, 'video.h264');
  writeFileSync(file, Buffer.concat(x264FixtureAccessUnits().flat().flatMap((n) => [Buffer.from([0, 0, 0, 1]), n])));
  return file;
}

describe('RpiCameraSource', () => {
  it('fails with one clear reason when no camera tool is on PATH', async () => {
    const { ctx } = fakeSourceContext('rpiCamera');
    await assert.rejects(new RpiCameraSource({ searchPath: toolDir('other', 'exit 0') }).run(ctx), /neither rpicam-vid nor libcamera-vid was found on PATH: install rpicam-apps/);
  });

  it('fails with the end of the tool\'s stderr when it exits', async () => {
    const dir = toolDir('rpicam-vid', 'echo "[0:00:01.123456789] [4321]  INFO Camera camera_manager.cpp:325 libcamera v0.3.0" >&2\necho "ERROR: *** no cameras available ***" >&2\nexit 1');
    const { ctx } = fakeSourceContext('rpiCamera');
    await assert.rejects(new RpiCameraSource({ searchPath: dir }).run(ctx), /^Error: rpicam-vid exited with code 1: INFO Camera camera_manager.cpp:325 libcamera v0.3.0 \| ERROR: \*\*\* no cameras available \*\*\*$/);
  });

  it('runs libcamera-vid when rpicam-vid is absent, with the options of the path, and streams its H264', async () => {
    const dir = toolDir('libcamera-vid', '');
    const argsFile = join(dir, 'args.txt');
    writeFileSync(join(dir, 'libcamera-vid'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${argsFile}\ncat ${annexBFile(dir)}\nexec sleep 30\n`);
    const { ctx, record, abort } = fakeSourceContext('rpiCamera', 'rpiCameraWidth: 64\nrpiCameraHeight: 64\nrpiCameraFPS: 25');
    const run = new RpiCameraSource({ searchPath: dir }).run(ctx);
    const aus = x264FixtureAccessUnits();
    // The last access unit stays in the splitter: nothing after it says it is complete.
    await until(() => (record.units.get('h264')?.length ?? 0) === aus.length - 1, 'every access unit but the last');
    assert.match(readFileSync(argsFile, 'utf8'), /--width\n64\n--height\n64\n[^]*--framerate\n25\n/);
    assert.equal(record.readies.length, 1);
    const format = record.readies[0]!.medias[0]!.formats[0]!;
    assert.equal(format.codec, 'h264');
    const units = record.units.get('h264')!;
    assert.equal(units[0]!.randomAccess, true);
    assert.ok(units.every((u, i) => i === 0 || u.pts > units[i - 1]!.pts), 'pts strictly increase');
    abort.abort();
    await run;
  });

  it('kills a tool that ignores SIGINT after the grace period', async () => {
    const dir = toolDir('rpicam-vid', '');
    const ready = join(dir, 'ready');
    writeFileSync(join(dir, 'rpicam-vid'), `#!/bin/sh\ntrap '' INT\ntouch ${ready}\nexec sleep 30\n`);
    const { ctx, record, abort } = fakeSourceContext('rpiCamera');
    const run = new RpiCameraSource({ searchPath: dir, killGraceMs: 200 }).run(ctx);
    await until(() => existsSync(ready), 'the tool to ignore SIGINT');
    const t0 = Date.now();
    abort.abort();
    await run;
    assert.ok(Date.now() - t0 < 2000, 'stopped soon after the grace period');
    assert.ok(record.lines.some((l) => /did not stop after SIGINT in 200 ms, killing it/.test(l)), record.lines.join('\n'));
  });

  it('stops the tool and fails when its output is not H264 within the limits', async () => {
    const dir = toolDir('rpicam-vid', "printf '\\000\\000\\000\\001\\145'\nhead -c 9000000 /dev/zero | tr '\\000' U\nexec sleep 30");
    const { ctx } = fakeSourceContext('rpiCamera');
    await assert.rejects(new RpiCameraSource({ searchPath: dir, killGraceMs: 200 }).run(ctx), /H264 NAL unit larger than/);
  });
});
