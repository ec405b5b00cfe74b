/** A file's bytes as a response carries them: one Buffer in memory, or a stream read from disk as it is sent. */
export type HlsBody = Buffer | (() => AsyncIterable<Buffer>);

/** A byte range of a stored file: where a part lies in its segment. */
export interface HlsByteRange { readonly offset: number; readonly length: number }

/**
 * Where a muxer keeps the files it serves: the init segment and the segments, each written once when complete and
 * read by every request (parts are read as ranges of their segment). Memory by default (HlsMemoryStorage);
 * `hlsDirectory` gives HlsDirectoryStorage.
 */
export interface HlsStorage {
  /** Stores a complete file made of `chunks`, in order, replacing a file of the same name. */
  put(fileName: string, chunks: readonly Buffer[]): void;
  /** The bytes of a stored file, or of a range of it; undefined when there is no such file. */
  read(fileName: string, range?: HlsByteRange): HlsBody | undefined;
  /** Forgets a file (a segment that left the playlist). */
  remove(fileName: string): void;
  /** Bytes held in memory (all of them in memory, those not yet on disk with a directory). */
  readonly memoryBytes: number;
  /** Removes every file; resolves when done. Called by HlsMuxer.close(). */
  close(): Promise<void>;
}

/** One Buffer from chunks, copying only when there are several. */
export function joinChunks(chunks: readonly Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * Keeps files in memory. Each file is one Buffer, joined once when stored; a part is a view into its segment, so
 * every request for a file or part is served from the same bytes (docs/performance.md, serialise once).
 */
export class HlsMemoryStorage implements HlsStorage {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;

  put(fileName: string, chunks: readonly Buffer[]): void {
    this.remove(fileName);
    const b = joinChunks(chunks);
    this.files.set(fileName, b);
    this.bytes += b.length;
  }

  read(fileName: string, range?: HlsByteRange): Buffer | undefined {
    const b = this.files.get(fileName);
    return b && range ? b.subarray(range.offset, range.offset + range.length) : b;
  }

  remove(fileName: string): void {
    const b = this.files.get(fileName);
    if (!b) return;
    this.bytes -= b.length;
    this.files.delete(fileName);
  }

  get memoryBytes(): number { return this.bytes; }

  close(): Promise<void> {
    this.files.clear();
    this.bytes = 0;
    return Promise.resolve();
  }
}
