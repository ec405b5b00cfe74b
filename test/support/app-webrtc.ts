import { App } from '../../src/app/index.ts';
import { parseConf } from '../../src/conf/index.ts';
import { Logger } from '../../src/lib/index.ts';
import { LISTENERS } from './app.ts';

/** The App in-process with the WebRTC server on (startApp keeps it off), on ports the system chose. */
export async function startAppWithWebRtc(yaml: string): Promise<{ app: App; rtspPort: number; apiPort: number; webrtcPort: number }> {
  const listeners = LISTENERS.replace('webrtcDisable: yes', 'webrtcDisable: no\nwebrtcAddress: 127.0.0.1:0');
  const app = new App(parseConf(`${listeners}\n${yaml}`, {}).conf, Logger.silent());
  await app.start();
  return { app, rtspPort: app.rtsp?.port ?? 0, apiPort: app.component('api')?.port ?? 0, webrtcPort: app.component('webrtcServer')?.port ?? 0 };
}
