import type { Stream } from '../stream/index.ts';
import { streamCode } from './stream-code.ts';
import type { ParticipantInfo, PathSnapshot, PathTrack } from './contracts.ts';
import { CODEC_DISPLAY_NAMES } from './track-names.ts';

/** What a path knows that its snapshot shows. */
export interface PathSnapshotInput {
  readonly name: string;
  readonly confName: string;
  readonly source: ParticipantInfo | undefined;
  /** The stream readers get, when the path is ready. */
  readonly stream: Stream | undefined;
  /** When that stream became ready. */
  readonly readyTime: Date | undefined;
  readonly readers: readonly ParticipantInfo[];
}

/** The tracks of a stream, one per format, with the properties of its current parameters (an SPS sent in band counts). */
export function streamTracks(stream: Stream): PathTrack[] {
  return stream.description.medias.flatMap((m) => m.formats.map((f) => ({ codec: CODEC_DISPLAY_NAMES[f.codec], codecProps: streamCode.get().trackCodecProps(f) })));
}

/**
 * A plain-data view of a path for the API and metrics. As in MediaMTX, the tracks, ready time and counters are those
 * of the current stream: a path that is not ready shows none (its counters start again at the next stream).
 */
export function pathSnapshot(p: PathSnapshotInput): PathSnapshot {
  const s = p.stream;
  const tracks = s ? streamTracks(s) : [];
  return {
    name: p.name, confName: p.confName, source: p.source, sourceReady: s !== undefined,
    ...(s && p.readyTime ? { readyTime: p.readyTime } : {}),
    tracks: tracks.map((t) => t.codec), trackDetails: tracks,
    bytesReceived: s?.stats.bytesIn ?? 0, bytesSent: s?.stats.bytesOut ?? 0, framesInError: s?.stats.framesInError ?? 0,
    readers: p.readers,
  };
}
