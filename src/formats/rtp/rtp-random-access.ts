/**
 * Whether an RTP packet carries (part of) a random access picture or its parameter sets: an H264 IDR, SPS or PPS
 * (RFC 6184: single NAL unit, STAP-A §5.7.1, FU-A §5.8) or an H265 IRAP picture, VPS, SPS or PPS (RFC 7798:
 * single NAL unit, AP §4.4.2, FU §4.4.3). Such a picture is never reordered, so its RTP time (its PTS) keeps one fixed
 * distance from when it is sent, unlike a B-frame's: an RTCP sender anchors on these (as gortsplib's PTSEqualsDTS).
 */
export function rtpCarriesRandomAccess(codec: 'h264' | 'h265', payload: Uint8Array): boolean {
  return codec === 'h264' ? h264Carries(payload) : h265Carries(payload);
}

// H264 NAL unit types: IDR slice 5, SPS 7, PPS 8; aggregation STAP-A 24; fragment FU-A 28.
const isH264RandomAccess = (t: number): boolean => t === 5 || t === 7 || t === 8;

function h264Carries(p: Uint8Array): boolean {
  if (p.length === 0) return false;
  const type = p[0]! & 0x1f;
  if (type === 28) return p.length > 1 && isH264RandomAccess(p[1]! & 0x1f);
  if (type !== 24) return isH264RandomAccess(type);
  for (let off = 1; off + 2 < p.length; off += 2 + ((p[off]! << 8) | p[off + 1]!)) {
    if (isH264RandomAccess(p[off + 2]! & 0x1f)) return true;
  }
  return false;
}

// H265 NAL unit types: IRAP pictures 16–21 (BLA, IDR, CRA), VPS 32, SPS 33, PPS 34; AP 48; FU 49.
const isH265RandomAccess = (t: number): boolean => (t >= 16 && t <= 21) || (t >= 32 && t <= 34);

function h265Carries(p: Uint8Array): boolean {
  if (p.length < 2) return false;
  const type = (p[0]! >> 1) & 0x3f;
  if (type === 49) return p.length > 2 && isH265RandomAccess(p[2]! & 0x3f);
  if (type !== 48) return isH265RandomAccess(type);
  for (let off = 2; off + 2 < p.length; off += 2 + ((p[off]! << 8) | p[off + 1]!)) {
    if (isH265RandomAccess((p[off + 2]! >> 1) & 0x3f)) return true;
  }
  return false;
}
