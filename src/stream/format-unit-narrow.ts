import type { Codec, Format, FormatOf, PayloadByCodec } from '../formats/index.ts';
import type { Unit } from './unit.ts';

/**
 * A format and the payload of one of its units, narrowed together: switching on `codec` types both the format's
 * fields (SPS, config, …) and the payload (NAL units, frames, …), so consumers need no casts.
 */
export type FormatPayload<C extends Codec = Codec> = {
  [K in C]: { readonly codec: K; readonly format: FormatOf<K>; readonly payload: PayloadByCodec[K]; readonly unit: Unit<K> }
}[C];

/**
 * Pairs a unit with its format, or undefined when the unit has no payload (an RTP-only unit). A stream hands a
 * format only units of that format's codec (StreamFormat writes them per format), which is the one assumption
 * this function makes, in one place.
 */
export function narrowFormatUnit<F extends Format>(format: F, unit: Unit): FormatPayload<F['codec']> | undefined {
  if (unit.payload === undefined) return undefined;
  return { codec: format.codec, format, payload: unit.payload, unit } as unknown as FormatPayload<F['codec']>;
}
