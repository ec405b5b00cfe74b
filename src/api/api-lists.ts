import type { Conf, PathConf } from '../conf/index.ts';
import type { ConnectionInfo, ParticipantInfo, PathSnapshot } from '../core/index.ts';
import { pathConfView } from './api-conf-view.ts';
import type { ApiHlsMuxer, ApiWebRtcConn } from './api-host.ts';

/** A v0.22.2 list answer: `{"items": {key: item}}`, keys sorted as Go writes map keys. */
export interface ItemsList { readonly items: Record<string, unknown> }

function itemsOf<T>(list: readonly T[], key: (x: T) => string, item: (x: T) => unknown): ItemsList {
  const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const items: Record<string, unknown> = {};
  for (const x of sorted) {
    const k = key(x);
    // defineProperty only where needed: a path named `__proto__` must be an entry, not the prototype.
    if (k === '__proto__') Object.defineProperty(items, k, { value: item(x), enumerable: true }); else items[k] = item(x);
  }
  return { items };
}

// v0.22.2's static sources, the redirect and the HLS muxer describe themselves by type alone.
const TYPE_ONLY = new Set<string>(['hlsMuxer', 'rtspSource', 'rtmpSource', 'hlsSource', 'udpSource', 'rpiCameraSource', 'redirect']);

/** `{type, id}` of a source or reader, or `{type}` for the kinds v0.22.2 gives no id. */
export function participantView(p: ParticipantInfo): Record<string, string> {
  return TYPE_ONLY.has(p.type) ? { type: p.type } : { type: p.type, id: p.id };
}

/** A body already serialized (JSON.stringify of it would give the same text). */
export class RawJson {
  constructor(readonly text: string) {}
}

// Configurations are frozen and replaced, never changed, by a reload: each one's JSON is made once. With 1,000 paths
// this is most of the answer, and most of the time it took (docs/limits.md).
const confJson = new WeakMap<PathConf, string>();
function cachedConfJson(pc: PathConf): string {
  let v = confJson.get(pc);
  if (v === undefined) { v = JSON.stringify(pathConfView(pc)); confJson.set(pc, v); }
  return v;
}

/** `GET /v1/paths/list`: the paths that exist now, each with the configuration of the entry it matched. */
export function pathsList(paths: readonly PathSnapshot[], conf: Conf): RawJson {
  // A path whose entry went away in a reload an instant ago is left out rather than shown without a configuration.
  const shown = paths.filter((p) => Object.hasOwn(conf.paths, p.confName)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items = shown.map((p) => `${JSON.stringify(p.name)}:{"confName":${JSON.stringify(p.confName)},"conf":${cachedConfJson(conf.paths[p.confName]!)},`
    + `"source":${p.source ? JSON.stringify(participantView(p.source)) : 'null'},"sourceReady":${p.sourceReady},`
    + `"tracks":${JSON.stringify(p.tracks)},"bytesReceived":${p.bytesReceived},"readers":${JSON.stringify(p.readers.map(participantView))}}`);
  return new RawJson(`{"items":{${items.join(',')}}}`);
}

/** `rtspconns/list`, `rtspsconns/list`. */
export function rtspConnsList(conns: readonly ConnectionInfo[]): ItemsList {
  return itemsOf(conns, (c) => c.id, (c) => ({
    created: c.created.toISOString(), remoteAddr: c.remoteAddr, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
  }));
}

/** `rtspsessions/list`, `rtspssessions/list`, `rtmpconns/list`, `rtmpsconns/list`: connections with their state. */
export function statefulList(conns: readonly ConnectionInfo[]): ItemsList {
  return itemsOf(conns, (c) => c.id, (c) => ({
    created: c.created.toISOString(), remoteAddr: c.remoteAddr, state: c.state ?? 'idle',
    bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
  }));
}

/** `hlsmuxers/list`: one muxer per path, keyed by path name. */
export function hlsMuxersList(muxers: readonly ApiHlsMuxer[]): ItemsList {
  return itemsOf(muxers, (m) => m.name, (m) => ({
    created: m.created.toISOString(), lastRequest: m.lastRequest.toISOString(), bytesSent: m.bytesSent,
  }));
}

/** `webrtcconns/list`. */
export function webRtcConnsList(conns: readonly ApiWebRtcConn[]): ItemsList {
  return itemsOf(conns, (c) => c.id, (c) => ({
    created: c.created.toISOString(), remoteAddr: c.remoteAddr, peerConnectionEstablished: c.peerConnectionEstablished ?? false,
    localCandidate: c.localCandidate ?? '', remoteCandidate: c.remoteCandidate ?? '', bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
  }));
}
