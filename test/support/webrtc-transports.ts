import type { Page } from 'playwright-core';
import { start, waitFor, type Running } from './process.ts';

/** Keeps only the SDP candidate lines (RFC 8839 §5.1) that `keep` accepts; the other lines are unchanged. */
export function filterCandidates(sdp: string, keep: (line: string) => boolean): string {
  return sdp.split(/\r\n/).filter((l) => !l.startsWith('a=candidate:') || keep(l)).join('\r\n');
}

/**
 * Rewrites the page's WHEP exchange so that only TCP candidates are left on both sides: the offer's UDP candidates
 * are dropped on the way to the server, the answer's on the way back. ICE then has no UDP pair to try.
 */
export async function onlyTcpCandidates(page: Page): Promise<void> {
  await page.route('**/whep', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') { await route.continue(); return; }
    const tcp = (l: string): boolean => / tcp /i.test(l);
    const res = await route.fetch({ postData: filterCandidates(req.postData() ?? '', tcp) });
    await route.fulfill({ response: res, body: filterCandidates(await res.text(), tcp) });
  });
}

/** Makes every RTCPeerConnection of the page gather and use relay candidates only (W3C webrtc-pc §4.2.1). */
export async function relayOnly(page: Page): Promise<void> {
  await page.addInitScript(`(() => {
    const Orig = window.RTCPeerConnection;
    window.RTCPeerConnection = function (config) { return new Orig(Object.assign({}, config, { iceTransportPolicy: 'relay' })); };
    window.RTCPeerConnection.prototype = Orig.prototype;
  })()`);
}

/** The nominated candidate pair of the page's peer connection: candidate types, protocols and addresses. */
export interface SelectedPair { local: { type: string; protocol: string; address: string }; remote: { type: string; protocol: string; address: string } }

// Runs in the page (a string: the project compiles without the DOM library).
const PAIR_SCRIPT = `(async () => {
  const pc = window.webrtcPc;
  if (!pc) return undefined;
  const stats = await pc.getStats();
  const byId = new Map(); stats.forEach((s) => byId.set(s.id, s));
  let out;
  const c = (s) => ({ type: s.candidateType, protocol: s.protocol + (s.relayProtocol ? '/' + s.relayProtocol : ''), address: s.address + ':' + s.port });
  const pairOf = (s) => ({ local: c(byId.get(s.localCandidateId)), remote: c(byId.get(s.remoteCandidateId)) });
  // The transport names its selected pair; a pair's own state can read 'in-progress' for a moment during a consent check.
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId && byId.has(s.selectedCandidatePairId)) out = pairOf(byId.get(s.selectedCandidatePairId));
  });
  if (!out) stats.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') out = pairOf(s); });
  return out;
})()`;

/** Reads the page's selected candidate pair (undefined before ICE completes). */
export async function selectedPair(page: Page): Promise<SelectedPair | undefined> {
  // Asked again for up to 5 s: in one CI run the stats named no selected pair once, while media flowed.
  const deadline = Date.now() + 5000;
  for (;;) {
    const pair = await page.evaluate(PAIR_SCRIPT) as SelectedPair | undefined;
    if (pair || Date.now() > deadline) return pair;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Auth of a coturn instance: static long-term credentials, or the REST API shared secret (`use-auth-secret`). */
export type TurnAuth = { user: string; pass: string } | { secret: string };

/**
 * Starts Debian's coturn on 127.0.0.1:`port` (UDP and TCP), relaying from 127.0.0.1 ports `relayPorts`, loopback
 * peers allowed (the server's candidates are 127.0.0.1), no TLS, no CLI; resolves once it listens.
 */
export async function startCoturn(port: number, relayPorts: [number, number], auth: TurnAuth): Promise<Running> {
  const args = [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`, `--min-port=${relayPorts[0]}`, `--max-port=${relayPorts[1]}`,
    '--realm=mediamtx-ts.test', '--allow-loopback-peers', '--no-cli', '--no-tls', '--no-dtls', '--log-file=stdout', '--simple-log', '--verbose',
    '--fingerprint', '--no-multicast-peers',
    ...('secret' in auth ? ['--use-auth-secret', `--static-auth-secret=${auth.secret}`] : ['--lt-cred-mech', `--user=${auth.user}:${auth.pass}`]),
  ];
  const turn = start('turnserver', args, { timeoutMs: 300_000 });
  await waitFor(() => /Total (UDP|General) servers|relay 127\.0\.0\.1 initialization done|IPv4\. UDP listener opened on: 127\.0\.0\.1/.test(turn.output().stdout), {
    timeoutMs: 10_000, what: 'coturn listening', detail: () => turn.output().stdout.slice(-1500) + turn.output().stderr.slice(-500),
  });
  return turn;
}
