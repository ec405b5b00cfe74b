import type { Format } from '../format.ts';

// Standard base64 with padding (RFC 4648 §4), as Go's base64.StdEncoding decodes it; Node's decoder accepts anything.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parameters of each codec that carry base64 parameter sets, and whether the value is a comma list. */
const BASE64_PARAMS: Partial<Record<Format['codec'], readonly { key: string; isList: boolean }[]>> = {
  // RFC 6184 §8.1: sprop-parameter-sets is a comma-separated list of base64 NAL units.
  h264: [{ key: 'sprop-parameter-sets', isList: true }],
  // RFC 7798 §7.1: one base64 NAL unit each (a list is allowed; gortsplib reads a single one).
  h265: [{ key: 'sprop-vps', isList: true }, { key: 'sprop-sps', isList: true }, { key: 'sprop-pps', isList: true }],
};

/**
 * Why a format's fmtp can't be used, or undefined. Parameter sets must be valid base64 (gortsplib refuses an
 * ANNOUNCE otherwise with "invalid sprop-parameter-sets"), and H264's packetization-mode an integer.
 */
export function fmtpError(f: Format): string | undefined {
  for (const { key, isList } of BASE64_PARAMS[f.codec] ?? []) {
    const v = f.params.get(key);
    if (v === undefined) continue;
    const items = isList ? v.split(',').map((x) => x.trim()) : [v];
    if (items.some((x) => !STRICT_BASE64.test(x))) return `invalid ${key} (${v.slice(0, 64)})`;
  }
  if (f.codec === 'h264') {
    const mode = f.params.get('packetization-mode');
    if (mode !== undefined && !/^\d{1,9}$/.test(mode)) return `invalid packetization-mode (${mode.slice(0, 16)})`;
  }
  return undefined;
}
