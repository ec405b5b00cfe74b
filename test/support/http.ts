import { request } from 'node:http';

/** An HTTP answer as tests look at it. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly text: string;
  /** The body parsed as JSON (undefined when empty). */
  readonly json: unknown;
}

/** Sends one request to 127.0.0.1:port (a fresh connection, no agent) and reads the whole answer. */
export function httpRequest(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        const text = b.toString('utf8');
        let json: unknown;
        try { json = text === '' ? undefined : JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GET `path` from 127.0.0.1:port. */
export function httpGet(port: number, path: string): Promise<HttpAnswer> { return httpRequest(port, 'GET', path); }

/** POST `body` (an object is sent as JSON) to 127.0.0.1:port. */
export function httpPost(port: number, path: string, body?: unknown): Promise<HttpAnswer> {
  const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return httpRequest(port, 'POST', path, data, data === undefined ? {} : { 'Content-Type': 'application/json' });
}
