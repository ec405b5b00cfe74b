import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket, parseRtpPacket, type Media, type RtpPacket } from '../../formats/index.ts';
import { RtcpMapping, RtcpSender, parseRtcpPackets, readInterleavedFrame, sharedInterleavedFrame, sharedInterleavedFrames } from '../../protocols/rtsp/index.ts';
import { RtspFeedWriter, rtspFeedKey, type RtspFeedTrack } from './rtsp-fanout.ts';

const video: Media = { kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] };
const audio: Media = { kind: 'audio', formats: [{ codec: 'mpeg4Audio', payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, params: new Map() }] };
const V: RtspFeedTrack = { index: 0, media: video, rtpChannel: 0, rtcpChannel: 1 };
const A: RtspFeedTrack = { index: 1, media: audio, rtpChannel: 2, rtcpChannel: 3 };

const pkt = (seq: number, ssrc: number, timestamp: number, marker = false): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc, payload: Buffer.from([0x65, seq & 0xff, 1, 2, 3]) });

/** The interleaved frames of a record's bytes, as [channel, what: 'rtp <seq>' | RTCP type]. */
function frames(body: Buffer): [number, string][] {
  const out: [number, string][] = [];
  let rest = body;
  while (rest.length > 0) {
    const f = readInterleavedFrame(rest);
    assert.ok(f, 'a whole interleaved frame');
    const odd = f.channel % 2 === 1;
    out.push([f.channel, odd ? parseRtcpPackets(f.payload).map((p) => p.type).join('+') : `rtp ${parseRtpPacket(f.payload).sequenceNumber}`]);
    rest = rest.subarray(f.size);
  }
  return out;
}

describe('rtspFeedKey', () => {
  it('is the same for the same packet size, medias and channels, whatever their order', () => {
    assert.equal(rtspFeedKey(1472, [V, A]), rtspFeedKey(1472, [A, V]));
    assert.equal(rtspFeedKey(1472, [V, A]), '1472|0:0/1,1:2/3');
  });

  it('differs with the packet size, the medias set up, or their channels', () => {
    const keys = [
      rtspFeedKey(1472, [V, A]), rtspFeedKey(1200, [V, A]), rtspFeedKey(1472, [V]), rtspFeedKey(1472, [A]),
      rtspFeedKey(1472, [{ ...V, rtpChannel: 2, rtcpChannel: 3 }, { ...A, rtpChannel: 0, rtcpChannel: 1 }]),
      rtspFeedKey(1472, [V, { ...A, rtcpChannel: 5 }]),
    ];
    assert.equal(new Set(keys).size, keys.length, keys.join('  '));
  });
});

describe('RtspFeedWriter', () => {
  it('writes one record per unit, its packets\' shared interleaved frames in one piece, a Sender Report before each media\'s first packet', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
    const records: (Buffer | readonly Buffer[])[] = [];
    const lazy: boolean[] = [];
    const w = new RtspFeedWriter([V, A], (b, l) => { records.push(b); lazy.push(l); });
    const v1 = [pkt(10, 0xaa, 9000), pkt(11, 0xaa, 9000), pkt(12, 0xaa, 9000, true)];
    w.unit(V, { rtpPackets: v1, ntp: new Date(999_900) });
    const v2 = [pkt(13, 0xaa, 12600, true)];
    w.unit(V, { rtpPackets: v2 });
    w.unit(A, { rtpPackets: [pkt(50, 0xbb, 4800)] });
    w.unit(V, { rtpPackets: [] }); // nothing to send: no record
    w.unit(A, {});
    assert.equal(records.length, 3);
    assert.deepEqual(lazy, [false, false, true], 'audio may wait for the next video frame on the shards; video may not');
    assert.ok(records.every((r) => Array.isArray(r)), 'units go as pieces');
    const first = records[0] as readonly Buffer[];
    // The packets' frames are the bytes readers here write (joined once per unit and channel), not copies.
    assert.equal(first.length, 2, 'the report, then the frame\'s packets');
    assert.equal(first[1], sharedInterleavedFrames(0, v1));
    assert.equal((records[1] as readonly Buffer[])[0], sharedInterleavedFrame(0, v2[0]!.raw), 'a one-packet unit: that packet\'s frame');
    assert.deepEqual(records.map((r) => frames(Buffer.concat(r as readonly Buffer[]))), [
      [[1, 'sr'], [0, 'rtp 10'], [0, 'rtp 11'], [0, 'rtp 12']],
      [[0, 'rtp 13']],
      [[3, 'sr'], [2, 'rtp 50']],
    ]);
    // Every 5 s a report per media, each a record of its own on the media's RTCP channel.
    t.mock.timers.tick(5000);
    assert.deepEqual(records.slice(3).map((r) => frames(Buffer.isBuffer(r) ? r : Buffer.concat(r))), [[[1, 'sr']], [[3, 'sr']]]);
    assert.deepEqual(lazy.slice(3), [false, false], 'reports do not wait');
    w.close();
    t.mock.timers.tick(5000);
    assert.equal(records.length, 5, 'no report after close');
    // BYEs name each media's SSRC, on its RTCP channel.
    assert.deepEqual(w.byes().map((b) => [b.channel, parseRtcpPackets(b.packet)]), [[1, [{ type: 'bye', ssrcs: [0xaa] }]], [3, [{ type: 'bye', ssrcs: [0xbb] }]]]);
  });

  it('has no BYE for a media that sent nothing', () => {
    const w = new RtspFeedWriter([V, A], () => undefined);
    assert.deepEqual(w.byes(), []);
    w.unit(A, { rtpPackets: [pkt(1, 7, 0)] });
    assert.deepEqual(w.byes().map((b) => b.channel), [3]);
    w.close();
  });

  it('reports with the mapping it shares with the readers\' senders: a reader that moves to the feed sees the same RTP time', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 2_000_000 });
    const mapping = new RtcpMapping(48000);
    // A reader here sent the first audio units (the first arrived 80 ms after its capture, the next 20 ms after).
    const session = new RtcpSender(48000, mapping);
    session.onPacketSent(pkt(1, 0xbb, 0), 2_000_000, 2_000_000 - 80);
    session.onPacketSent(pkt(2, 0xbb, 1024), 2_000_000, 2_000_000 - 80 + 21.333 + 20 - 80);
    const records: Buffer[] = [];
    const w = new RtspFeedWriter([A], (b) => records.push(Buffer.isBuffer(b) ? b : Buffer.concat(b)), () => mapping);
    w.unit(A, { rtpPackets: [pkt(3, 0xbb, 2048)], ntp: new Date(2_000_000 + 42.667 - 60) });
    const sr = parseRtcpPackets(readInterleavedFrame(records[0]!)!.payload)[0]!;
    const own = parseRtcpPackets(session.senderReport(Date.now())!)[0]!;
    assert.ok(sr.type === 'sr' && own.type === 'sr');
    assert.equal(sr.rtpTime, own.rtpTime);
    w.close();
  });
});
