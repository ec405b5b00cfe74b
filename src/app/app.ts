import type { Logger } from '../lib/index.ts';
import { parseListenAddress } from '../lib/index.ts';
import type { Conf } from '../conf/index.ts';
import { AuthManager } from '../auth/index.ts';
import { PathManager } from '../core/index.ts';
import { RtspServer } from '../servers/rtsp/index.ts';
import { RtmpServer } from '../servers/rtmp/index.ts';

/** Something App started and must close, in reverse order. */
interface Closable { close(): Promise<void> | void }

/** Composition root: builds every component from a frozen Conf and closes them in reverse order. */
export class App {
  private readonly running: { name: string; c: Closable }[] = [];
  private closing: Promise<void> | undefined;
  /** The path manager, once started (read by tests and, later, the API). */
  pathManager: PathManager | undefined;
  /** RTSP servers, once started. */
  rtsp: RtspServer | undefined;
  rtsps: RtspServer | undefined;

  constructor(private readonly conf: Conf, private readonly log: Logger) {}

  /** Starts every enabled component; on failure closes what was started and rethrows. */
  async start(): Promise<void> {
    const c = this.conf;
    try {
      const auth = new AuthManager({ externalAuthenticationURL: c.externalAuthenticationURL, readTimeoutMs: c.readTimeout, log: this.log });
      this.add('auth', auth);
      const rtspPort = parseListenAddress(c.rtspAddress).port;
      const pm = new PathManager({ conf: c, auth, log: this.log, rtspPort });
      pm.start();
      this.pathManager = pm;
      this.add('pathManager', pm);
      if (!c.rtspDisable) await this.startRtsp(pm, rtspPort);
      if (!c.rtmpDisable) await this.startRtmp(pm, rtspPort);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private async startRtsp(pm: PathManager, rtspPort: number): Promise<void> {
    const c = this.conf;
    // External authentication needs the password in clear, which Digest never sends.
    const authMethods = c.externalAuthenticationURL !== '' ? (['basic'] as const) : c.authMethods;
    const common = {
      protocols: c.protocols, authMethods, readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout,
      readBufferCount: c.readBufferCount, udpMaxPayloadSize: c.udpMaxPayloadSize,
      runOnConnect: c.runOnConnect, runOnConnectRestart: c.runOnConnectRestart, rtspPort, paths: pm, log: this.log,
    };
    if (c.encryption !== 'strict') {
      this.rtsp = await RtspServer.listen({
        ...common, address: c.rtspAddress, rtpAddress: c.rtpAddress, rtcpAddress: c.rtcpAddress,
        multicast: { ipRange: c.multicastIPRange, rtpPort: c.multicastRTPPort, rtcpPort: c.multicastRTCPPort },
      });
      this.add('rtspServer', this.rtsp);
    }
    if (c.encryption !== 'no') {
      this.rtsps = await RtspServer.listen({ ...common, address: c.rtspsAddress, tls: { keyFile: c.serverKey, certFile: c.serverCert } });
      this.add('rtspsServer', this.rtsps);
    }
  }

  private async startRtmp(pm: PathManager, rtspPort: number): Promise<void> {
    const c = this.conf;
    const common = {
      readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout, readBufferCount: c.readBufferCount, udpMaxPayloadSize: c.udpMaxPayloadSize,
      runOnConnect: c.runOnConnect, runOnConnectRestart: c.runOnConnectRestart, rtspPort, paths: pm, log: this.log,
    };
    if (c.rtmpEncryption !== 'strict') this.add('rtmpServer', await RtmpServer.listen({ ...common, address: c.rtmpAddress }));
    if (c.rtmpEncryption !== 'no') {
      this.add('rtmpsServer', await RtmpServer.listen({ ...common, address: c.rtmpsAddress, tls: { keyFile: c.rtmpServerKey, certFile: c.rtmpServerCert } }));
    }
  }

  private add(name: string, c: Closable): void { this.running.push({ name, c }); }

  /** Closes every component in reverse start order; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const { name, c } of this.running.splice(0).reverse()) {
        try { await c.close(); } catch (err) { this.log.error(`closing ${name}: ${(err as Error).message}`); }
      }
    })();
    return this.closing;
  }
}
