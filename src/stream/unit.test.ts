import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { av1Format, h264Format, vp9Format, type Format, type Media, type RtpPacket } from '../formats/index.ts';
import { Logger } from '../lib/index.ts';
import { StreamReader } from './stream-reader.ts';
import { payloadBytes, unitBytes, type Unit } from './unit.ts';

const raw = (n: number): RtpPacket => ({ marker: true, payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1, payload: Buffer.alloc(n - 12), raw: Buffer.alloc(n) });

/** What a consumer writes: the codec narrows the format, and the format the units' payload, without casts. */
function register(reader: StreamReader, media: Media, format: Format, got: string[]): void {
  switch (format.codec) {
    case 'h264':
      reader.onData(media, format, (u) => {
        const nalus: Buffer[] | undefined = u.payload;
        got.push(`h264 ${nalus?.length ?? 0} NAL units, sps ${format.sps?.length ?? 0} bytes`);
      });
      return;
    case 'vp9':
      reader.onData(media, format, (u) => {
        const frame: Buffer | undefined = u.payload;
        // @ts-expect-error a VP9 payload is one frame, not a list
        const frames: Buffer[] | undefined = u.payload;
        got.push(`vp9 ${frame?.length ?? 0} bytes ${frames === frame}`);
      });
      return;
    case 'av1':
      reader.onData(media, format, (u) => { got.push(`av1 ${u.payload?.length ?? 0} OBUs, sequence header ${format.sequenceHeader ? 'known' : 'unknown'}`); });
      return;
    default:
      return;
  }
}

describe('typed units', () => {
  it('narrowing a format by codec types its units\' payload', async () => {
    const h264 = h264Format(96, Buffer.from('6742c01e95a0508a', 'hex'), Buffer.from('68ce3c80', 'hex'));
    const vp9 = vp9Format(97);
    const av1 = av1Format(98);
    const media: Media = { kind: 'video', formats: [h264, vp9, av1] };
    const got: string[] = [];
    const reader = new StreamReader({ queueSize: 8, log: Logger.silent() });
    for (const f of media.formats) register(reader, media, f, got);
    reader.push(reader.callbacks.get(h264)!.cb, { pts: 0, payload: [Buffer.alloc(3), Buffer.alloc(4)] });
    reader.push(reader.callbacks.get(vp9)!.cb, { pts: 0, payload: Buffer.alloc(5) });
    reader.push(reader.callbacks.get(av1)!.cb, { pts: 0, payload: [Buffer.alloc(2)] });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, ['h264 2 NAL units, sps 8 bytes', 'vp9 5 bytes true', 'av1 1 OBUs, sequence header unknown']);
  });

  it('gives generic RTP no payload, only packets', () => {
    const packetOnly: Unit<'generic'> = { pts: 0, rtpPackets: [raw(100)] };
    // @ts-expect-error generic RTP has no payload the server understands
    const withPayload: Unit<'generic'> = { pts: 0, payload: Buffer.alloc(1) };
    assert.equal(unitBytes(packetOnly), 100);
    assert.ok(withPayload);
  });

  it('weighs payloads of every shape, and units by their packets first', () => {
    assert.equal(payloadBytes(undefined), 0);
    assert.equal(payloadBytes(Buffer.alloc(7)), 7);
    assert.equal(payloadBytes([Buffer.alloc(3), Buffer.alloc(4)]), 7);
    assert.equal(unitBytes({ pts: 0, payload: [Buffer.alloc(10)] }), 10);
    assert.equal(unitBytes({ pts: 0, payload: [Buffer.alloc(10)], rtpPackets: [raw(30), raw(40)] }), 70);
    assert.equal(unitBytes({ pts: 0, payload: [Buffer.alloc(10)], rtpPackets: [] }), 10);
  });
});
