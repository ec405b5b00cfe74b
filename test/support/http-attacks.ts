import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** TCP states of /proc/net/tcp (include/net/tcp_states.h). */
const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};

/**
 * The state of the server's end of a connection (local port `serverPort`, peer port `clientPort`) as the kernel of
 * this network namespace lists it, or 'gone'. A server that closed its socket shows FIN_WAIT* or nothing, never
 * ESTABLISHED: this is how a test sees that the server let go of a client that does not read.
 */
export function serverSideTcpState(serverPort: number, clientPort: number): string {
  const hex = (p: number): string => p.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex(serverPort)}`) && f[2]?.endsWith(`:${hex(clientPort)}`)) return TCP_STATES[f[3] ?? ''] ?? f[3]!;
    }
  }
  return 'gone';
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** The pid of the process whose command line contains `needle` (a test server's configuration path). */
export function pidWithArg(needle: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) return Number(d);
    } catch { /* the process ended meanwhile */ }
  }
  return undefined;
}

/** Opens a raw TCP connection to 127.0.0.1:`port` and resolves once connected. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => { s.off('error', reject); resolve(s); });
    s.once('error', reject);
  });
}

/** Sends `bytes` on a fresh connection and collects what comes back until the server closes it (or `timeoutMs`). */
export async function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<{ answer: string; closedByServer: boolean; ms: number }> {
  const s = await rawConnect(port);
  const t0 = Date.now();
  let answer = '';
  s.on('data', (d: Buffer) => { answer += d.toString('latin1'); });
  s.on('error', () => undefined);
  s.write(bytes);
  const closedByServer = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => { s.destroy(); resolve(false); }, timeoutMs);
    s.on('close', () => { clearTimeout(t); resolve(true); });
  });
  return { answer, closedByServer, ms: Date.now() - t0 };
}
