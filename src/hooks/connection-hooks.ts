import type { Logger } from '../lib/index.ts';
import { startHookPair, type HookPair } from './hook-pair.ts';
import { hookEnv } from './hook-env.ts';

/** The connection hooks of a server. */
export interface ConnectionHookCommands {
  /** runOnConnect: runs while the connection is open. */
  command: string;
  /** runOnConnectRestart. */
  restart: boolean;
  /** runOnDisconnect (MediaMTX v1): launched once when the connection closes. */
  offCommand: string;
}

/** The runOnConnect/runOnDisconnect hooks of one server, one pair per connection (MediaMTX's hooks.OnConnect). */
export class ConnectionHooks<K> {
  private readonly hooks = new Map<K, HookPair>();

  constructor(private o: ConnectionHookCommands & { rtspPort: number }) {}

  /** Takes new commands for connections opened from now on; open connections keep theirs (as MediaMTX on reload). */
  update(next: ConnectionHookCommands): void { this.o = { ...this.o, ...next }; }

  /** Starts runOnConnect for a new connection (MTX_CONN_TYPE/MTX_CONN_ID say which, as in MediaMTX v1). */
  open(conn: K, log: Logger, who: { type: string; id: string }): void {
    if (this.o.command === '' && this.o.offCommand === '') return;
    // MTX_PATH and RTSP_PATH are '' here, as v0.22.2 set them; v1 leaves them out, which a hook reads the same way.
    const env = hookEnv({ pathName: '', rtspPort: this.o.rtspPort, extra: { MTX_CONN_TYPE: who.type, MTX_CONN_ID: who.id } });
    this.hooks.set(conn, startHookPair({
      name: 'runOnConnect', command: this.o.command, restart: this.o.restart, offName: 'runOnDisconnect', offCommand: this.o.offCommand, env, log,
    }));
  }

  /** Stops the runOnConnect of a closed connection and launches its runOnDisconnect. */
  close(conn: K): void {
    const h = this.hooks.get(conn);
    if (h) { this.hooks.delete(conn); void h.stop(); }
  }

  /** Closes the hooks of every connection still open (each one disconnects) and waits for runOnConnect to exit. */
  async closeAll(): Promise<void> {
    const all = [...this.hooks.values()];
    this.hooks.clear();
    await Promise.all(all.map((h) => h.stop()));
  }
}
