/** One remote candidate of a trickle-ICE SDP fragment. */
export interface TrickleCandidate {
  /** The `candidate:…` attribute value (RFC 8839 §5.1), without `a=`. */
  readonly candidate: string;
  readonly sdpMid: string | undefined;
  readonly sdpMLineIndex: number;
}

/** A parsed `application/trickle-ice-sdpfrag` body (RFC 8840 §4.4). */
export interface TrickleFragment {
  readonly ufrag: string | undefined;
  readonly pwd: string | undefined;
  readonly candidates: readonly TrickleCandidate[];
  /** `a=end-of-candidates` was present. */
  readonly isEnd: boolean;
}

/** Most candidates one PATCH may carry; more is a broken or hostile client. */
export const MAX_TRICKLE_CANDIDATES = 64;

/**
 * Parses a trickle-ICE SDP fragment (RFC 8840 §4.4, as WHIP/WHEP PATCH bodies carry it): session-level ufrag/pwd,
 * then `m=` lines each with `a=mid` and `a=candidate` lines. Throws on lines that are not SDP or too many candidates.
 */
export function parseTrickleFragment(text: string): TrickleFragment {
  let ufrag: string | undefined;
  let pwd: string | undefined;
  let isEnd = false;
  let mLineIndex = -1;
  let mid: string | undefined;
  const pending: { candidate: string; index: number }[] = [];
  const mids: (string | undefined)[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '') continue;
    if (!/^[a-z]=/.test(line)) throw new Error(`invalid SDP fragment line '${line.slice(0, 64)}'`);
    if (line.startsWith('m=')) { mLineIndex++; mid = undefined; mids[mLineIndex] = undefined; continue; }
    if (line.startsWith('a=ice-ufrag:')) ufrag = line.slice(12);
    else if (line.startsWith('a=ice-pwd:')) pwd = line.slice(10);
    else if (line.startsWith('a=mid:')) { mid = line.slice(6); mids[Math.max(mLineIndex, 0)] = mid; }
    else if (line === 'a=end-of-candidates') isEnd = true;
    else if (line.startsWith('a=candidate:')) {
      if (pending.length >= MAX_TRICKLE_CANDIDATES) throw new Error('too many candidates');
      pending.push({ candidate: line.slice(2), index: Math.max(mLineIndex, 0) });
    }
  }
  const candidates = pending.map((p) => ({ candidate: p.candidate, sdpMid: mids[p.index], sdpMLineIndex: p.index }));
  return { ufrag, pwd, candidates, isEnd };
}
