import type { Codec } from './codec.ts';

/**
 * One RTP format (payload type) of a media, as described by SDP `a=rtpmap` / `a=fmtp`.
 * The raw `fmtp` text is kept byte-identical so RTSP passthrough re-announces exactly what the publisher sent.
 */
export interface Format {
  readonly codec: Codec;
  readonly payloadType: number;
  /** rtpmap encoding name as sent (e.g. `H264`, `MPEG4-GENERIC`); for static payload types without rtpmap, the RFC 3551 name. */
  readonly encoding: string;
  readonly clockRate: number;
  /** Audio channel count from rtpmap, when given. */
  readonly channels?: number;
  /** fmtp parameters text after the payload type, untouched (e.g. `packetization-mode=1;profile-level-id=42e01f`). */
  readonly fmtp?: string;
  /** fmtp parameters split on `;` and `=`, keys lower-cased. */
  readonly params: ReadonlyMap<string, string>;
}

/** Media kinds of SDP `m=` lines that the server knows; others are kept as strings. */
export type MediaKind = 'video' | 'audio' | 'application' | (string & {});

/** One SDP media section: a kind and its formats. */
export interface Media {
  readonly kind: MediaKind;
  readonly formats: readonly Format[];
  /** SDP attribute lines of this media section other than rtpmap/fmtp/control, kept verbatim (e.g. `a=framerate:25`). */
  readonly extraAttributes?: readonly string[];
}

/** A stream's medias: what an SDP session describes. */
export interface Description {
  readonly medias: readonly Media[];
  /** Session name / title when known (SDP `s=`). */
  readonly title?: string;
}
