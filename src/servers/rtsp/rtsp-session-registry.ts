import { ConnectionRegistry, type Logger } from '../../lib/index.ts';
import type { RtspSession } from './rtsp-session.ts';

/** The connection that created a session: only it may reach the session, and it carries the session's TCP frames. */
export interface RtspSessionOwner {
  readonly remoteIp: string;
  /** `ip:port` of the connection, as the API lists it. */
  readonly remoteAddr: string;
  readonly log: Logger;
  /** The session closed: `err` is set when the path or the server ended it (not TEARDOWN, not the connection). */
  onSessionClosed(session: RtspSession, err: Error | undefined): void;
}

/** What the registry hands the session factory. */
export interface RtspSessionSeed {
  readonly remoteIp: string;
  readonly remoteAddr: string;
  readonly log: Logger;
  readonly onClose: (session: RtspSession, err: Error | undefined) => void;
}

const NO_SESSIONS: ReadonlySet<RtspSession> = new Set();

/**
 * Every RTSP session of one server, by id (API, kick) and by the connection that created it (request routing,
 * interleaved frames, timeouts). It is the only place sessions are kept: a session leaves it when it closes. The by-id
 * index is the ConnectionRegistry every server lists and kicks its connections with.
 */
export class RtspSessionRegistry {
  private readonly byId = new ConnectionRegistry<RtspSession>();
  private readonly byOwner = new Map<RtspSessionOwner, Set<RtspSession>>();
  private readonly ownerOf = new Map<RtspSession, RtspSessionOwner>();

  constructor(private readonly createSession: (seed: RtspSessionSeed) => RtspSession) {}

  /** Number of open sessions. */
  get size(): number { return this.byId.size; }

  /** Creates a session for `owner`; it stays registered until it closes. */
  open(owner: RtspSessionOwner): RtspSession {
    const session = this.createSession({
      remoteIp: owner.remoteIp, remoteAddr: owner.remoteAddr, log: owner.log,
      onClose: (s, err) => {
        this.remove(s);
        owner.onSessionClosed(s, err);
      },
    });
    this.byId.add(session);
    this.ownerOf.set(session, owner);
    let owned = this.byOwner.get(owner);
    if (!owned) { owned = new Set(); this.byOwner.set(owner, owned); }
    owned.add(session);
    return session;
  }

  /** The session with this id, whoever owns it. */
  get(id: string): RtspSession | undefined { return this.byId.get(id); }

  /** The session with this id if `owner` created it: sessions are reachable only from their connection (docs/limits.md §RTSP). */
  getOwned(owner: RtspSessionOwner, id: string): RtspSession | undefined {
    const s = this.byId.get(id);
    return s !== undefined && this.ownerOf.get(s) === owner ? s : undefined;
  }

  /** Open sessions `owner` created, oldest first (a live view). */
  ownedBy(owner: RtspSessionOwner): ReadonlySet<RtspSession> { return this.byOwner.get(owner) ?? NO_SESSIONS; }

  /** The most recent session `owner` created that is still open: requests without a Session header belong to it. */
  latestOf(owner: RtspSessionOwner): RtspSession | undefined {
    let last: RtspSession | undefined;
    for (const s of this.ownedBy(owner)) if (!s.isClosed) last = s;
    return last;
  }

  /** Every open session, oldest first. */
  list(): RtspSession[] { return this.byId.list(); }

  /** Closes the session with this id ("kicked"), whoever owns it; false when there is none. */
  kick(id: string): boolean { return this.byId.kick(id); }

  private remove(s: RtspSession): void {
    this.byId.remove(s);
    const owner = this.ownerOf.get(s);
    if (!owner) return;
    this.ownerOf.delete(s);
    const owned = this.byOwner.get(owner);
    owned?.delete(s);
    if (owned?.size === 0) this.byOwner.delete(owner);
  }
}
