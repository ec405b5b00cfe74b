import { redactUrl } from '../lib/index.ts';

/** Variables that decrypt the configuration: never expanded nor passed to hooks (docs/limits.md §Hooks). */
export const SECRET_ENV_NAMES: ReadonlySet<string> = new Set(['MTX_CONFKEY', 'RTSP_CONFKEY']);

// Configuration variables that carry a password: `MTX_PATHS_CAM_READPASS`, `MTX_AUTHINTERNALUSERS_0_PASS`,
// `MTX_WEBRTCICESERVERS2_0_PASSWORD`, and the legacy RTSP_ prefix's.
const PASSWORD_VARIABLE = /^(?:MTX|RTSP)_\w*PASS(?:WORD)?$/;
const CONFIG_VARIABLE = /^(?:MTX|RTSP)_/;

/**
 * True for a variable a hook or helper process must not see: the configuration key, and configuration variables
 * that set a password (RELIABILITY D5: MediaMTX passes its whole environment on; secrets stay with the server here).
 */
export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAMES.has(name) || PASSWORD_VARIABLE.test(name);
}

/**
 * A server variable as child processes (hooks, the camera tool) see it: undefined for a secret one, passwords in the
 * URLs of configuration variables masked (`MTX_PATHS_CAM_SOURCE=rtsp://admin:xxxxx@cam`).
 */
export function inheritedValue(name: string, value: string): string | undefined {
  if (isSecretEnvName(name)) return undefined;
  return CONFIG_VARIABLE.test(name) ? redactUrl(value) : value;
}

/** The server's environment as child processes get it (inheritedValue of each variable). */
export function inheritedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const shown = v === undefined ? undefined : inheritedValue(k, v);
    if (shown !== undefined) out[k] = shown;
  }
  return out;
}
