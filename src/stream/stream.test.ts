import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import type { Description, Format, Media } from '../formats/index.ts';
import { Stream } from './stream.ts';
import { StreamReader } from './stream-reader.ts';
import type { Unit } from './unit.ts';

const format: Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() };
const media: Media = { kind: 'video', formats: [format] };
const desc: Description = { medias: [media] };

function nextTurn(): Promise<void> { return new Promise((r) => setImmediate(r)); }

/** A unit carrying one RTP packet, as an RTSP source writes them. */
function packetUnit(pts: number): Unit {
  return { pts, rtpPackets: [{ marker: true, payloadType: 96, sequenceNumber: pts, timestamp: pts, ssrc: 1, payload: Buffer.alloc(0), raw: Buffer.alloc(12) }] };
}

describe('Stream', () => {
  it('delivers every unit to every reader in order', async () => {
    const stream = new Stream(desc);
    const got: number[][] = [[], []];
    for (const sink of got) {
      const r = new StreamReader({ queueSize: 16, log: Logger.silent() });
      r.onData(media, format, (u) => { sink.push(u.pts); });
      stream.addReader(r);
    }
    for (let i = 0; i < 10; i++) stream.writeUnit(media, format, { pts: i });
    await nextTurn();
    assert.deepEqual(got, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it('drops units when the reader queue is full and counts them', async () => {
    const stream = new Stream(desc);
    const got: number[] = [];
    const r = new StreamReader({ queueSize: 4, log: Logger.silent() });
    r.onData(media, format, (u) => { got.push(u.pts); });
    stream.addReader(r);
    for (let i = 0; i < 10; i++) stream.writeUnit(media, format, packetUnit(i));
    await nextTurn();
    assert.deepEqual(got, [0, 1, 2, 3]);
    assert.equal(r.discarded, 6, `discarded ${r.discarded}`);
    r.close();
  });

  it('never lets a slow reader delay a fast one', async () => {
    const stream = new Stream(desc);
    const fast: number[] = [];
    const slow = new StreamReader({ queueSize: 2, log: Logger.silent() });
    let release!: () => void;
    slow.onData(media, format, () => new Promise<void>((r) => { release = r; }));
    const quick = new StreamReader({ queueSize: 64, log: Logger.silent() });
    quick.onData(media, format, (u: Unit) => { fast.push(u.pts); });
    stream.addReader(slow);
    stream.addReader(quick);
    for (let i = 0; i < 20; i++) stream.writeUnit(media, format, packetUnit(i));
    await nextTurn();
    assert.equal(fast.length, 20);
    assert.ok(slow.discarded >= 17, `slow reader discarded ${slow.discarded}`);
    release();
    slow.close();
  });

  it('wraps each batch in beforeBatch/afterBatch', async () => {
    const events: string[] = [];
    const stream = new Stream(desc);
    const r = new StreamReader({ queueSize: 8, log: Logger.silent(), beforeBatch: () => events.push('cork'), afterBatch: () => events.push('uncork') });
    r.onData(media, format, (u) => { events.push(`u${u.pts}`); });
    stream.addReader(r);
    stream.writeUnit(media, format, { pts: 1 });
    stream.writeUnit(media, format, { pts: 2 });
    await nextTurn();
    assert.deepEqual(events, ['cork', 'u1', 'u2', 'uncork']);
  });

  it('lets lazy (audio) units wait for the next video unit, or until the third of them, and keeps the order', async () => {
    const audio: Format = { codec: 'g711', payloadType: 0, encoding: 'PCMU', clockRate: 8000, params: new Map() };
    const audioMedia: Media = { kind: 'audio', formats: [audio] };
    const stream = new Stream({ medias: [media, audioMedia] });
    const events: string[] = [];
    const eager: string[] = [];
    const r = new StreamReader({ queueSize: 16, log: Logger.silent(), beforeBatch: () => events.push('cork'), afterBatch: () => events.push('uncork') });
    r.onData(media, format, (u) => { events.push(`v${u.pts}`); });
    r.onData(audioMedia, audio, (u) => { events.push(`a${u.pts}`); }, { lazy: true });
    const other = new StreamReader({ queueSize: 16, log: Logger.silent() });
    other.onData(audioMedia, audio, (u) => { eager.push(`a${u.pts}`); });
    stream.addReader(r);
    stream.addReader(other);
    const pcm = { payload: Buffer.alloc(1) };
    stream.writeUnit(audioMedia, audio, { pts: 1, ...pcm });
    await nextTurn();
    stream.writeUnit(audioMedia, audio, { pts: 2, ...pcm });
    await nextTurn();
    assert.deepEqual(events, [], 'two audio units wait for the video');
    assert.deepEqual(eager, ['a1', 'a2'], 'a reader without lazy gets them at once');
    stream.writeUnit(media, format, { pts: 3 });
    await nextTurn();
    assert.deepEqual(events, ['cork', 'a1', 'a2', 'v3', 'uncork'], 'they go with the video unit, in order, in one batch');
    events.length = 0;
    for (const pts of [4, 5]) { stream.writeUnit(audioMedia, audio, { pts, ...pcm }); await nextTurn(); }
    assert.deepEqual(events, []);
    stream.writeUnit(audioMedia, audio, { pts: 6, ...pcm });
    await nextTurn();
    assert.deepEqual(events, ['cork', 'a4', 'a5', 'a6', 'uncork'], 'without video, the third lazy unit drains them');
    r.close();
    other.close();
  });

  it('stops delivering after removeReader and notifies close listeners once', async () => {
    const stream = new Stream(desc);
    const got: number[] = [];
    const r = new StreamReader({ queueSize: 8, log: Logger.silent() });
    r.onData(media, format, (u) => { got.push(u.pts); });
    stream.addReader(r);
    stream.removeReader(r);
    stream.writeUnit(media, format, { pts: 1 });
    let closes = 0;
    stream.onClose(() => closes++);
    stream.close();
    stream.close();
    await nextTurn();
    assert.deepEqual(got, []);
    assert.equal(closes, 1);
    assert.equal(stream.isClosed, true);
  });

  it('closes a reader whose callback throws and reports the error', async () => {
    const stream = new Stream(desc);
    let reported: Error | undefined;
    const r = new StreamReader({ queueSize: 8, log: Logger.silent(), onError: (e) => { reported = e; } });
    r.onData(media, format, () => { throw new Error('boom'); });
    stream.addReader(r);
    stream.writeUnit(media, format, { pts: 1 });
    await nextTurn();
    assert.equal(reported?.message, 'boom');
  });
});

describe('Stream GOP cache', () => {
  const audio: Format = { codec: 'opus', payloadType: 111, encoding: 'opus', clockRate: 48000, channels: 2, params: new Map() };
  const amedia: Media = { kind: 'audio', formats: [audio] };
  const av: Description = { medias: [media, amedia] };

  it('replays units since the last key frame to a reader that asks for it', async () => {
    const stream = new Stream(av);
    stream.writeUnit(media, format, { pts: 0, randomAccess: true });
    stream.writeUnit(media, format, { pts: 1 });
    stream.writeUnit(media, format, { pts: 2, randomAccess: true });
    stream.writeUnit(amedia, audio, { pts: 3 });
    stream.writeUnit(media, format, { pts: 4 });
    const got: string[] = [];
    const r = new StreamReader({ queueSize: 16, log: Logger.silent() });
    r.onData(media, format, (u) => { got.push(`v${u.pts}`); });
    r.onData(amedia, audio, (u) => { got.push(`a${u.pts}`); });
    stream.addReader(r, { fromGop: true });
    stream.writeUnit(media, format, { pts: 5 });
    await nextTurn();
    assert.deepEqual(got, ['v2', 'a3', 'v4', 'v5']);
  });

  it('starts live without fromGop', async () => {
    const stream = new Stream(av);
    stream.writeUnit(media, format, { pts: 0, randomAccess: true });
    const got: number[] = [];
    const r = new StreamReader({ queueSize: 16, log: Logger.silent() });
    r.onData(media, format, (u) => { got.push(u.pts); });
    stream.addReader(r);
    stream.writeUnit(media, format, { pts: 1 });
    await nextTurn();
    assert.deepEqual(got, [1]);
  });

});
