import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, probeAndDecode } from '../support/media.ts';
import { publishHevcRaw, x265AccessUnits } from '../support/rtmp-raw-publisher.ts';
import { playRtmpMessages } from '../support/rtmp-raw-player.ts';
import { describeRun, describeRunning, run, tail } from '../support/process.ts';
import { avccToNalus, nalusToAnnexB, parseHevcConfig } from '../../src/codecs/index.ts';
import { RtmpMessageType, parseFlvVideo } from '../../src/protocols/rtmp/index.ts';

// Debian's FFmpeg 5.1 and GStreamer 1.22 predate Enhanced RTMP, so the RTMP side of these tests is our own minimal
// client; the other side, and the decoding of what our client received, are FFmpeg.
describe('H265 over Enhanced RTMP', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server?.stop(); });

  it('an Enhanced RTMP H265 publisher is read and decoded by FFmpeg over RTSP', async () => {
    // 10 s of H265, looped until the test ends (loop: true), so a slow reader never sees the publisher leave.
    const pub = publishHevcRaw(server.ports.rtmp, 'live', 'hevcin', x265AccessUnits(250), { loop: true });
    try {
      await server.waitForLog(/\[path live\/hevcin\] stream is ready.*H265/, 15_000);
      const d = await probeAndDecode(server.url('live/hevcin'));
      assert.deepEqual(d.codecs, ['hevc'], `${d.detail}\n${logTail(server)}`);
      assert.ok(d.frames >= 25, `${d.detail}\n${logTail(server)}`);
    } finally {
      pub.socket.destroy();
    }
  });

  for (const video of ['hevc', 'hevcbframes'] as const) {
    it(`an RTSP H265 publisher (FFmpeg${video === 'hevcbframes' ? ', B-frames' : ''}) is sent to RTMP readers as Enhanced RTMP that FFmpeg decodes, DTS increasing`, async () => {
      const pub = ffmpegPublish(server.url(`hevcout${video}`), { video, seconds: 300 }); // stopped in finally
      try {
        await server.waitForLog(new RegExp(`\\[path hevcout${video}\\] stream is ready`), 15_000);
        const parts: Buffer[] = [];
        let frames = 0;
        let keyFirst: boolean | undefined;
        const dts: number[] = [];
        let ctsSeen = false;
        await playRtmpMessages(server.ports.rtmp, `hevcout${video}`, '', (m) => {
          if (m.type !== RtmpMessageType.Video) return false;
          const v = parseFlvVideo(m.body);
          if (v.kind === 'frame' && v.codec === 'h265') { dts.push(m.timestamp); if (v.compositionTimeMs < 0) throw new Error('negative composition time'); ctsSeen ||= v.compositionTimeMs > 0; }
          if (v.kind === 'config' && v.codec === 'h265') { const c = parseHevcConfig(v.config); parts.push(nalusToAnnexB([c.vps, c.sps, c.pps])); }
          if (v.kind === 'frame' && v.codec === 'h265') { keyFirst ??= v.isKeyframe; parts.push(nalusToAnnexB(avccToNalus(v.data))); frames++; }
          return frames >= 50;
        }, 20_000).catch((e: Error) => { throw new Error(`${e.message}: ${frames} H265 frames\n${describeRunning('publisher', pub)}\n${logTail(server)}`); });
        assert.equal(keyFirst, true, `the first frame is a keyframe (${frames} frames received)`);
        const file = join(server.dir, 'got.hevc');
        writeFileSync(file, Buffer.concat(parts));
        const r = await run('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'hevc', '-i', file, '-f', 'framecrc', '-'], { timeoutMs: 20_000 });
        const decoded = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
        assert.equal(r.stderr, '', `FFmpeg decodes without errors:\n${tail(r.stderr)}`);
        assert.equal(decoded, 50, `FFmpeg decoded ${decoded} of the 50 frames received\n${describeRun('ffmpeg', r)}`);
        assert.ok(dts.every((t, i) => i === 0 || t > dts[i - 1]!), `DTS not increasing: ${dts.join(',')}`);
        if (video === 'hevcbframes') assert.ok(ctsSeen, `B-frames give PTS after DTS: no positive composition time in ${frames} frames`);
      } finally {
        await pub.stop();
      }
    });
  }
});
