import type { Socket } from 'node:net';
import { ConnectionRegistry, openTcpListener, type ListenerTls, type Logger, type RegisteredConnection, type TcpListener } from '../lib/index.ts';
import { ConnectionHooks, type ConnectionHookCommands } from '../hooks/index.ts';

/** The connection hooks of a server as the configuration names them; they apply to connections accepted from then on. */
export interface ConnectionHookSettings { runOnConnect: string; runOnConnectRestart: boolean; runOnDisconnect: string }

const commandsOf = (s: ConnectionHookSettings): ConnectionHookCommands => ({ command: s.runOnConnect, restart: s.runOnConnectRestart, offCommand: s.runOnDisconnect });

/** Options of a ConnectionHost. */
export interface ConnectionHostOptions<C extends RegisteredConnection> {
  /** MTX_CONN_TYPE of the connection hooks (`rtspConn`, `rtmpsConn`, …). */
  readonly connType: string;
  /** runOnConnect/runOnDisconnect at start, and the RTSP port exported to them. */
  readonly hooks: ConnectionHookSettings & { rtspPort: number };
  /** Makes the connection of an accepted socket; the connection calls `onClose` once, when it closes. */
  create(socket: Socket, onClose: (c: C) => void): C;
  /**
   * Loads what create() needs (the connection code, imported on the first connection); undefined once it is loaded.
   * A socket accepted meanwhile waits, its bytes buffered; if the load fails, the socket is closed and the error logged.
   */
  prepare?(): Promise<unknown> | undefined;
  /** Where a failed prepare() is logged. */
  readonly log: Logger;
  /** The logger the hooks of a connection write to. */
  hookLog(c: C): Logger;
}

/**
 * The TCP side every connection-oriented protocol server (RTSP/RTSPS, RTMP/RTMPS) shares: the listener, the registry
 * of accepted connections (API list and kick), their runOnConnect/runOnDisconnect hooks, and refusing sockets once
 * closing. What a connection does stays with the server's own connection class.
 */
export class ConnectionHost<C extends RegisteredConnection> {
  private readonly registry = new ConnectionRegistry<C>();
  private readonly hooks: ConnectionHooks<C>;
  private listener: TcpListener | undefined;
  private closed = false;

  constructor(private readonly opts: ConnectionHostOptions<C>) {
    this.hooks = new ConnectionHooks({ ...commandsOf(opts.hooks), rtspPort: opts.hooks.rtspPort });
  }

  /** Opens the TCP (or TLS) listener; accepted sockets become connections. */
  async listen(address: string, tls: ListenerTls | undefined): Promise<void> {
    this.listener = await openTcpListener({ address, ...(tls ? { tls } : {}), onSocket: (s) => this.accept(s) });
  }

  /** Port the listener is bound to (0 before listen). */
  get port(): number { return this.listener?.port ?? 0; }

  /** True once close() was called. */
  get isClosed(): boolean { return this.closed; }

  /** Open connections, in accept order. */
  list(): C[] { return this.registry.list(); }

  /** Closes the connection with this id ("kicked"); false when there is none. */
  kick(id: string): boolean { return this.registry.kick(id); }

  /** Takes new runOnConnect/runOnDisconnect commands for connections accepted from now on. */
  update(next: ConnectionHookSettings): void { this.hooks.update(commandsOf(next)); }

  /**
   * Stops the listener and closes every connection at once (before the first await, so a caller can close what
   * depends on them right after calling); resolves when the listener is closed and every runOnConnect has exited.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = this.listener?.close();
    this.registry.closeAll(new Error('server is shutting down'));
    await Promise.all([closing, this.hooks.closeAll()]);
  }

  private accept(socket: Socket): void {
    // The listener may still hand over a socket accepted while close() ran.
    if (this.closed) { socket.destroy(); return; }
    const preparing = this.opts.prepare?.();
    if (preparing === undefined) { this.admit(socket); return; }
    // Until the connection takes the socket, a reset by the client must not become an uncaught 'error' event; the
    // socket is then destroyed, which the check below sees.
    const onEarlyError = (err: Error): void => this.opts.log.debug(`connection from ${socket.remoteAddress ?? '?'} failed before it started: ${err.message}`);
    socket.on('error', onEarlyError);
    preparing.then(() => {
      socket.off('error', onEarlyError);
      if (this.closed || socket.destroyed) { socket.destroy(); return; }
      this.admit(socket);
    }).catch((err: unknown) => {
      socket.off('error', onEarlyError);
      this.opts.log.error(`connection from ${socket.remoteAddress ?? '?'} refused: ${(err as Error).message}`);
      socket.destroy();
    });
  }

  private admit(socket: Socket): void {
    const conn = this.opts.create(socket, (c) => {
      this.registry.remove(c);
      this.hooks.close(c);
    });
    this.registry.add(conn);
    this.hooks.open(conn, this.opts.hookLog(conn), { type: this.opts.connType, id: conn.id });
  }
}
