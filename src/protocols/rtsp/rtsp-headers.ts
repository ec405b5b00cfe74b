// Canonical spellings of headers whose casing clients care about (RFC 2326 §12).
const CANONICAL: Record<string, string> = {
  cseq: 'CSeq', 'content-length': 'Content-Length', 'content-type': 'Content-Type', 'content-base': 'Content-Base',
  'www-authenticate': 'WWW-Authenticate', 'rtp-info': 'RTP-Info', session: 'Session', transport: 'Transport',
  public: 'Public', authorization: 'Authorization', range: 'Range', server: 'Server', location: 'Location', 'user-agent': 'User-Agent',
};

function canonical(name: string): string {
  return CANONICAL[name.toLowerCase()] ?? name;
}

/** Ordered, case-insensitive multi-map of RTSP headers. */
export class RtspHeaders {
  private readonly list: [string, string][] = [];

  /** First value of `name`. */
  get(name: string): string | undefined {
    const l = name.toLowerCase();
    return this.list.find(([k]) => k.toLowerCase() === l)?.[1];
  }

  /** Every value of `name`. */
  getAll(name: string): string[] {
    const l = name.toLowerCase();
    return this.list.filter(([k]) => k.toLowerCase() === l).map(([, v]) => v);
  }

  /** Replaces all values of `name`. */
  set(name: string, value: string): void {
    this.delete(name);
    this.list.push([canonical(name), value]);
  }

  /** Adds a value. */
  append(name: string, value: string): void { this.list.push([canonical(name), value]); }

  /** Removes all values of `name`. */
  delete(name: string): void {
    const l = name.toLowerCase();
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]![0].toLowerCase() === l) this.list.splice(i, 1);
  }

  /** Number of header lines. */
  get size(): number { return this.list.length; }

  /** Header lines in order. */
  entries(): readonly (readonly [string, string])[] { return this.list; }
}
