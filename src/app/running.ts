import type { Logger } from '../lib/index.ts';
import type { Conf } from '../conf/index.ts';
import type { AuthManager } from '../auth/index.ts';
import type { PathManager } from '../core/index.ts';
import type { RtspServer } from '../servers/rtsp/index.ts';
import type { RtmpServer } from '../servers/rtmp/index.ts';
import type { HlsServer } from '../servers/hls/index.ts';
import type { WebRtcServer } from '../servers/webrtc/index.ts';
import type { ApiServer } from '../api/index.ts';
import type { MetricsServer } from '../metrics/index.ts';
import type { PprofServer } from '../pprof/index.ts';

/** What the app gives the API besides the components: the configuration in force, its reload, and its file. */
export interface AppControl {
  conf(): Conf;
  applyConf(next: Conf): Promise<unknown>;
  /** Runs a configuration change after the ones before it (App.exclusiveConfChange). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The file the configuration was loaded from, if any. */
  readonly confFile?: string;
  /** The environment the configuration was read with (MTX_CONFKEY / RTSP_CONFKEY decrypt the file). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The instance of each component, by id. */
export interface Components {
  logger: Logger;
  auth: AuthManager;
  pathManager: PathManager;
  rtspServer: RtspServer;
  rtspsServer: RtspServer;
  rtmpServer: RtmpServer;
  rtmpsServer: RtmpServer;
  hlsServer: HlsServer;
  webrtcServer: WebRtcServer;
  api: ApiServer;
  metrics: MetricsServer;
  pprof: PprofServer;
}

/** Components that are running, for create() to take its dependencies from, and the app's control (for the API). */
export interface Running extends Partial<Components> { control?: AppControl }
