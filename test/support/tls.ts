import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Writes a self-signed key/cert pair for 127.0.0.1 into `dir` (openssl) and returns their paths. */
export function makeSelfSignedCert(dir: string): { key: string; cert: string } {
  const key = join(dir, 'server.key');
  const cert = join(dir, 'server.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore', timeout: 20_000 });
  return { key, cert };
}
