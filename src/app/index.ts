export { App } from './app.ts';
export { VERSION } from './version.ts';
export { watchAndReload, type ConfReloaderOptions } from './conf-reloader.ts';
export { runCli } from './cli.ts';
