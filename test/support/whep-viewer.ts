import ndc from 'node-datachannel';

/** A WHEP viewer (node-datachannel) and what it received so far. */
export interface WhepViewer {
  /** RTP packets received on the video track. */
  readonly packets: number;
  /** H264 access units received: packets with the marker bit (RFC 6184 §5.1: the last packet of an access unit). */
  readonly frames: number;
  /** IDR pictures seen (NAL type 5, alone or as the start of an FU-A, RFC 6184 §5.8). */
  readonly keyframes: number;
  /** The peer connection's state (`connected`, `disconnected`, `closed`…). */
  state(): string;
  close(): void;
}

// RTCP packet types share the RTP payload-type field once demultiplexed (RFC 5761 §4): 200–204 → 72–76 without the marker.
const isRtcp = (p: Buffer): boolean => (p[1]! & 0x7f) >= 72 && (p[1]! & 0x7f) <= 76;

/** H264 NAL unit type of an RTP payload, looking inside an FU-A start or the first unit of a STAP-A (RFC 6184 §5.7, §5.8). */
function nalType(payload: Buffer): number {
  const t = payload[0]! & 0x1f;
  if (t === 28 && payload.length > 1 && (payload[1]! & 0x80) !== 0) return payload[1]! & 0x1f;
  if (t === 24 && payload.length > 3) return payload[3]! & 0x1f;
  return t;
}

/**
 * Opens a WHEP session at `url` (`http://…/<path>/whep`): node-datachannel offers a recvonly H264 video track bound to
 * 127.0.0.1 (a loopback-only test namespace), POSTs the offer once ICE gathering is done and applies the answer.
 * Resolves once the answer is applied; the packets come after ICE and DTLS.
 */
export async function openWhepViewer(url: string): Promise<WhepViewer> {
  const pc = new ndc.PeerConnection('whep-viewer', { iceServers: [], disableAutoNegotiation: true, bindAddress: '127.0.0.1' });
  const video = new ndc.Video('0', 'RecvOnly');
  video.addH264Codec(96);
  const track = pc.addTrack(video);
  // libdatachannel hands RTP to onMessage once a media handler is set; this one also sends receiver reports.
  track.setMediaHandler(new ndc.RtcpReceivingSession());
  let packets = 0;
  let frames = 0;
  let keyframes = 0;
  track.onMessage((p) => {
    if (p.length < 12 || isRtcp(p)) return;
    packets++;
    if ((p[1]! & 0x80) !== 0) frames++;
    const headerLength = 12 + 4 * (p[0]! & 0x0f) + ((p[0]! & 0x10) !== 0 ? 4 + 4 * p.readUInt16BE(14 + 4 * (p[0]! & 0x0f)) : 0);
    if (p.length > headerLength && nalType(p.subarray(headerLength)) === 5) keyframes++;
  });
  const gathered = new Promise<void>((r) => pc.onGatheringStateChange((s) => { if (s === 'complete') r(); }));
  pc.setLocalDescription('offer');
  await Promise.race([gathered, new Promise((r) => setTimeout(r, 3000))]);
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription()!.sdp });
  const answer = await res.text();
  if (res.status !== 201) { pc.close(); throw new Error(`WHEP POST ${url}: ${res.status} ${answer}`); }
  pc.setRemoteDescription(answer, 'answer');
  // Every object stays referenced: a Track with no reference left is collected and closed (LIBRARIES.md §3).
  const keep = { pc, track };
  return {
    get packets() { return packets; },
    get frames() { return frames; },
    get keyframes() { return keyframes; },
    state: () => keep.pc.state(),
    close: () => { keep.track.close(); keep.pc.close(); },
  };
}

/** Stops libdatachannel's threads, so the test process can exit; call once, after every viewer is closed. */
export function closeWhepViewers(): void { ndc.cleanup(); }
