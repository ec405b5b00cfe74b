import { RtspParseError } from './rtsp-parse-error.ts';

/** One transport of a Transport header (RFC 2326 §12.39). */
export interface RtspTransportSpec {
  /** Profile, e.g. `RTP/AVP`. */
  readonly protocol: string;
  readonly lowerTransport: 'udp' | 'tcp';
  readonly delivery?: 'unicast' | 'multicast';
  readonly clientPorts?: readonly [number, number];
  readonly serverPorts?: readonly [number, number];
  readonly interleaved?: readonly [number, number];
  readonly ports?: readonly [number, number];
  readonly destination?: string;
  readonly source?: string;
  readonly ttl?: number;
  readonly mode?: 'play' | 'record';
  readonly ssrc?: string;
}

function range(v: string, max: number): [number, number] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(v);
  if (!m) throw new RtspParseError(`invalid port range '${v.slice(0, 32)}'`);
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a + 1;
  if (a > max || b > max) throw new RtspParseError(`port range '${v.slice(0, 32)}' out of bounds`);
  return [a, b];
}

function parseOne(text: string): RtspTransportSpec {
  const parts = text.split(';').map((p) => p.trim()).filter((p) => p !== '');
  const proto = parts.shift() ?? '';
  const m = /^(RTP\/S?AVPF?)(?:\/(UDP|TCP))?$/i.exec(proto);
  if (!m) throw new RtspParseError(`unsupported transport protocol '${proto.slice(0, 32)}'`);
  const spec: { -readonly [K in keyof RtspTransportSpec]: RtspTransportSpec[K] } = {
    protocol: m[1]!.toUpperCase(), lowerTransport: m[2]?.toUpperCase() === 'TCP' ? 'tcp' : 'udp',
  };
  for (const p of parts) {
    const eq = p.indexOf('=');
    const key = (eq >= 0 ? p.slice(0, eq) : p).toLowerCase();
    const value = eq >= 0 ? p.slice(eq + 1).replace(/^"|"$/g, '') : '';
    switch (key) {
      case 'unicast': spec.delivery = 'unicast'; break;
      case 'multicast': spec.delivery = 'multicast'; break;
      case 'client_port': spec.clientPorts = range(value, 65535); break;
      case 'server_port': spec.serverPorts = range(value, 65535); break;
      case 'port': spec.ports = range(value, 65535); break;
      case 'interleaved': spec.interleaved = range(value, 255); break;
      case 'destination': spec.destination = value; break;
      case 'source': spec.source = value; break;
      case 'ssrc': spec.ssrc = value; break;
      case 'ttl': {
        if (!/^\d{1,3}$/.test(value) || Number(value) > 255) throw new RtspParseError(`invalid ttl '${value.slice(0, 16)}'`);
        spec.ttl = Number(value);
        break;
      }
      case 'mode': {
        const v = value.toLowerCase();
        if (v !== 'play' && v !== 'record' && v !== 'receive') throw new RtspParseError(`invalid mode '${value.slice(0, 16)}'`);
        spec.mode = v === 'play' ? 'play' : 'record';
        break;
      }
      default: break; // unknown parameters are ignored (RFC 2326 §12.39)
    }
  }
  return spec;
}

/** Parses a Transport header into the client's transports, in preference order. */
export function parseTransportHeader(value: string): RtspTransportSpec[] {
  if (value.trim() === '') throw new RtspParseError('empty Transport header');
  const list = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (list.length > 16) throw new RtspParseError('too many transports');
  return list.map(parseOne);
}

/** Serialises one transport for a SETUP response. */
export function serializeTransportSpec(t: RtspTransportSpec): string {
  const out = [t.lowerTransport === 'tcp' ? `${t.protocol}/TCP` : t.protocol];
  if (t.delivery) out.push(t.delivery);
  if (t.destination !== undefined) out.push(`destination=${t.destination}`);
  if (t.source !== undefined) out.push(`source=${t.source}`);
  if (t.interleaved) out.push(`interleaved=${t.interleaved[0]}-${t.interleaved[1]}`);
  if (t.clientPorts) out.push(`client_port=${t.clientPorts[0]}-${t.clientPorts[1]}`);
  if (t.serverPorts) out.push(`server_port=${t.serverPorts[0]}-${t.serverPorts[1]}`);
  if (t.ports) out.push(`port=${t.ports[0]}-${t.ports[1]}`);
  if (t.ttl !== undefined) out.push(`ttl=${t.ttl}`);
  if (t.ssrc !== undefined) out.push(`ssrc=${t.ssrc}`);
  if (t.mode === 'record') out.push('mode=record');
  return out.join(';');
}
