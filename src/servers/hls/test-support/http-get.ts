import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** An HTTP answer as the tests look at it. */
export interface HttpAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string }

/** One request on a fresh connection to 127.0.0.1:`port`; gzip bodies are decoded. */
export function httpGet(port: number, target: string, o: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let body = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() });
      });
    });
    req.setTimeout(o.timeoutMs ?? 5000, () => req.destroy(new Error(`no answer to ${target} within ${o.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end();
  });
}
