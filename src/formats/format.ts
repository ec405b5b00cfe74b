import type { Codec } from './codec.ts';

/**
 * What every RTP format (payload type) of a media has, as described by SDP `a=rtpmap` / `a=fmtp`. The raw `fmtp`
 * text is kept byte-identical so RTSP passthrough re-announces exactly what the publisher sent; only the stream's
 * format updater rewrites it, when in-band parameter sets replace those it announced.
 */
export interface FormatBase<C extends Codec> {
  readonly codec: C;
  readonly payloadType: number;
  /** rtpmap encoding name as sent (e.g. `H264`, `MPEG4-GENERIC`); for static payload types without rtpmap, the RFC 3551 name. */
  readonly encoding: string;
  readonly clockRate: number;
  /** Audio channel count from rtpmap, when given. */
  readonly channels?: number;
  /** fmtp parameters text after the payload type (e.g. `packetization-mode=1;profile-level-id=42e01f`). */
  fmtp?: string;
  /** fmtp parameters split on `;` and `=`, keys lower-cased. */
  params: ReadonlyMap<string, string>;
}

/** H264 (RFC 6184): the current SPS and PPS, from sprop-parameter-sets or in band. */
export interface H264Format extends FormatBase<'h264'> { sps?: Buffer; pps?: Buffer }

/** H265 (RFC 7798): the current VPS, SPS and PPS, from sprop-vps/sps/pps or in band. */
export interface H265Format extends FormatBase<'h265'> { vps?: Buffer; sps?: Buffer; pps?: Buffer }

/** AV1 (RTP payload format for AV1): the current sequence header OBU, from the publisher's config or in band. */
export interface Av1Format extends FormatBase<'av1'> { sequenceHeader?: Buffer }

/** MPEG-4 audio (RFC 3640): the AudioSpecificConfig of `config=`. */
export interface Mpeg4AudioFormat extends FormatBase<'mpeg4Audio'> { config?: Buffer }

/** The formats whose parsed parameters are kept on them. */
interface FormatsWithParameters { h264: H264Format; h265: H265Format; av1: Av1Format; mpeg4Audio: Mpeg4AudioFormat }

type FormatOfCodec<C extends Codec> = C extends keyof FormatsWithParameters ? FormatsWithParameters[C] : FormatBase<C>;

/** One RTP format of a media; `codec` tells which, and narrows to its parameters. */
export type Format = FormatOfCodec<Codec>;

/** The format type of codec `C` (whose `codec` is `C` also where `C` is a type parameter). */
export type FormatOf<C extends Codec> = FormatOfCodec<C> & { readonly codec: C };

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
