import { App } from '../../src/app/index.ts';
import { parseConf, type Conf } from '../../src/conf/index.ts';
import { Logger } from '../../src/lib/index.ts';

/** A server running inside the test process, on ports the system chose. */
export interface InProcessApp {
  readonly app: App;
  readonly rtspPort: number;
  readonly rtmpPort: number;
  /** Log lines so far. */
  readonly lines: string[];
  /** The configuration of `yaml` on the same listeners, for applyConf. */
  conf(yaml: string): Conf;
  close(): Promise<void>;
}

// Loopback listeners on system-chosen ports; HLS and WebRTC off until they exist, multicast off (fixed group ports).
const LISTENERS = [
  'rtspAddress: 127.0.0.1:0', 'rtpAddress: 127.0.0.1:0', 'rtcpAddress: 127.0.0.1:0', 'protocols: [udp, tcp]',
  'rtmpAddress: 127.0.0.1:0', 'hlsDisable: yes', 'webrtcDisable: yes',
].join('\n');

/**
 * Starts the App in-process (MediaMTX's newInstance): the component tier of the tests, faster than a child process and
 * able to look inside (path manager, servers). `yaml` must not set the listener keys above.
 */
export async function startApp(yaml: string): Promise<InProcessApp> {
  const lines: string[] = [];
  const log = Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) });
  const conf = (y: string): Conf => parseConf(`${LISTENERS}\n${y}`, {}).conf;
  const app = new App(conf(yaml), log);
  await app.start();
  return {
    app, lines, conf,
    // Listeners keep their ports across reloads that don't restart them; a restarted one gets a new port.
    get rtspPort() { return app.rtsp?.port ?? 0; },
    get rtmpPort() { return app.rtmp?.port ?? 0; },
    close: () => app.close(),
  };
}
