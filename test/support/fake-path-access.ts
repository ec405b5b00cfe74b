import { AuthError } from '../../src/auth/index.ts';
import {
  NoStreamAvailableError, PathBusyError,
  type AccessRequest, type DescribeResult, type PathAccess, type Publisher, type PublisherLease, type Reader, type ReaderLease,
} from '../../src/core/index.ts';
import type { Description } from '../../src/formats/index.ts';
import { Stream } from '../../src/stream/index.ts';

/**
 * An in-memory PathAccess for testing a protocol server without the core (MediaMTX's test.PathManager): publishers
 * get a plain Stream that readers can read once started, and every request is recorded in `events`.
 */
export class FakePathAccess implements PathAccess {
  /** Ready streams by path name. */
  readonly streams = new Map<string, Stream>();
  /** `publish cam`, `start cam`, `read cam`, `release reader cam`, … in order. */
  readonly events: string[] = [];
  /** Requests as they arrived (credentials included), for assertions on what the server sent. */
  readonly requests: AccessRequest[] = [];
  /** Paths that answer AuthError(askCredentials) to requests without credentials. */
  readonly protectedPaths = new Set<string>();
  /** Paths whose publisher slot is taken. */
  readonly busyPaths = new Set<string>();
  /** Who published and who reads, for kicking them in tests. */
  readonly publishers = new Map<string, Publisher>();
  readonly readers = new Map<string, Reader[]>();

  /** The credentials check of check(), not recorded: the joining call that follows records the request. */
  async authorize(req: AccessRequest): Promise<void> {
    if (this.protectedPaths.has(req.pathName) && !req.credentials) throw new AuthError('credentials required', true);
  }

  async addPublisher(req: AccessRequest, who: Publisher, desc: Description): Promise<PublisherLease> {
    this.check(req);
    if (this.busyPaths.has(req.pathName)) throw new PathBusyError(req.pathName);
    const stream = new Stream(desc);
    this.events.push(`publish ${req.pathName}`);
    this.publishers.set(req.pathName, who);
    return {
      pathName: req.pathName, user: req.credentials?.user ?? '', subStream: stream, stream,
      start: () => { this.events.push(`start ${req.pathName}`); this.streams.set(req.pathName, stream); },
      release: () => {
        this.events.push(`release publisher ${req.pathName}`);
        if (this.streams.get(req.pathName) === stream) this.streams.delete(req.pathName);
        stream.close();
      },
    };
  }

  async addReader(req: AccessRequest, who: Reader): Promise<ReaderLease> {
    const stream = this.streamOf(req);
    this.events.push(`read ${req.pathName}`);
    this.readers.set(req.pathName, [...(this.readers.get(req.pathName) ?? []), who]);
    return { pathName: req.pathName, user: req.credentials?.user ?? '', stream, release: () => { this.events.push(`release reader ${req.pathName}`); } };
  }

  async describe(req: AccessRequest): Promise<DescribeResult> { return { stream: this.streamOf(req) }; }

  /** describe() without the wait: the ready stream of a path its request may read, recorded as describe() records; else undefined. */
  describeNow(req: AccessRequest): DescribeResult | undefined {
    const stream = this.streams.get(req.pathName);
    if (!stream || (this.protectedPaths.has(req.pathName) && !req.credentials)) return undefined;
    this.requests.push(req);
    return { stream };
  }

  private streamOf(req: AccessRequest): Stream {
    this.check(req);
    const stream = this.streams.get(req.pathName);
    if (!stream) throw new NoStreamAvailableError(req.pathName);
    return stream;
  }

  private check(req: AccessRequest): void {
    this.requests.push(req);
    if (this.protectedPaths.has(req.pathName) && !req.credentials) throw new AuthError('credentials required', true);
  }
}
