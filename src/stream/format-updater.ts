import { Av1ObuType, av1ObuType, H264NaluType, h264NaluType, H265NaluType, h265NaluType } from '../codecs/index.ts';
import { setAv1SequenceHeader, setH264ParameterSets, setH265ParameterSets, type Codec, type FormatOf, type PayloadByCodec } from '../formats/index.ts';

/** Takes the parameters a payload carries in band into its format; true when they changed the format. */
export type FormatUpdater<C extends Codec> = (format: FormatOf<C>, payload: PayloadByCodec[C]) => boolean;

// Parameter sets are copied when taken: a NAL unit is a view into a whole packet or message, which it would keep alive.
const own = (b: Buffer): Buffer => Buffer.from(b);

/** ITU-T H.264 §7.4.1.2.1: SPS and PPS may come with any access unit, usually each IDR's. */
function updateH264(f: FormatOf<'h264'>, au: PayloadByCodec['h264']): boolean {
  let sps = f.sps;
  let pps = f.pps;
  for (const n of au) {
    const t = h264NaluType(n);
    if (t === H264NaluType.Sps && !sps?.equals(n)) sps = own(n);
    else if (t === H264NaluType.Pps && !pps?.equals(n)) pps = own(n);
  }
  if (sps === f.sps && pps === f.pps) return false;
  // Both are needed for the fmtp; one alone waits on the format for the other.
  if (sps && pps) setH264ParameterSets(f, { sps, pps });
  else { f.sps = sps; f.pps = pps; }
  return true;
}

/** ITU-T H.265 §7.4.2.4.4: VPS, SPS and PPS, usually before each IRAP picture. */
function updateH265(f: FormatOf<'h265'>, au: PayloadByCodec['h265']): boolean {
  let { vps, sps, pps } = f;
  for (const n of au) {
    const t = h265NaluType(n);
    if (t === H265NaluType.Vps && !vps?.equals(n)) vps = own(n);
    else if (t === H265NaluType.Sps && !sps?.equals(n)) sps = own(n);
    else if (t === H265NaluType.Pps && !pps?.equals(n)) pps = own(n);
  }
  if (vps === f.vps && sps === f.sps && pps === f.pps) return false;
  if (vps && sps && pps) setH265ParameterSets(f, { vps, sps, pps });
  else { f.vps = vps; f.sps = sps; f.pps = pps; }
  return true;
}

/** AV1 spec §7.5: a sequence header OBU starts each coded video sequence. */
function updateAv1(f: FormatOf<'av1'>, tu: PayloadByCodec['av1']): boolean {
  const seq = tu.find((o) => av1ObuType(o) === Av1ObuType.SequenceHeader);
  if (!seq || f.sequenceHeader?.equals(seq)) return false;
  setAv1SequenceHeader(f, own(seq));
  return true;
}

// Codecs whose units can carry parameters that SDP or a muxer needs. MPEG-4 audio has none in band in what the
// server decodes (RFC 3640 AUs, FLV raw AAC): a new AAC sequence header of an RTMP publisher comes apart from the
// frames, and RtmpToStream gives it to the format (setMpeg4AudioConfig). LATM's in-band StreamMuxConfig is passed
// through undecoded.
const UPDATERS: { readonly [C in Codec]?: FormatUpdater<C> } = { h264: updateH264, h265: updateH265, av1: updateAv1 };

/** The format updater of a codec, when its units can carry parameters in band. */
export function formatUpdater<C extends Codec>(codec: C): FormatUpdater<C> | undefined {
  return UPDATERS[codec];
}
