import type { AmfValue } from './amf0.ts';
import { AUDIO_FOURCC, VIDEO_FOURCC } from './flv-enhanced.ts';

/** Enhanced RTMP FourCcInfoMask (Enhanced RTMP v2, "Enhancing NetConnection connect"). */
const FourCcInfo = { CanDecode: 0x01, CanEncode: 0x02, CanForward: 0x04 } as const;
/** FourCCs that players get only as Enhanced RTMP (H264, AAC and MP3 go to every player as legacy FLV). */
const SENT_ENHANCED = [VIDEO_FOURCC.h265, VIDEO_FOURCC.av1, VIDEO_FOURCC.vp9, AUDIO_FOURCC.opus];
/** CapsExMask.ModEx: we parse ModEx signals. */
const CAPS_EX_MODEX = 0x04;

/** The Enhanced RTMP codecs a client announced in `connect`; legacy clients announce none. */
export class EnhancedCaps {
  private constructor(private readonly fourccs: ReadonlySet<string>) {}

  /** What a legacy client (no Enhanced RTMP properties) can receive: legacy FLV codecs only. */
  static readonly none = new EnhancedCaps(new Set());

  /**
   * Reads `fourCcList` (strict array of FourCCs) and `videoFourCcInfoMap`/`audioFourCcInfoMap` (FourCC → flags)
   * from a connect command object; "*" stands for every codec.
   */
  static fromConnect(obj: { [key: string]: AmfValue }): EnhancedCaps {
    const set = new Set<string>();
    const list = obj.fourCcList;
    if (Array.isArray(list)) for (const v of list) if (typeof v === 'string') set.add(v);
    for (const key of ['videoFourCcInfoMap', 'audioFourCcInfoMap']) {
      const map = obj[key];
      if (typeof map !== 'object' || map === null || Array.isArray(map) || map instanceof Date) continue;
      for (const [fourcc, flags] of Object.entries(map)) {
        if (typeof flags === 'number' && (flags & (FourCcInfo.CanDecode | FourCcInfo.CanForward)) !== 0) set.add(fourcc);
      }
    }
    return set.size === 0 ? EnhancedCaps.none : new EnhancedCaps(set);
  }

  /** True when the client can receive this FourCC. */
  accepts(fourcc: string): boolean { return this.fourccs.has('*') || this.fourccs.has(fourcc); }

  /** A key that is equal for clients that get the same stream bytes (which of the Enhanced-only codecs they accept). */
  key(): string {
    return SENT_ENHANCED.map((f) => (this.accepts(f) ? '1' : '0')).join('');
  }
}

/**
 * What the server states in its connect `_result`: every Enhanced RTMP codec it forwards, and that it parses ModEx
 * (the Enhanced RTMP spec asks servers to announce their support there).
 */
export function serverEnhancedCaps(): { [key: string]: AmfValue } {
  const map = (fourccs: readonly string[]): { [key: string]: AmfValue } => Object.fromEntries(fourccs.map((f) => [f, FourCcInfo.CanForward]));
  return { videoFourCcInfoMap: map(Object.values(VIDEO_FOURCC)), audioFourCcInfoMap: map(Object.values(AUDIO_FOURCC)), capsEx: CAPS_EX_MODEX };
}
