import { performance } from 'node:perf_hooks';
import type { ParticipantInfo, StaticSource, StaticSourceContext } from '../../core/index.ts';
import { H264ByteStreamSplitter, RpiCameraFrameClock, RpiCameraToStream } from '../../protocols/rpicamera/index.ts';
import { rpicamArgs, unsupportedRpiCameraKeys } from './rpicam-args.ts';
import { RPICAM_EXECUTABLES, findRpicamExecutable } from './rpicam-executable.ts';
import { runRpicamProcess } from './rpicam-process.ts';

/** Settings of the source that tests change. */
export interface RpiCameraSourceOptions {
  /** Where the tool is looked for; the server's PATH when not given. */
  readonly searchPath?: string;
  /** Between SIGINT and SIGKILL when the source stops. */
  readonly killGraceMs?: number;
}

/**
 * A path's `source: rpiCamera` (MediaMTX's rpiCameraSource): the Raspberry Pi OS camera tool (`rpicam-vid`, or
 * `libcamera-vid` on older systems) runs as a child process with the path's `rpiCamera*` keys as options and
 * writes H264 to its stdout, whose access units become the path's stream. MediaMTX drives libcamera through its
 * own helper program instead; the camera tool is what a Raspberry Pi OS install has.
 */
export class RpiCameraSource implements StaticSource {
  readonly info: ParticipantInfo = { type: 'rpiCameraSource', id: '' };
  readonly label = 'RPI Camera source';
  private isOverlayNoted = false;

  constructor(private readonly opts: RpiCameraSourceOptions = {}) {}

  /** StaticSource: runs the tool until it exits or the signal aborts. */
  async run(ctx: StaticSourceContext): Promise<void> {
    const file = findRpicamExecutable(this.opts.searchPath ?? process.env['PATH']);
    if (file === undefined) {
      // The runner logs a failure once while its reason stays the same: this is the one clear line.
      throw new Error(`neither ${RPICAM_EXECUTABLES.join(' nor ')} was found on PATH: install rpicam-apps (apt install rpicam-apps)`);
    }
    const ignored = unsupportedRpiCameraKeys(ctx.conf);
    if (ignored.length > 0 && !this.isOverlayNoted) {
      this.isOverlayNoted = true;
      ctx.log.warn(`${ignored.join(', ')}: the camera tool has no text overlay, the text is not drawn`);
    }
    const args = rpicamArgs(ctx.conf);
    ctx.log.debug(`running ${file} ${args.join(' ')}`);
    const splitter = new H264ByteStreamSplitter();
    const toStream = new RpiCameraToStream({ clock: new RpiCameraFrameClock(ctx.conf.rpiCameraFPS), setReady: (desc) => ctx.setReady(desc) });
    await runRpicamProcess({
      file, args, signal: ctx.signal, log: ctx.log, ...(this.opts.killGraceMs !== undefined ? { killGraceMs: this.opts.killGraceMs } : {}),
      onData: (chunk) => {
        const now = performance.now();
        for (const au of splitter.push(chunk)) toStream.write(au, now);
      },
    });
  }
}
