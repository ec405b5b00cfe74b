export { App } from './app.ts';
export { VERSION } from './version.ts';
