// The `mediamtx` command line: arguments, config loading, start, hot reload and graceful shutdown on signals.
import { ConfError, loadConf } from '../conf/index.ts';
import {
  BUSY_SCAVENGE_MS_PER_SECOND, BUSY_YOUNG_GENERATION_CAP_BYTES, capYoungGeneration, Logger, redactSecrets, releaseOptimizer, youngGenerationCap,
} from '../lib/index.ts';
import { App } from './app.ts';
import { watchAndReload } from './conf-reloader.ts';
import { VERSION } from './version.ts';

const HELP = `Usage: mediamtx [options] [confpath]

mediamtx-ts ${VERSION}: a live media server and proxy, drop-in for MediaMTX. Built: RTSP/RTSPS, RTMP/RTMPS, HLS
(Low-Latency, fMP4, MPEG-TS) and WebRTC (WHEP/WHIP), every stream converted between them; static sources (RTSP, RTMP,
HLS, UDP MPEG-TS, Raspberry Pi camera), control API, metrics, profiler. Not built yet: recording, playback, SRT.

Arguments:
  confpath     path to a config file. Without it, mediamtx.yml is read, unless rtsp-simple-server.yml exists
               (the legacy name wins, as in MediaMTX); when neither exists, /usr/local/etc/mediamtx.yml,
               /usr/etc/mediamtx.yml and /etc/mediamtx/mediamtx.yml are tried; with no file at all the defaults
               are used.

Options:
  --help       show this help
  --version    print the version

Environment: MTX_<KEY> overrides any key (MTX_PATHS_<NAME>_<KEY> for paths); MTX_CONFKEY decrypts an encrypted file.
Tuning (our extensions, docs/performance.md and docs/multicore-fanout.md):
  MEDIAMTX_TS_FANOUT_SHARDS=N              processes that share RTMP/RTSP-TCP readers (default: 0 on 2 cores or
                                           fewer, else one per core but one, at most 8)
  MEDIAMTX_TS_FANOUT_LOAD=0..1             main event loop's busy share from which readers move to those
                                           processes (default 0.5; 0 when MEDIAMTX_TS_FANOUT_SHARDS is set)
  MEDIAMTX_TS_UDP_BATCH=off|sendmmsg       UDP sending without the native batch addon, or batches without GSO
  MEDIAMTX_TS_UDP_SEND_THREADS=1..3        UDP batches sent from threads (opt-in)
  MEDIAMTX_TS_YOUNG_GENERATION_MIB=N       V8 young generation cap (default 4, 0: V8's own sizing)
  MEDIAMTX_TS_OLD_GENERATION_GROWTH_PERCENT=N  old generation growth between full collections (default 25)
`;

// Grace period after the first signal; a second signal exits at once.
const SHUTDOWN_TIMEOUT_MS = 4500;

async function main(argv: string[]): Promise<number> {
  const positional = argv.filter((a) => !a.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(HELP); return 0; }
  if (argv.includes('--version')) { process.stdout.write(`${VERSION}\n`); return 0; }
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown) { process.stderr.write(`unknown option '${unknown}'\n\n${HELP}`); return 1; }
  if (positional.length > 1) { process.stderr.write(`too many arguments\n\n${HELP}`); return 1; }

  let loaded;
  try {
    loaded = loadConf({ path: positional[0] });
  } catch (err) {
    // Messages can quote a value (a source URL): passwords are hidden as in the log.
    if (err instanceof ConfError) { process.stderr.write(`ERR: ${redactSecrets(err.message)}\n`); return 1; }
    throw err;
  }
  const { conf } = loaded;
  const log = Logger.create({ level: conf.logLevel, destinations: conf.logDestinations, file: conf.logFile });
  log.info(`mediamtx-ts ${VERSION}`);
  if (loaded.filePath) log.info(`configuration loaded from ${loaded.filePath}`);
  for (const w of loaded.warnings) log.warn(w);

  // The file is where apiPersist writes API changes back.
  const app = new App(conf, log, undefined, { confFile: loaded.filePath });
  // Signals are taken from before the start: a SIGINT while listeners open (a supervisor stopping a server that is
  // still starting) shuts down as gracefully as one later, instead of killing the process with Node's default action.
  let signalled: string | undefined;
  let onSignal = (sig: string): void => { signalled ??= sig; };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // SIGHUP must not kill the server (docs/limits.md §Shutdown).
  process.on('SIGHUP', () => log.info('SIGHUP received, ignored'));
  try {
    await app.start();
  } catch (err) {
    log.error((err as Error).message);
    log.close();
    return 1;
  }
  // Modules are loaded: TurboFan may optimize hot functions again (lib/optimizer-hold.ts), and V8's young generation
  // may grow again, up to a small cap, a larger one once the server is busy (lib/young-generation.ts).
  releaseOptimizer();
  const cap = youngGenerationCap();
  const busy = { busyCapBytes: BUSY_YOUNG_GENERATION_CAP_BYTES, scavengeMsPerSecond: BUSY_SCAVENGE_MS_PER_SECOND };
  const stopCap = cap === undefined ? undefined : capYoungGeneration(cap, 200, busy);
  // Hot reload: the file is watched; each change is applied to what it concerns.
  const watcher = loaded.filePath && signalled === undefined
    ? watchAndReload({ app, file: loaded.filePath, log, load: () => loadConf({ path: loaded.filePath }) })
    : undefined;
  return new Promise<number>((resolve) => {
    let stopping = false;
    onSignal = (sig: string): void => {
      if (stopping) { log.info(`${sig} received again, exiting`); resolve(1); return; }
      stopping = true;
      watcher?.close();
      stopCap?.();
      log.info('shutting down gracefully');
      const force = setTimeout(() => { log.warn('shutdown timed out'); resolve(1); }, SHUTDOWN_TIMEOUT_MS);
      void app.close().then(() => { clearTimeout(force); log.close(); resolve(0); });
    };
    if (signalled !== undefined) onSignal(signalled);
  });
}

/** Exits once pending stdout/stderr writes are flushed (process.exit() right away can cut piped output). */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 500).unref();
}

/** Runs the `mediamtx` command with its arguments and exits the process with its status. */
export function runCli(argv: string[]): void {
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`unhandled rejection: ${redactSecrets(err instanceof Error ? err.stack ?? err.message : String(err))}\n`);
  });
  main(argv).then(exitSoon, (err: unknown): void => {
    process.stderr.write(`ERR: ${redactSecrets(err instanceof Error ? err.message : String(err))}\n`);
    exitSoon(1);
  });
}
