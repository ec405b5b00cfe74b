import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { descriptionToSdp } from '../../formats/index.ts';
import { Logger } from '../../lib/index.ts';
import { Stream, StreamReader } from '../../stream/index.ts';
import { RtmpChunkReader } from './chunk-reader.ts';
import { EnhancedCaps } from './enhanced-caps.ts';
import { buildFlvAudio, parseFlvAudio } from './flv-tags.ts';
import { RtmpStreamMuxer } from './from-stream.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';
import { RtmpToStream } from './to-stream.ts';

const audio = (timestamp: number, body: Buffer): RtmpMessage => ({ chunkStreamId: 4, type: RtmpMessageType.Audio, timestamp, messageStreamId: 1, body });
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
// AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): AAC-LC at 44.1 kHz stereo, then AAC-LC at 48 kHz mono.
const ASC_44K_STEREO = Buffer.from('1210', 'hex');
const ASC_48K_MONO = Buffer.from('1188', 'hex');

/** The AAC sequence header an RTMP player set up now gets first. */
function playerConfig(stream: Stream): Buffer | undefined {
  const mux = new RtmpStreamMuxer(stream.description, 128, EnhancedCaps.none);
  for (const m of new RtmpChunkReader().push(mux.headerBytes())) {
    const tag = m.type === RtmpMessageType.Audio ? parseFlvAudio(m.body) : undefined;
    if (tag?.kind === 'config') return tag.config;
  }
  return undefined;
}

describe('RtmpToStream: AAC sequence headers', () => {
  it('a new AAC sequence header while publishing becomes the format config that later players, DESCRIBE and muxers see', async () => {
    const ts = new RtmpToStream();
    assert.equal(ts.collect(audio(0, buildFlvAudio({ config: ASC_44K_STEREO }))), undefined, 'waits for video without onMetaData');
    const desc = ts.description(true);
    assert.ok(desc, 'an audio-only description once forced');
    const stream = new Stream(desc);
    const format = desc.medias[0]!.formats[0]!;
    const got: Buffer[] = [];
    const reader = new StreamReader({ queueSize: 16, log: Logger.silent(), entries: 'frames' });
    reader.onData(desc.medias[0]!, format, (u) => { if (Array.isArray(u.payload)) got.push(...u.payload); });
    stream.addReader(reader);
    ts.attach(stream);
    ts.write(audio(0, buildFlvAudio({ data: Buffer.from('21', 'hex') })));
    assert.deepEqual(playerConfig(stream), ASC_44K_STEREO, `before: ${playerConfig(stream)?.toString('hex')}`);

    ts.write(audio(23, buildFlvAudio({ config: ASC_48K_MONO })));
    ts.write(audio(46, buildFlvAudio({ data: Buffer.from('22', 'hex') })));
    await nextTurn();
    assert.equal(format.codec, 'mpeg4Audio');
    assert.deepEqual(format.codec === 'mpeg4Audio' ? format.config : undefined, ASC_48K_MONO, 'the format holds the new config');
    const sdp = descriptionToSdp(stream.description, { controls: ['trackID=0'] });
    assert.match(sdp, /a=fmtp:97 [^\r]*config=1188/, `DESCRIBE announces it: ${sdp}`);
    assert.deepEqual(playerConfig(stream), ASC_48K_MONO, `a player set up now gets it: ${playerConfig(stream)?.toString('hex')}`);
    assert.deepEqual(got.map((b) => b.toString('hex')), ['21', '22'], 'frames on both sides of the new header reach readers; the header itself is no frame');
  });

  it('refuses a malformed AAC sequence header while publishing, and ignores a repeated one', () => {
    const ts = new RtmpToStream();
    ts.collect(audio(0, buildFlvAudio({ config: ASC_44K_STEREO })));
    const desc = ts.description(true)!;
    const stream = new Stream(desc);
    ts.attach(stream);
    const format = desc.medias[0]!.formats[0]!;
    const fmtp = format.fmtp;
    ts.write(audio(10, buildFlvAudio({ config: ASC_44K_STEREO })));
    assert.equal(format.fmtp, fmtp, 'the same config changes nothing');
    assert.throws(() => ts.write(audio(20, buildFlvAudio({ config: Buffer.from('f8', 'hex') }))), /AudioSpecificConfig too short/, 'a broken config throws');
    assert.deepEqual(format.codec === 'mpeg4Audio' ? format.config : undefined, ASC_44K_STEREO, 'and is not taken');
  });
});
