import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { H264Depacketizer, H264Packetizer, buildRtpPacket, h264Format, parseRtpPacket, parseSdp, sdpToDescription, type Description, type Media, type RtpPacket } from '../formats/index.ts';
import { Logger } from '../lib/index.ts';
import { Stream } from './stream.ts';
import { StreamReader, type ReaderEntries } from './stream-reader.ts';
import type { Unit } from './unit.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const SPS = hex('6742c01e95a0508a');
const PPS = hex('68ce3c80');
const IDR = Buffer.concat([hex('65'), Buffer.alloc(5000, 7)]);
const SLICE = Buffer.concat([hex('41'), Buffer.alloc(300, 9)]);
// RFC 6184 §5.7.1: SPS and PPS in one STAP-A (NRI 3, type 24), each behind its 16-bit size.
const STAP_A_SPS_PPS = Buffer.concat([hex('78 0008'), SPS, hex('0004'), PPS]);
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function h264Stream(): { stream: Stream; media: Media; desc: Description } {
  const format = h264Format(96, SPS, PPS);
  const media: Media = { kind: 'video', formats: [format] };
  const desc: Description = { medias: [media] };
  return { stream: new Stream(desc), media, desc };
}

interface ReaderOptions { rtpSize?: number; fromPayloads?: boolean; frames?: boolean; fromGop?: boolean; entries?: ReaderEntries }

/** A reader that records what it gets: units as written, or RTP of at most `rtpSize` bytes. */
function reader(stream: Stream, media: Media, o: ReaderOptions = {}): { units: Unit[]; packets: RtpPacket[]; reader: StreamReader } {
  const units: Unit[] = [];
  const packets: RtpPacket[] = [];
  const rtp = o.rtpSize ? { rtp: { maxPacketSize: o.rtpSize, fromPayloads: o.fromPayloads === true, frames: o.frames === true } } : {};
  const r = new StreamReader({ queueSize: 1024, log: Logger.silent(), ...(o.entries ? { entries: o.entries } : {}), ...rtp });
  r.onData(media, media.formats[0]!, (u) => { units.push(u); packets.push(...(u.rtpPackets ?? [])); });
  stream.addReader(r, { fromGop: o.fromGop === true });
  return { units, packets, reader: r };
}

/** An access unit as an RTMP publisher writes it: payload, no RTP. */
const au = (pts: number, nalus: Buffer[], randomAccess = false): Unit<'h264'> => ({ pts, payload: nalus, randomAccess });

describe('Stream RTP on demand', () => {
  it('makes no RTP at all for a stream written without RTP and read by readers of units (RTMP → RTMP)', async () => {
    const { stream, media } = h264Stream();
    const rtmp = reader(stream, media, { entries: 'frames' });
    stream.writeUnit(media, media.formats[0]!, au(0, [IDR], true));
    stream.writeUnit(media, media.formats[0]!, au(3600, [SLICE]));
    await nextTurn();
    assert.equal(rtmp.units.length, 2);
    assert.ok(rtmp.units.every((u) => u.rtpPackets === undefined), 'units carry no packets');
    assert.deepEqual(stream.snapshot().formats[0]!.rtpOutputs, [], 'no RTP output exists');
  });

  it('packetizes once per unit and size, the same packets for every reader of that size (RTMP → RTSP, WebRTC)', async () => {
    const { stream, media } = h264Stream();
    const [a, b] = [reader(stream, media, { rtpSize: 1472 }), reader(stream, media, { rtpSize: 1472 })];
    const small = reader(stream, media, { rtpSize: 1200 });
    stream.writeUnit(media, media.formats[0]!, au(0, [IDR], true));
    await nextTurn();
    assert.ok(a.packets.length >= 4 && a.packets.every((p) => p.raw.length <= 1472));
    assert.equal(a.packets.length, b.packets.length);
    a.packets.forEach((p, i) => assert.equal(p, b.packets[i], `packet ${i} is one object for both readers`));
    assert.ok(small.packets.every((p) => p.raw.length <= 1200) && small.packets.length > a.packets.length);
    assert.equal(a.units[0], b.units[0], 'one unit object for both readers');
    const outputs = stream.snapshot().formats[0]!.rtpOutputs;
    assert.deepEqual(outputs.map((o) => [o.maxPacketSize, o.mode, o.readers, o.packetsEncoded]), [[1472, 'encode', 2, a.packets.length], [1200, 'encode', 1, small.packets.length]]);
    // The remuxer put the parameter sets before the IDR, so RTSP readers joining at it can decode: in one STAP-A.
    assert.deepEqual(a.packets[0]!.payload, STAP_A_SPS_PPS, `first packet ${a.packets[0]!.payload.toString('hex')}`);
  });

  it('stops packetizing for a size once its last reader leaves', async () => {
    const { stream, media } = h264Stream();
    const rtsp = reader(stream, media, { rtpSize: 1472 });
    const rtmp = reader(stream, media, { entries: 'frames' });
    stream.writeUnit(media, media.formats[0]!, au(0, [SLICE]));
    stream.removeReader(rtsp.reader);
    stream.writeUnit(media, media.formats[0]!, au(3600, [SLICE]));
    await nextTurn();
    assert.equal(rtsp.units.length, 1);
    assert.equal(rtmp.units.length, 2);
    assert.deepEqual(stream.snapshot().formats[0]!.rtpOutputs, []);
    assert.equal(rtmp.units[1]!.rtpPackets, undefined);
  });

  it("forwards an RTP publisher's packets untouched while they fit, each its own unit (RTSP → RTSP)", async () => {
    const { stream, media } = h264Stream();
    const rtsp = reader(stream, media, { rtpSize: 1472 });
    const sent = new H264Packetizer(96, 1400).packetize([SPS, PPS, IDR], 9000).map((p) => parseRtpPacket(p.raw));
    for (const p of sent) assert.equal(stream.writeRtpPacket(media, media.formats[0]!, p, new Date()), undefined);
    await nextTurn();
    assert.equal(rtsp.units.length, sent.length);
    rtsp.packets.forEach((p, i) => assert.equal(p, sent[i], `packet ${i} forwarded as received`));
    const last = rtsp.units[rtsp.units.length - 1]!;
    assert.deepEqual(last.payload, [SPS, PPS, IDR], 'the packet completing the access unit carries it');
    assert.equal(last.randomAccess, true);
    assert.equal(stream.snapshot().formats[0]!.rtpOutputs[0]!.mode, 'passthrough');
  });

  it('gives readers of whole frames (RTSP over TCP) a video access unit\'s packets in one unit, from the same output', async () => {
    const { stream, media } = h264Stream();
    const perPacket = reader(stream, media, { rtpSize: 1472 });
    const frames = reader(stream, media, { rtpSize: 1472, frames: true });
    const write = (nalus: Buffer[], pts: number): RtpPacket[] => {
      const sent = new H264Packetizer(96, 1400).packetize(nalus, pts).map((p) => parseRtpPacket(p.raw));
      for (const p of sent) stream.writeRtpPacket(media, media.formats[0]!, p, new Date());
      return sent;
    };
    const idr = write([SPS, PPS, IDR], 9000);
    const slice = write([SLICE], 12000);
    await nextTurn();
    assert.ok(idr.length >= 4);
    assert.equal(perPacket.units.length, idr.length + slice.length, 'one unit per packet for the others');
    assert.equal(frames.units.length, 2, 'one unit per access unit');
    assert.deepEqual(frames.units[0]!.rtpPackets, idr, 'the publisher\'s packets, untouched and in order');
    assert.equal(frames.units[0]!.randomAccess, true);
    assert.deepEqual(frames.units[1]!.rtpPackets, slice);
    assert.equal(frames.units[1]!.rtpPackets![0], perPacket.packets[idr.length], 'the same packet objects as the per-packet readers get');
    assert.equal(stream.snapshot().formats[0]!.rtpOutputs.length, 1, 'one output for both kinds of reader');
    assert.equal(stream.snapshot().formats[0]!.rtpOutputs[0]!.readers, 2);
    // Half a frame waits for its end; a reader that leaves lets it go, and the output goes with its last reader.
    const half = new H264Packetizer(96, 1400).packetize([IDR], 15000).map((p) => parseRtpPacket(p.raw));
    stream.writeRtpPacket(media, media.formats[0]!, half[0]!, new Date());
    await nextTurn();
    assert.equal(frames.units.length, 2);
    stream.removeReader(frames.reader);
    stream.removeReader(perPacket.reader);
    assert.deepEqual(stream.snapshot().formats[0]!.rtpOutputs, []);
  });

  it('gives readers of whole frames the audio units one by one', async () => {
    const format = { codec: 'mpeg4Audio' as const, payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, params: new Map<string, string>() };
    const media: Media = { kind: 'audio', formats: [format] };
    const stream = new Stream({ medias: [media] });
    const frames = reader(stream, media, { rtpSize: 1472, frames: true });
    for (let i = 0; i < 3; i++) {
      stream.writeRtpPacket(media, format, parseRtpPacket(buildRtpPacket({ marker: false, payloadType: 97, sequenceNumber: i, timestamp: i * 1024, ssrc: 1, payload: Buffer.from([0, 16, 0, 8, 1]) }).raw), new Date());
    }
    await nextTurn();
    assert.deepEqual(frames.units.map((u) => u.rtpPackets!.map((p) => p.sequenceNumber)), [[0], [1], [2]]);
  });

  it('re-packetizes once a packet exceeds the size, and stays so; other sizes and readers of units are not affected', async () => {
    const { stream, media } = h264Stream();
    const udp = reader(stream, media, { rtpSize: 1000 });
    const big = reader(stream, media, { rtpSize: 8000 });
    const units = reader(stream, media);
    const write = (nalus: Buffer[], pts: number): RtpPacket[] => {
      const sent = new H264Packetizer(96, 4000).packetize(nalus, pts).map((p) => parseRtpPacket(p.raw));
      for (const p of sent) stream.writeRtpPacket(media, media.formats[0]!, p, new Date());
      return sent;
    };
    const first = write([IDR], 9000);
    await nextTurn();
    const sent1 = udp.packets.splice(0);
    assert.ok(sent1.length >= 6 && sent1.every((p) => p.raw.length <= 1000), `sizes ${sent1.map((p) => p.raw.length).join(',')}`);
    assert.deepEqual(sent1[0]!.payload, STAP_A_SPS_PPS, 'parameter sets before the IDR, in one STAP-A');
    assert.deepEqual(big.packets, first, 'packets that fit 8000 bytes still pass through');
    assert.deepEqual(units.packets, first, 'readers of units get the units as written');
    // A small access unit afterwards is re-packetized too (one sequence numbering for readers).
    write([SLICE], 12000);
    await nextTurn();
    const sent2 = udp.packets.splice(0);
    assert.equal(sent2.length, 1);
    assert.equal(sent2[0]!.sequenceNumber, (sent1[sent1.length - 1]!.sequenceNumber + 1) & 0xffff);
    assert.equal(sent2[0]!.timestamp, 12000);
    // A reader of that size joining now starts re-packetized.
    const late = reader(stream, media, { rtpSize: 1000 });
    write([SLICE], 15000);
    await nextTurn();
    assert.equal(late.packets.length, 1);
    assert.equal(late.packets[0], udp.packets[0], 'the same output as the first reader of that size');
  });

  it('serves readers of RTP made from payloads (WebRTC) from the GOP cache: packets made once for all, then live', async () => {
    const { stream, media } = h264Stream();
    const f = media.formats[0]!;
    stream.writeUnit(media, f, au(0, [IDR], true));
    stream.writeUnit(media, f, au(3600, [SLICE]));
    const a = reader(stream, media, { rtpSize: 1212, fromPayloads: true, fromGop: true, entries: 'frames' });
    const rtsp = reader(stream, media, { rtpSize: 1212, fromGop: true });
    await nextTurn();
    assert.deepEqual(a.units.map((u) => u.pts), [0, 3600], 'the GOP from its key frame');
    assert.ok(a.packets.length > 4 && a.packets.every((p) => p.raw.length <= 1212), `sizes ${a.packets.map((p) => p.raw.length).join(',')}`);
    assert.deepEqual(a.packets[0]!.payload, STAP_A_SPS_PPS, 'parameter sets first');
    assert.equal(rtsp.units.length, 0, 'a reader of the numbered packets (RTSP) starts live');
    const b = reader(stream, media, { rtpSize: 1212, fromPayloads: true, fromGop: true, entries: 'frames' });
    stream.writeUnit(media, f, au(7200, [SLICE]));
    await nextTurn();
    await nextTurn();
    assert.deepEqual(b.units.map((u) => u.pts), [0, 3600, 7200], 'the second viewer: the GOP, then live');
    assert.deepEqual(a.units.map((u) => u.pts), [0, 3600, 7200], 'the first viewer: live');
    assert.equal(b.packets.length, a.packets.length);
    b.packets.forEach((p, i) => assert.equal(p, a.packets[i], `packet ${i} is one object for both viewers`));
    assert.deepEqual(rtsp.units.map((u) => u.pts), [7200]);
    assert.notEqual(rtsp.packets[0], a.packets.at(-1), 'RTSP readers have an output of their own');
    const outputs = stream.snapshot().formats[0]!.rtpOutputs;
    assert.deepEqual(outputs.map((o) => [o.maxPacketSize, o.mode, o.readers]), [[1212, 'encode', 2], [1212, 'encode', 1]]);
  });

  it("packetizes an RTP publisher's access units for readers from payloads, even when its packets would fit", async () => {
    const { stream, media } = h264Stream();
    const webrtc = reader(stream, media, { rtpSize: 1212, fromPayloads: true, entries: 'frames' });
    const sent = new H264Packetizer(96, 1000).packetize([SPS, PPS, IDR], 9000).map((p) => parseRtpPacket(p.raw));
    for (const p of sent) stream.writeRtpPacket(media, media.formats[0]!, p, new Date());
    await nextTurn();
    assert.equal(webrtc.units.length, 1, 'one unit for the access unit, none for its other packets');
    assert.equal(webrtc.units[0]!.randomAccess, true);
    assert.ok(webrtc.packets.every((p) => !sent.includes(p)), "made by the stream, not the publisher's");
    const d = new H264Depacketizer();
    assert.deepEqual(webrtc.packets.flatMap((p) => d.push(p)).map((x) => x.nalus), [[SPS, PPS, IDR]], 'they carry the access unit');
  });

  it('reports an RTP decode error and still forwards the packet', async () => {
    const { stream, media } = h264Stream();
    const rtsp = reader(stream, media, { rtpSize: 1472 });
    const bad = parseRtpPacket(Buffer.concat([hex('80e0 0001 00000000 00000001'), hex('1f00')])); // NAL type 31: not H264 RTP
    assert.match(String(stream.writeRtpPacket(media, media.formats[0]!, bad, new Date())), /unsupported H264 RTP payload type/);
    await nextTurn();
    assert.deepEqual(rtsp.packets, [bad]);
    assert.equal(stream.stats.framesInError, 1);
  });
});

describe('Stream description kept current (format updater)', () => {
  const SDP = [
    'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=No Name', 't=0 0', 'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000',
    `a=fmtp:96 packetization-mode=1;sprop-parameter-sets=${SPS.toString('base64')},${PPS.toString('base64')};profile-level-id=42c01e`, '',
  ].join('\r\n');

  it("re-announces the publisher's fmtp text byte for byte while its parameter sets stay, and the new ones once they change", async () => {
    const { description } = sdpToDescription(parseSdp(SDP));
    const stream = new Stream(description);
    const media = description.medias[0]!;
    const fmtp = media.formats[0]!.fmtp;
    const send = (nalus: Buffer[], pts: number): void => {
      for (const p of new H264Packetizer(96, 1400).packetize(nalus, pts)) stream.writeRtpPacket(media, media.formats[0]!, parseRtpPacket(p.raw), new Date());
    };
    send([SPS, PPS, IDR], 0);
    assert.equal(stream.description.medias[0]!.formats[0]!.fmtp, fmtp);
    const sps2 = hex('6764001facd9');
    send([sps2, PPS, IDR], 3000);
    const f = stream.description.medias[0]!.formats[0]!;
    assert.equal(f.fmtp, `packetization-mode=1;sprop-parameter-sets=${sps2.toString('base64')},${PPS.toString('base64')};profile-level-id=64001F`);
    // A reader joining now gets the new parameter sets before the next IDR, from the format.
    const late = reader(stream, media);
    send([IDR], 6000);
    await nextTurn();
    assert.deepEqual(late.units.find((u) => u.payload !== undefined)?.payload, [sps2, PPS, IDR]);
  });
});

describe('Stream counters', () => {
  it('counts bytes in and out and each reader\'s drops, and gives them as plain data', async () => {
    const { stream, media } = h264Stream();
    const fast = reader(stream, media, { rtpSize: 1472 });
    const slow = new StreamReader({ queueSize: 1, log: Logger.silent(), rtp: { maxPacketSize: 1472 } });
    slow.onData(media, media.formats[0]!, () => new Promise<void>(() => undefined)); // never done
    stream.addReader(slow);
    const sent = new H264Packetizer(96, 1400).packetize([SLICE], 0).concat(new H264Packetizer(96, 1400).packetize([SLICE], 3000));
    for (const p of sent) stream.writeRtpPacket(media, media.formats[0]!, parseRtpPacket(p.raw), new Date());
    await nextTurn();
    const bytes = sent.reduce((n, p) => n + p.raw.length, 0);
    const snap = stream.snapshot();
    assert.equal(snap.bytesIn, bytes);
    assert.equal(fast.reader.bytesOut, bytes);
    assert.equal(snap.bytesOut, bytes + sent[0]!.raw.length, 'the slow reader took one packet');
    assert.deepEqual(snap.readers.map((r) => [r.entries, r.discarded, r.bytesOut]), [['packets', 0, bytes], ['packets', 1, sent[0]!.raw.length]]);
    assert.deepEqual(JSON.parse(JSON.stringify(snap)), snap, 'plain data');
    slow.close();
  });
});
