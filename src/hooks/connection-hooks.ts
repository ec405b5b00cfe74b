import type { Logger } from '../lib/index.ts';
import { startHook, type HookHandle } from './external-cmd.ts';
import { hookEnv } from './hook-env.ts';

/** The runOnConnect hooks of one server: one per connection, stopped when it closes (MediaMTX's conn hooks). */
export class ConnectionHooks<K> {
  private readonly hooks = new Map<K, HookHandle>();

  constructor(private o: { command: string; restart: boolean; rtspPort: number }) {}

  /** Takes a new command for connections opened from now on; running hooks keep theirs (as MediaMTX on reload). */
  update(next: { command: string; restart: boolean }): void { this.o = { ...this.o, ...next }; }

  /** Starts the hook of a new connection (MTX_CONN_TYPE/MTX_CONN_ID say which, as in MediaMTX v1); nothing when no command is set. */
  open(conn: K, log: Logger, who: { type: string; id: string }): void {
    if (this.o.command === '') return;
    const env = hookEnv({ pathName: '', rtspPort: this.o.rtspPort, extra: { MTX_CONN_TYPE: who.type, MTX_CONN_ID: who.id } });
    this.hooks.set(conn, startHook({ command: this.o.command, restart: this.o.restart, env, log }));
  }

  /** Stops the hook of a closed connection. */
  close(conn: K): void {
    const h = this.hooks.get(conn);
    if (h) { this.hooks.delete(conn); void h.close(); }
  }

  /** Stops every hook and waits for them to exit. */
  async closeAll(): Promise<void> {
    const all = [...this.hooks.values()];
    this.hooks.clear();
    await Promise.all(all.map((h) => h.close()));
  }
}
