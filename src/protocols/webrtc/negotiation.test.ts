import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { g711Format, g722Format, h264Format, mpeg4AudioFormat, opusFormat, vp9Format, parseFmtpParams, type Description, type Format, type Media } from '../../formats/index.ts';
import { negotiateWhep, negotiateWhip, NoCommonCodecError } from './negotiation.ts';
import { OfferError, parseOffer } from './sdp-offer.ts';
import { CHROMIUM_AUDIO_ONLY_OFFER, CHROMIUM_WHEP_OFFER, CHROMIUM_WHIP_H264_OFFER, CHROMIUM_WHIP_OFFER } from '../../../test/support/webrtc-offers.ts';

// SPS of Constrained Baseline (profile_idc 66) and High (100), enough for profile matching.
const SPS_BASELINE = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]);
const SPS_HIGH = Buffer.from([0x67, 0x64, 0x00, 0x1f, 0xac]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const vp8: Format = { codec: 'vp8', payloadType: 96, encoding: 'VP8', clockRate: 90000, params: parseFmtpParams('') };
const av1: Format = { codec: 'av1', payloadType: 96, encoding: 'AV1', clockRate: 90000, params: parseFmtpParams('') };
const h265: Format = { codec: 'h265', payloadType: 96, encoding: 'H265', clockRate: 90000, params: parseFmtpParams('') };
const aac = mpeg4AudioFormat(97, Buffer.from([0x11, 0x90]), 48000, 2);

const video = (f: Format): Media => ({ kind: 'video', formats: [f] });
const audio = (f: Format): Media => ({ kind: 'audio', formats: [f] });
const desc = (...medias: Media[]): Description => ({ medias });

/** stream tracks → expected [offered payload type per track], in offer order; '' when the negotiation must fail. */
const WHEP_CASES: readonly [string, Description, readonly number[]][] = [
  ['H264 Constrained Baseline + Opus: 42e01f is preferred over 42001f, Opus 111', desc(video(h264Format(96, SPS_BASELINE, PPS)), audio(opusFormat(97, 2))), [106, 111]],
  ['H264 High: the offered High profile (f4001f is profile 244, not 100) falls back to 42e01f', desc(video(h264Format(96, SPS_HIGH, PPS))), [106]],
  ['VP8', desc(video(vp8)), [96]],
  ['VP9 profile 0 (profile-id absent in the stream)', desc(video(vp9Format(96))), [98]],
  ['VP9 profile 2', desc(video(vp9Format(96, 2))), [100]],
  ['AV1', desc(video(av1)), [45]],
  ['G711 µ-law and A-law', desc(audio(g711Format(false, 1))), [0]],
  ['G711 A-law', desc(audio(g711Format(true, 1))), [8]],
  ['G722', desc(audio(g722Format())), [9]],
  ['H264 + AAC: AAC left out', desc(video(h264Format(96, SPS_BASELINE, PPS)), audio(aac)), [106]],
];

describe('negotiateWhep', () => {
  for (const [what, d, want] of WHEP_CASES) {
    it(`matches ${what}`, () => {
      const n = negotiateWhep(CHROMIUM_WHEP_OFFER, d);
      assert.deepEqual(n.tracks.map((t) => t.offered.payloadType), want);
      // The offer given to the stack keeps one format per used section.
      const restricted = parseOffer(n.restrictedOffer);
      for (const t of n.tracks) assert.deepEqual(restricted.sections[t.index]!.formats.map((f) => f.payloadType), [t.offered.payloadType]);
    });
  }

  it('answers inactive sections the stream has nothing for, keeping one codec in them', () => {
    const n = negotiateWhep(CHROMIUM_WHEP_OFFER, desc(video(vp8)));
    assert.deepEqual(n.unusedSections.map((u) => [u.index, u.kind, u.offered.payloadType]), [[1, 'audio', 111]]);
  });

  it('says why a track is left out', () => {
    const n = negotiateWhep(CHROMIUM_WHEP_OFFER, desc(video(h264Format(96, SPS_BASELINE, PPS)), audio(aac)));
    assert.deepEqual(n.skipped.map((s) => s.reason), ["MPEG-4 Audio can't be sent over WebRTC"]);
    const m = negotiateWhep(CHROMIUM_AUDIO_ONLY_OFFER, desc(video(vp8), audio(opusFormat(97, 2))));
    assert.deepEqual(m.skipped.map((s) => s.reason), ['the viewer offered no video section']);
  });

  it('refuses with the reason when no track can be received', () => {
    assert.throws(() => negotiateWhep(CHROMIUM_WHEP_OFFER, desc(video(h265), audio(aac))),
      (e: unknown) => e instanceof NoCommonCodecError && /H265, MPEG-4 Audio.*not among the offered ones \(VP8, VP9, H264, AV1/.test(e.message));
    assert.throws(() => negotiateWhep(CHROMIUM_AUDIO_ONLY_OFFER, desc(video(vp8))), NoCommonCodecError);
  });

  it('refuses an offer that is not SDP, or has no media', () => {
    assert.throws(() => negotiateWhep('hello', desc(video(vp8))), OfferError);
    assert.throws(() => negotiateWhep('v=0\r\ns=-\r\n', desc(video(vp8))), OfferError);
    assert.throws(() => negotiateWhep('v=0\r\nm=video\r\n', desc(video(vp8))), OfferError);
  });
});

describe('negotiateWhip', () => {
  it('takes the offerer\'s first supported video codec and Opus', () => {
    const n = negotiateWhip(CHROMIUM_WHIP_OFFER);
    assert.deepEqual(n.tracks.map((t) => [t.kind, t.offered.encoding, t.offered.payloadType]), [['video', 'VP8', 96], ['audio', 'opus', 111]]);
  });

  it('takes H264 with packetization-mode=1 when the publisher prefers H264', () => {
    const n = negotiateWhip(CHROMIUM_WHIP_H264_OFFER);
    assert.deepEqual(n.tracks[0]!.offered.payloadType, 102);
    assert.equal(n.tracks[0]!.offered.params.get('packetization-mode'), '1');
  });

  it('refuses an offer without a codec it can take', () => {
    const offer = CHROMIUM_WHIP_OFFER.replace(/m=video 9 UDP\/TLS\/RTP\/SAVPF [0-9 ]+/, 'm=video 9 UDP/TLS/RTP/SAVPF 114 116')
      .replace(/m=audio 9 UDP\/TLS\/RTP\/SAVPF [0-9 ]+/, 'm=audio 9 UDP/TLS/RTP/SAVPF 13 126');
    assert.throws(() => negotiateWhip(offer), (e: unknown) => e instanceof NoCommonCodecError && /can be published/.test(e.message));
  });
});
