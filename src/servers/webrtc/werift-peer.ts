import { randomInt } from 'node:crypto';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket as WeriftRtpPacket, TcpPassiveProtocol, UdpTransport, type RTCRtpTransceiver } from 'werift';
import type { Format, RtpPacket } from '../../formats/index.ts';
import { VIDEO_CLOCK_RATE } from '../../lib/index.ts';
import { OfferError, type TrickleCandidate } from '../../protocols/webrtc/index.ts';
import { addNat1To1Candidates, type PeerState, type WebRtcPeer, type WebRtcPeerOptions, type WebRtcPeerStats } from './webrtc-peer.ts';
import { WeriftPeerStats } from './werift-peer-stats.ts';
import type { WeriftTcpMux } from './werift-tcp-mux.ts';
import type { WeriftUdpMux } from './werift-udp-mux.ts';

/** The shared ICE ports a werift peer uses: UDP (webrtcICEUDPMuxAddress), TCP (webrtcICETCPMuxAddress). */
export interface WeriftMuxes { readonly udp?: WeriftUdpMux | undefined; readonly tcp?: WeriftTcpMux | undefined }

// werift's codec list per kind: it answers with the offered formats whose MIME type it lists (werift 0.24 matches on
// the type alone), so the offer is first reduced to the chosen format of each section (negotiation.restrictedOffer).
function codecParameters(kind: string, f: Format): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: `${kind}/${f.encoding}`, clockRate: f.clockRate, ...(f.channels !== undefined ? { channels: f.channels } : {}),
    ...(f.fmtp !== undefined ? { parameters: f.fmtp } : {}),
    rtcpFeedback: kind === 'video' ? [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] : [],
  });
}

// werift resolves a remote candidate whose address contains '.local' (a browser's mDNS name, RFC 8839 §5.1) with a
// multicast-dns socket on port 5353 that has no 'error' listener: when that port cannot be bound (EADDRINUSE: a
// responder holding it without SO_REUSEADDR) the error is thrown out of the event loop and the process exits, on the
// say-so of any client's offer or PATCH. Such candidates are dropped before werift sees them; nothing is lost, since
// the server answers (ICE-controlled) and learns the client's address from its first check as a peer-reflexive
// candidate (RFC 8445 §7.3.1.3), as it does for ICE-TCP clients.
const isMdnsAddress = (address: string | undefined): boolean => address !== undefined && address.includes('.local');

/** The offer without its `a=candidate` lines whose address is an mDNS name (see isMdnsAddress). */
export function withoutMdnsCandidates(sdp: string): string {
  return sdp.replace(/^a=candidate:\S+ \S+ \S+ \S+ (\S+) .*(?:\r?\n|$)/gm, (line, address: string) => (isMdnsAddress(address) ? '' : line));
}

/** The werift implementation of WebRtcPeer (werift 0.24.4, pinned: see docs/testing.md §Pinned versions). */
export class WeriftPeer implements WebRtcPeer {
  private readonly pc: RTCPeerConnection;
  private readonly sendTracks = new Map<number, MediaStreamTrack>();
  private readonly transceivers = new Map<number, RTCRtpTransceiver>();
  private readonly remoteSsrc = new Map<number, number>();
  private readonly nextSeq = new Map<number, number>();
  bytesSent = 0;
  bytesReceived = 0;
  private closed = false;
  private readonly counts: WeriftPeerStats;

  /** `mux`: the shared UDP and TCP ports, when webrtcICEUDPMuxAddress / webrtcICETCPMuxAddress are set. */
  constructor(private readonly opts: WebRtcPeerOptions, private readonly mux: WeriftMuxes = {}) {
    this.counts = new WeriftPeerStats((track) => this.opts.onKeyframeRequest?.(track));
    const codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } = { audio: [], video: [] };
    const kinds = new Map<string, Format[]>();
    const all = [...opts.negotiation.tracks, ...opts.negotiation.unusedSections].map((t) => ({ kind: t.kind, f: t.offered }));
    for (const t of all) kinds.set(t.kind, [...(kinds.get(t.kind) ?? []), t.f]);
    for (const [kind, formats] of kinds) {
      if (kind !== 'audio' && kind !== 'video') continue;
      for (const f of formats) if (!codecs[kind].some((c) => c.mimeType.toLowerCase() === `${kind}/${f.encoding}`.toLowerCase())) codecs[kind].push(codecParameters(kind, f));
    }
    this.pc = new RTCPeerConnection({
      codecs,
      iceServers: opts.iceServers.map((s) => ({ urls: s.urls, ...(s.username !== undefined ? { username: s.username, credential: s.credential ?? '' } : {}) })),
      iceUseIpv6: false,
      // werift leaves loopback out unless listed; local viewers (and the tests' lo-only namespace) need it.
      iceAdditionalHostAddresses: ['127.0.0.1'],
      // ICE-TCP (RFC 6544) only on the shared TCP port: passive host candidates there.
      iceUseTcp: mux.tcp !== undefined,
    });
    this.pc.connectionStateChange.subscribe((s) => opts.onState(s as PeerState));
  }

  /** Applies the offer (restricted to the negotiated formats), sets each section's direction, answers. */
  async answer(offer: string): Promise<string> {
    const { negotiation, role } = this.opts;
    // A passive ICE-TCP candidate learns its remote address only from an incoming check (RFC 6544 §7.1, a peer
    // reflexive candidate), so with the TCP mux the server keeps waiting after the offer's end-of-candidates
    // (RFC 8838 §8.2): werift would otherwise fail at once when no listed candidate pairs (a TCP-only client).
    const remote = withoutMdnsCandidates(this.mux.tcp ? offer.replace(/^a=end-of-candidates\r?\n/gm, '') : offer);
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: remote });
    } catch (err) {
      // What werift refuses in an offer (a malformed candidate, a section without ICE parameters, …) is the client's
      // fault: 400 as MediaMTX answers, not a 500 and a warning with werift's internal message.
      throw this.closed ? err : new OfferError(`invalid offer: ${(err as Error).message}`);
    }
    const list = this.pc.getTransceivers();
    negotiation.tracks.forEach((plan, i) => {
      const t = list.find((x) => plan.mid !== undefined && x.mid === plan.mid) ?? list[plan.index];
      if (!t) return;
      this.transceivers.set(i, t);
      if (role === 'send') t.setDirection('sendonly'); else t.setDirection('recvonly');
    });
    for (const t of list) if (![...this.transceivers.values()].includes(t)) t.setDirection('inactive');
    for (const [i, t] of this.transceivers) {
      if (role === 'send') {
        const track = new MediaStreamTrack({ kind: t.kind });
        await t.sender.replaceTrack(track);
        this.sendTracks.set(i, track);
        this.counts.watchSender(i, t.sender);
      } else {
        this.counts.watchReceiver(t.receiver);
        const clockRate = negotiation.tracks[i]?.offered.clockRate ?? VIDEO_CLOCK_RATE;
        // The stack made the receiving track while applying the offer; a later one (new SSRC) comes through onTrack.
        const seen = new Set<MediaStreamTrack>();
        const listen = (track: MediaStreamTrack): void => {
          if (seen.has(track)) return;
          seen.add(track);
          track.onReceiveRtp.subscribe((rtp) => {
            this.remoteSsrc.set(i, rtp.header.ssrc);
            const raw = rtp.serialize();
            this.bytesReceived += raw.length;
            this.counts.countReceived(i, rtp.header.ssrc, rtp.header.sequenceNumber, rtp.header.timestamp, clockRate);
            this.opts.onRtp?.(i, raw);
          });
        };
        for (const track of t.receiver.tracks) listen(track);
        t.onTrack.subscribe((track) => listen(track));
      }
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    for (const d of this.pc.dtlsTransports) this.counts.watchTransport(d);
    this.mux.udp?.register(this.pc);
    this.mux.tcp?.register(this.pc);
    const sdp = this.pc.localDescription?.sdp;
    if (sdp === undefined) throw new Error('no local description');
    return addNat1To1Candidates(sdp, this.opts.nat1To1Ips);
  }

  sendRtp(track: number, p: RtpPacket): void {
    const t = this.sendTracks.get(track);
    if (!t || this.closed) return;
    // RFC 3550 §5.1: a random first sequence number. werift rewrites SSRC and payload type, and the header in place,
    // so each viewer gets a header object of its own around the shared payload.
    const seq = this.nextSeq.get(track) ?? randomInt(0, 0x10000);
    this.nextSeq.set(track, (seq + 1) & 0xffff);
    this.bytesSent += 12 + p.payload.length;
    this.counts.countSent();
    t.writeRtp(new WeriftRtpPacket(new RtpHeader({ payloadType: p.payloadType, sequenceNumber: seq, timestamp: p.timestamp, marker: p.marker }), p.payload));
  }

  requestKeyframe(track: number): void {
    const ssrc = this.remoteSsrc.get(track);
    const t = this.transceivers.get(track);
    if (ssrc === undefined || !t) return;
    this.counts.countPliSent();
    void t.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  }

  stats(): WebRtcPeerStats { return this.counts.snapshot(); }

  async addCandidate(c: TrickleCandidate): Promise<void> {
    if (isMdnsAddress(c.candidate.split(' ')[4])) return;
    await this.pc.addIceCandidate({ candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex, ...(c.sdpMid !== undefined ? { sdpMid: c.sdpMid } : {}) });
  }

  candidates(): { local: string; remote: string } | undefined {
    const pair = this.pc.iceTransports[0]?.getSelectedCandidatePair();
    if (!pair) return undefined;
    return { local: candidateAddress(pair.local.candidate), remote: candidateAddress(pair.remote.candidate) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.sendTracks.values()) t.stop();
    await this.pc.close().catch(() => undefined);
  }
}

/** `ip:port` of a candidate attribute (RFC 8839 §5.1: foundation component transport priority address port …). */
function candidateAddress(candidate: string): string {
  const f = candidate.replace(/^candidate:/, '').split(' ');
  return f.length >= 6 ? `${f[4]}:${f[5]}` : '';
}

/** Makes a werift peer. */
export function createWeriftPeer(opts: WebRtcPeerOptions): WebRtcPeer { return new WeriftPeer(opts); }

/** A factory of werift peers whose ICE runs on the shared UDP and TCP ports, when given. */
export function weriftPeerFactory(mux: WeriftMuxes): (opts: WebRtcPeerOptions) => WebRtcPeer {
  // The shared ports were opened at start without werift; its ICE is pointed at them now, before the first peer.
  mux.udp?.attach(UdpTransport);
  mux.tcp?.attach(TcpPassiveProtocol);
  return (opts) => new WeriftPeer(opts, mux);
}
