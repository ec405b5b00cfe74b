import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSdp, serializeSdp, SdpParseError } from './sdp.ts';
import { descriptionToSdp, sdpToDescription } from './sdp-description.ts';

// The shape FFmpeg 5.1 announces for H264 + AAC.
const FFMPEG = [
  'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=No Name', 'c=IN IP4 127.0.0.1', 't=0 0', 'a=tool:libavformat 59.27.100',
  'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000',
  'a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QADKzZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA; profile-level-id=64000C',
  'a=control:streamid=0',
  'm=audio 0 RTP/AVP 97', 'b=AS:64', 'a=rtpmap:97 MPEG4-GENERIC/48000/2',
  'a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=1190',
  'a=control:streamid=1', '',
].join('\r\n');

// GStreamer rtspclientsink with Opus and an IP camera's static G711.
const MIXED = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=Session streamed with GStreamer', 't=0 0',
  'm=audio 0 RTP/AVP 96', 'a=rtpmap:96 OPUS/48000/2', 'a=fmtp:96 sprop-stereo=0', 'a=control:stream=0',
  'm=audio 0 RTP/AVP 0', 'a=control:trackID=2', 'a=x-vendor-thing:42', '',
].join('\n');

describe('SDP', () => {
  it('maps an FFmpeg ANNOUNCE to formats, keeping fmtp text and config as a string', () => {
    const { description, controls } = sdpToDescription(parseSdp(FFMPEG));
    assert.deepEqual(controls, ['streamid=0', 'streamid=1']);
    const [v, a] = description.medias;
    assert.equal(v!.formats[0]!.codec, 'h264');
    assert.equal(v!.formats[0]!.params.get('packetization-mode'), '1');
    assert.equal(a!.formats[0]!.codec, 'mpeg4Audio');
    assert.equal(a!.formats[0]!.channels, 2);
    assert.equal(a!.formats[0]!.params.get('config'), '1190');
    assert.match(a!.formats[0]!.fmtp!, /config=1190$/);
    assert.equal(description.title, 'No Name');
  });

  it('maps static payload types and keeps unknown attributes', () => {
    const { description } = sdpToDescription(parseSdp(MIXED));
    assert.equal(description.medias[0]!.formats[0]!.codec, 'opus');
    assert.deepEqual({ ...description.medias[1]!.formats[0]!, params: [...description.medias[1]!.formats[0]!.params] },
      { codec: 'g711', payloadType: 0, encoding: 'PCMU', clockRate: 8000, channels: 1, params: [] });
    assert.deepEqual(description.medias[1]!.extraAttributes, ['a=x-vendor-thing:42']);
  });

  it('round-trips Description → SDP → Description', () => {
    for (const text of [FFMPEG, MIXED]) {
      const first = sdpToDescription(parseSdp(text));
      const controls = first.description.medias.map((_, i) => `trackID=${i}`);
      const again = sdpToDescription(parseSdp(descriptionToSdp(first.description, { controls })));
      assert.deepEqual(again.description, first.description);
      assert.deepEqual(again.controls, controls);
    }
  });

  it('reproduces parsed lines when serialised', () => {
    assert.equal(serializeSdp(parseSdp(FFMPEG)), FFMPEG);
  });

  it('refuses bad SDPs with SdpParseError', () => {
    for (const bad of ['', 'x=1', 'v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/0', 'v=0\r\nm=video 0 RTP/AVP 101', 'v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/1000000000000000000000',
      'v=0\r\n' + 'm=audio 0 RTP/AVP 0\r\n'.repeat(65)]) {
      assert.throws(() => sdpToDescription(parseSdp(bad)), SdpParseError, bad.slice(0, 40));
    }
  });

  it('never throws anything but SdpParseError (property)', () => {
    const line = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('v=0', 'm=video 0 RTP/AVP 96', 'm=audio 0 RTP/AVP 0 8', 'a=rtpmap:96 H264/90000', 'a=fmtp:96 a=b;c', 'a=control:x', 'a=rtpmap:96 /', 'm='));
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
      try { sdpToDescription(parseSdp(['v=0', ...lines].join('\r\n'))); } catch (e) { if (!(e instanceof SdpParseError)) throw e; }
    }), { numRuns: 2000 });
  });

  it('writes an IPv6 connection line for IPv6 readers, IPv4 otherwise', () => {
    const { description } = sdpToDescription(parseSdp(FFMPEG));
    const v4 = descriptionToSdp(description, { controls: ['trackID=0', 'trackID=1'] });
    const v6 = descriptionToSdp(description, { controls: ['trackID=0', 'trackID=1'], isIpv6: true });
    assert.match(v4, /\r\nc=IN IP4 0\.0\.0\.0\r\n/, v4);
    assert.match(v6, /\r\nc=IN IP6 ::\r\n/, v6);
    assert.deepEqual(sdpToDescription(parseSdp(v6)).description.medias, sdpToDescription(parseSdp(v4)).description.medias);
  });
});
