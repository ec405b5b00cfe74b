import type Nacl from 'tweetnacl';
import { requireCjsPackage } from '../lib/index.ts';
import { ConfError } from './conf-error.ts';

/** tweetnacl, loaded on the first encrypted configuration: most servers never open one. */
function nacl(): typeof Nacl { return requireCjsPackage<typeof Nacl>('tweetnacl'); }

const NONCE_BYTES = 24;

function keyBytes(key: string): Uint8Array {
  // MediaMTX copies the key string into a 32-byte array: shorter keys are zero padded, longer ones truncated.
  const k = new Uint8Array(32);
  k.set(Buffer.from(key, 'utf8').subarray(0, 32));
  return k;
}

/** Opens a config encrypted as base64(nonce(24) + NaCl secretbox); `keyVar` names the variable in errors. */
export function decryptConf(base64: string, key: string, keyVar = 'MTX_CONFKEY'): string {
  const raw = Buffer.from(base64.trim(), 'base64');
  if (raw.length < NONCE_BYTES + nacl().secretbox.overheadLength) {
    throw new ConfError(`the configuration could not be decrypted with ${keyVar}: the file is too short to be an encrypted configuration`);
  }
  const opened = nacl().secretbox.open(raw.subarray(NONCE_BYTES), raw.subarray(0, NONCE_BYTES), keyBytes(key));
  if (!opened) throw new ConfError(`the configuration could not be decrypted with ${keyVar}: wrong key or corrupted file`);
  return Buffer.from(opened).toString('utf8');
}

/** Encrypts a config for `MTX_CONFKEY` (used by tests and by users preparing a file). */
export function encryptConf(plain: string, key: string): string {
  const nonce = nacl().randomBytes(NONCE_BYTES);
  const box = nacl().secretbox(Buffer.from(plain, 'utf8'), nonce, keyBytes(key));
  return Buffer.concat([Buffer.from(nonce), Buffer.from(box)]).toString('base64');
}
