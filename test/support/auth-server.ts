import { createServer, type IncomingMessage, type Server } from 'node:http';

/** A tiny external authentication server on 127.0.0.1 that records what it receives. */
export interface FakeAuthServer { readonly url: string; readonly bodies: Record<string, unknown>[]; close(): Promise<void> }

/** Starts a server answering 200 when `allow(body)` is true, 401 otherwise. */
export async function startAuthServer(allow: (body: Record<string, unknown>) => boolean): Promise<FakeAuthServer> {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (d: Buffer) => { text += d.toString(); });
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try { body = JSON.parse(text) as Record<string, unknown>; } catch { body = { invalid: text }; }
      bodies.push(body);
      res.statusCode = allow(body) ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return { url: `http://127.0.0.1:${port}/auth`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}
