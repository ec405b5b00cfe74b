/** What a registry needs from a connection. */
export interface RegisteredConnection { readonly id: string; close(reason?: Error): void }

/**
 * The connections of one protocol server, by id: for the API's list and kick, and for closing every one at shutdown.
 * Connections add themselves when accepted and remove themselves when closed.
 */
export class ConnectionRegistry<C extends RegisteredConnection> {
  private readonly byId = new Map<string, C>();

  /** Number of connections. */
  get size(): number { return this.byId.size; }

  /** Registers an accepted connection. */
  add(c: C): void { this.byId.set(c.id, c); }

  /** Forgets a closed connection. */
  remove(c: C): void { if (this.byId.get(c.id) === c) this.byId.delete(c.id); }

  /** Every connection, in accept order. */
  list(): C[] { return [...this.byId.values()]; }

  /** The connection with this id. */
  get(id: string): C | undefined { return this.byId.get(id); }

  /** Closes the connection with this id ("kicked"); false when there is none. */
  kick(id: string): boolean {
    const c = this.byId.get(id);
    c?.close(new Error('kicked'));
    return c !== undefined;
  }

  /** Closes every connection with `reason`. */
  closeAll(reason: Error): void { for (const c of [...this.byId.values()]) c.close(reason); }
}
