import { createReadStream } from 'node:fs';
import { mkdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Logger } from '../../lib/index.ts';
import { joinChunks, type HlsBody, type HlsByteRange, type HlsStorage } from './hls-storage.ts';

/** A file of the directory: its bytes while they are not on disk yet or the file is one of the newest. */
interface Entry {
  bytes: Buffer | undefined;
  /** queued: its write waits for the disk; writing: the disk has its bytes; written: done (or failed). */
  state: 'queued' | 'writing' | 'written';
}

// The newest files stay in memory after they are written: every live reader asks for the newest segment within a
// second of each other, so they are served the same bytes, not one disk read each; older ones come from disk.
const RECENT_IN_MEMORY = 2;
// One read per request for a file up to this size (a segment), not 64 KiB chunks each waiting for the thread pool.
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Writes the files of one muxer in a folder (`hlsDirectory`; MediaMTX uses `<hlsDirectory>/<path name>`), removes
 * each when it leaves the playlist, and the files and the folder when the muxer closes. Disk work runs in order on
 * one promise chain, off the event loop; until a file is written, and while it is one of the RECENT_IN_MEMORY newest,
 * requests are served from memory. A file is written under a temporary name and renamed, so a request never reads
 * half a file (the init segment is rewritten when the video parameters change).
 */
export class HlsDirectoryStorage implements HlsStorage {
  private readonly files = new Map<string, Entry>();
  /** The newest files put, oldest first. */
  private readonly recent: Entry[] = [];
  private chain: Promise<void> = Promise.resolve();
  private isCreated = false;
  private isClosed = false;
  private heldBytes = 0;

  /**
   * `log`: where failed disk operations are reported (a full disk must not stop the stream). `root`: the folder
   * `directory` was made in (`hlsDirectory`); the folders between them (`a` of path `a/b`) are removed on close too
   * when they are left empty.
   */
  constructor(readonly directory: string, private readonly log?: Logger, private readonly root?: string) {}

  put(fileName: string, chunks: readonly Buffer[]): void {
    if (this.isClosed) return;
    const bytes = joinChunks(chunks);
    const entry: Entry = { bytes, state: 'queued' };
    this.forget(fileName);
    this.files.set(fileName, entry);
    this.heldBytes += bytes.length;
    this.recent.push(entry);
    if (this.recent.length > RECENT_IN_MEMORY) {
      const old = this.recent.shift()!;
      if (old.state === 'written') this.drop(old);
    }
    const path = join(this.directory, fileName);
    // The write reads the entry's bytes when its turn comes, not a copy kept by this closure: a file removed while
    // queued (a disk slower than the stream, or hung) is skipped and its bytes go at once, so memory stays bounded
    // by the files listed instead of growing with every segment the disk has not taken yet.
    this.enqueue(`write ${path}`, async () => {
      const data = entry.bytes;
      if (data === undefined) return; // removed before its turn
      entry.state = 'writing';
      try {
        if (!this.isCreated) { await mkdir(this.directory, { recursive: true }); this.isCreated = true; }
        await writeFile(`${path}.tmp`, data);
        await rename(`${path}.tmp`, path);
      } finally {
        entry.state = 'written';
        if (!this.recent.includes(entry)) this.drop(entry);
      }
    });
  }

  read(fileName: string, range?: HlsByteRange): HlsBody | undefined {
    const entry = this.files.get(fileName);
    if (!entry) return undefined;
    if (entry.bytes) return range ? entry.bytes.subarray(range.offset, range.offset + range.length) : entry.bytes;
    const path = join(this.directory, fileName);
    const options = { highWaterMark: READ_CHUNK_BYTES, ...(range ? { start: range.offset, end: range.offset + range.length - 1 } : {}) };
    // A ReadStream yields Buffers; a segment removed before the request reads it ends the stream with ENOENT.
    return () => createReadStream(path, options) as AsyncIterable<Buffer>;
  }

  remove(fileName: string): void {
    if (this.forget(fileName)) this.unlinkLater(fileName);
  }

  get memoryBytes(): number { return this.heldBytes; }

  /** Resolves when every disk operation queued so far is done. */
  idle(): Promise<void> { return this.chain; }

  close(): Promise<void> {
    if (this.isClosed) return this.chain;
    this.isClosed = true;
    for (const name of [...this.files.keys()]) this.remove(name);
    this.enqueue(`remove ${this.directory}`, async () => {
      if (!this.isCreated) return;
      // MediaMTX removes the folder only when empty: other files there are not the muxer's.
      for (const dir of this.foldersToRemove()) {
        const isRemoved = await rmdir(dir).then(() => true, (e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST' && e.code !== 'ENOENT') throw e;
          return false;
        });
        if (!isRemoved) return; // a folder that stays keeps its parents
      }
    });
    return this.chain;
  }

  /** The muxer's folder, then each parent below `root`, innermost first. */
  private foldersToRemove(): string[] {
    const out = [this.directory];
    if (this.root === undefined) return out;
    for (let dir = dirname(this.directory); isInside(dir, this.root); dir = dirname(dir)) out.push(dir);
    return out;
  }

  /** Drops a file from the index (and its bytes from memory); true when it was there. */
  private forget(fileName: string): boolean {
    const entry = this.files.get(fileName);
    if (!entry) return false;
    this.files.delete(fileName);
    const i = this.recent.indexOf(entry);
    if (i >= 0) this.recent.splice(i, 1);
    // Bytes being written stay referenced by the write; they are counted until it ends. Queued ones are not written.
    if (entry.state !== 'writing') this.drop(entry);
    return true;
  }

  /** Lets a file's bytes go from memory. */
  private drop(entry: Entry): void {
    if (!entry.bytes) return;
    this.heldBytes -= entry.bytes.length;
    entry.bytes = undefined;
  }

  private unlinkLater(fileName: string): void {
    const path = join(this.directory, fileName);
    this.enqueue(`remove ${path}`, () => unlink(path).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; }));
  }

  private enqueue(what: string, op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((e: Error) => this.log?.warn(`HLS storage: can't ${what}: ${e.message}`));
  }
}

/** True when `dir` is strictly inside `root`. */
function isInside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel);
}
