import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRun, run, start, waitFor } from '../support/process.ts';
import { udpPortBound } from '../support/ports.ts';
import { MjpegDepacketizer, MjpegPacketizer, parseRtpPacket } from '../../src/formats/index.ts';

const FRAMES = 10;

/** Video frame MD5s FFmpeg decodes from `input` (extra input args before -i). */
async function frameMd5s(inputArgs: string[]): Promise<string[]> {
  const r = await run('ffmpeg', ['-nostdin', '-v', 'error', ...inputArgs, '-frames:v', String(FRAMES), '-f', 'framemd5', '-'], { timeoutMs: 30_000 });
  return r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

/** Splits a concatenation of JPEG frames (FFmpeg's -f mjpeg output) at each SOI that follows an EOI. */
function splitJpegs(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 2; i + 3 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xd9 && b[i + 2] === 0xff && b[i + 3] === 0xd8) { out.push(b.subarray(start, i + 2)); start = i + 2; }
  }
  out.push(b.subarray(start));
  return out;
}

describe('M-JPEG over RTP (RFC 2435) with FFmpeg as the peer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mjpeg-'));
  const source = join(dir, 'src.mjpeg');
  after(() => rmSync(dir, { recursive: true, force: true })); // also when a test failed

  it('makes the test frames', async () => {
    const r = await run('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', String(FRAMES),
      '-c:v', 'mjpeg', '-huffman', '0', '-q:v', '4', '-pix_fmt', 'yuvj420p', '-f', 'mjpeg', source], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeRun('ffmpeg', r));
    assert.equal(splitJpegs(readFileSync(source)).length, FRAMES, `JPEG frames in ${source}`);
  });

  it('FFmpeg sends RTP/JPEG; the frames we rebuild decode to the same pictures', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const port = sock.address().port;
    const d = new MjpegDepacketizer();
    const jpegs: Buffer[] = [];
    const errors: string[] = [];
    sock.on('message', (m) => {
      try { for (const f of d.push(parseRtpPacket(m))) jpegs.push(f.jpeg); } catch (e) { errors.push((e as Error).message); }
    });
    const send = start('ffmpeg', ['-nostdin', '-v', 'error', '-re', '-i', source, '-c', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${port}`], { timeoutMs: 30_000 });
    const sent = await send.done;
    try {
      // Every packet is in this socket's queue once FFmpeg has exited; wait until they are handled (the depacketizer
      // gives a frame at each RTP marker) rather than for a fixed time.
      await waitFor(() => jpegs.length >= FRAMES || errors.length > 0, {
        timeoutMs: 5000, what: `${FRAMES} frames rebuilt`, detail: () => `rebuilt ${jpegs.length}, errors ${JSON.stringify(errors)}\n${describeRun('ffmpeg', sent)}`,
      });
    } finally {
      sock.close();
    }
    assert.deepEqual(errors, [], `depacketizer errors after ${jpegs.length} frames`);
    assert.ok(jpegs.length >= FRAMES - 1, `rebuilt ${jpegs.length} frames\n${describeRun('ffmpeg', sent)}`);
    const rebuilt = join(dir, 'rebuilt.mjpeg');
    writeFileSync(rebuilt, Buffer.concat(jpegs));
    const want = await frameMd5s(['-i', source]);
    const got = await frameMd5s(['-f', 'mjpeg', '-i', rebuilt]);
    assert.ok(got.length >= FRAMES - 1, `FFmpeg decoded ${got.length} of the ${jpegs.length} rebuilt frames`);
    assert.ok(got.every((m) => want.includes(m)), `every rebuilt picture equals a source picture: ${got.filter((m) => !want.includes(m)).length} of ${got.length} differ`);
  });

  it('we send RTP/JPEG; FFmpeg decodes the same pictures', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', r));
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(r)); // FFmpeg listens here; a port just freed on loopback inside the test's namespace
    const sdp = join(dir, 'in.sdp');
    writeFileSync(sdp, `v=0\no=- 0 0 IN IP4 127.0.0.1\ns=test\nc=IN IP4 127.0.0.1\nt=0 0\nm=video ${port} RTP/AVP 26\na=rtpmap:26 JPEG/90000\n`);
    const recv = start('ffmpeg', ['-nostdin', '-v', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', sdp, '-frames:v', String(FRAMES - 2), '-f', 'framemd5', '-'], { timeoutMs: 30_000 });
    // FFmpeg must have bound its port before the first packet goes out: watched in /proc/net/udp, not guessed.
    await waitFor(() => udpPortBound(port) || recv.child.exitCode !== null, { timeoutMs: 15_000, what: `FFmpeg to bind UDP port ${port}`, detail: () => recv.output().stderr });
    const out = createSocket('udp4');
    const p = new MjpegPacketizer(26, 1400);
    const frames = splitJpegs(readFileSync(source));
    for (const [i, f] of frames.entries()) {
      for (const pkt of p.packetize(f, i * 3600)) out.send(pkt.raw, port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 40));
    }
    const r = await recv.done;
    out.close();
    const got = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
    const want = await frameMd5s(['-i', source]);
    assert.ok(got.length >= FRAMES - 2, `FFmpeg decoded ${got.length} of ${FRAMES} frames sent\n${describeRun('ffmpeg', r)}`);
    assert.ok(got.every((m) => want.includes(m)), `every decoded picture equals a source picture: ${got.filter((m) => !want.includes(m)).length} of ${got.length} differ`);
  });
});
