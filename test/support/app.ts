import { App } from '../../src/app/index.ts';
import { loadConf, parseConf, type Conf } from '../../src/conf/index.ts';
import { Logger } from '../../src/lib/index.ts';

/** A server running inside the test process, on ports the system chose. */
export interface InProcessApp {
  readonly app: App;
  readonly rtspPort: number;
  readonly rtmpPort: number;
  /** Ports of the API, metrics and pprof listeners (0 when not enabled). */
  readonly apiPort: number;
  readonly metricsPort: number;
  readonly pprofPort: number;
  /** Log lines so far. */
  readonly lines: string[];
  /** The configuration of `yaml` on the same listeners, for applyConf. */
  conf(yaml: string): Conf;
  close(): Promise<void>;
}

/**
 * Loopback listeners on system-chosen ports; HLS and WebRTC off until they exist, multicast off (fixed group ports).
 * A configuration file for startAppFromFile starts with these lines.
 */
export const LISTENERS = [
  'rtspAddress: 127.0.0.1:0', 'rtpAddress: 127.0.0.1:0', 'rtcpAddress: 127.0.0.1:0', 'protocols: [udp, tcp]',
  'rtmpAddress: 127.0.0.1:0', 'hlsDisable: yes', 'webrtcDisable: yes',
  'apiAddress: 127.0.0.1:0', 'metricsAddress: 127.0.0.1:0', 'pprofAddress: 127.0.0.1:0',
].join('\n');

function testLogger(lines: string[]): Logger {
  return Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) });
}

function inProcess(app: App, lines: string[], conf: (yaml: string) => Conf): InProcessApp {
  return {
    app, lines, conf,
    // Listeners keep their ports across reloads that don't restart them; a restarted one gets a new port.
    get rtspPort() { return app.rtsp?.port ?? 0; },
    get rtmpPort() { return app.rtmp?.port ?? 0; },
    get apiPort() { return app.component('api')?.port ?? 0; },
    get metricsPort() { return app.component('metrics')?.port ?? 0; },
    get pprofPort() { return app.component('pprof')?.port ?? 0; },
    close: () => app.close(),
  };
}

/**
 * Starts the App in-process (MediaMTX's newInstance): the component tier of the tests, faster than a child process and
 * able to look inside (path manager, servers). `yaml` must not set the listener keys above.
 */
export async function startApp(yaml: string): Promise<InProcessApp> {
  const lines: string[] = [];
  const conf = (y: string): Conf => parseConf(`${LISTENERS}\n${y}`, {}).conf;
  const app = new App(conf(yaml), testLogger(lines));
  await app.start();
  return inProcess(app, lines, conf);
}

/** Starts the App from a configuration file, as main does (the file is where apiPersist writes); `env`: MTX_* and MTX_CONFKEY. */
export async function startAppFromFile(file: string, env: Record<string, string> = {}): Promise<InProcessApp> {
  const lines: string[] = [];
  const loaded = loadConf({ path: file, env });
  const app = new App(loaded.conf, testLogger(lines), undefined, { confFile: loaded.filePath, env });
  await app.start();
  return inProcess(app, lines, (y) => parseConf(`${LISTENERS}\n${y}`, env).conf);
}
