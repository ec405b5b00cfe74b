import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { h264Format, opusFormat } from '../../formats/index.ts';
import { negotiateWhep, OfferError } from '../../protocols/webrtc/index.ts';
import { CHROMIUM_WHEP_OFFER } from '../../../test/support/webrtc-offers.ts';
import { WeriftPeer } from './werift-peer.ts';

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const DESC = { medias: [{ kind: 'video', formats: [h264Format(96, SPS, PPS)] }, { kind: 'audio', formats: [opusFormat(97, 2)] }] };
// How Chromium hides a viewer's host address (no camera permission): an mDNS name in the candidate.
const MDNS_CANDIDATE = 'candidate:1 1 udp 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54321 typ host generation 0';

/** Bound UDP sockets of the process on port 5353 (mDNS). */
function mdnsSockets(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => {
    const a = h as { address?: () => { port?: number } };
    if (h?.constructor?.name !== 'Socket' || typeof a.address !== 'function') return false;
    try { return a.address().port === 5353; } catch { return false; }
  }).length;
}

function peerFor(offer: string): { peer: WeriftPeer; restricted: string } {
  const negotiation = negotiateWhep(offer, DESC);
  return { peer: new WeriftPeer({ role: 'send', negotiation, iceServers: [], nat1To1Ips: [], onState: () => undefined }), restricted: negotiation.restrictedOffer };
}

describe('WeriftPeer', () => {
  it('opens no mDNS socket for a client\'s .local candidates, in the offer or trickled (werift\'s one throws out of the loop when 5353 is taken)', async () => {
    const before = mdnsSockets();
    const { peer, restricted } = peerFor(CHROMIUM_WHEP_OFFER.replace('a=mid:0\r\n', `a=mid:0\r\na=${MDNS_CANDIDATE}\r\n`));
    try {
      assert.match(restricted, /\.local 54321/);
      assert.match(await peer.answer(restricted), /^a=candidate:/m);
      await peer.addCandidate({ candidate: MDNS_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(mdnsSockets(), before);
    } finally {
      await peer.close();
    }
  });

  it('refuses an offer werift cannot apply with an OfferError (400), not werift\'s internal error (500)', async () => {
    // A candidate line cut short: werift's SDP parser throws while applying the offer.
    const { peer, restricted } = peerFor(CHROMIUM_WHEP_OFFER.replace('a=mid:0\r\n', 'a=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1\r\n'));
    try {
      await assert.rejects(peer.answer(restricted), (e: unknown) => e instanceof OfferError && /^invalid offer: /.test(e.message));
    } finally {
      await peer.close();
    }
  });
});
