import { parseConf, type PathConf } from '../../src/conf/index.ts';
import type { Description, Format, Media, RtpPacket } from '../../src/formats/index.ts';
import { Logger } from '../../src/lib/index.ts';
import type { StaticSourceContext } from '../../src/core/index.ts';
import type { SubStream, Unit } from '../../src/stream/index.ts';

/** What a fake path saw of its source. */
export interface SourceRecord {
  /** Descriptions given to setReady, in order. */
  readonly readies: Description[];
  /** RTP packets written, by payload type. */
  readonly rtp: Map<number, RtpPacket[]>;
  /** Units written, by codec. */
  readonly units: Map<string, Unit[]>;
  readonly lines: string[];
}

/** The path configuration of `yaml` lines under `paths.cam` (with `source` set to `url`). */
export function pathConf(url: string, yaml = ''): PathConf {
  const body = [`source: ${url}`, ...yaml.split('\n').filter((l) => l !== '')].map((l) => `    ${l}`).join('\n');
  return parseConf(`rtmpDisable: yes\nhlsDisable: yes\nwebrtcDisable: yes\npaths:\n  cam:\n${body}\n`, {}).conf.paths.cam!;
}

/** A StaticSourceContext whose path records what the source does; abort with `abort`. */
export function fakeSourceContext(url: string, yaml = ''): { ctx: StaticSourceContext; record: SourceRecord; abort: AbortController } {
  const record: SourceRecord = { readies: [], rtp: new Map(), units: new Map(), lines: [] };
  const abort = new AbortController();
  const sub: SubStream = {
    writeUnit: (_m: Media, f: Format, u: Unit) => { const l = record.units.get(f.codec) ?? []; l.push(u); record.units.set(f.codec, l); },
    writeRtpPacket: (_m: Media, _f: Format, p: RtpPacket) => { const l = record.rtp.get(p.payloadType) ?? []; l.push(p); record.rtp.set(p.payloadType, l); return undefined; },
  };
  const ctx: StaticSourceContext = {
    url, conf: pathConf(url, yaml), signal: abort.signal,
    log: Logger.create({ level: 'debug', destinations: [], sink: (l) => record.lines.push(l) }),
    setReady: (d) => { record.readies.push(d); return sub; },
    setNotReady: () => {},
  };
  return { ctx, record, abort };
}

/** Resolves when `cond()` holds, polling every 10 ms; rejects after `timeoutMs` naming `what`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
