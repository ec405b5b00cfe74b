import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import { parseConf, type Conf } from '../conf/index.ts';
import { App } from './app.ts';
import type { AnyComponentSpec, ComponentId } from './components.ts';

/** A component that records what happened to it. */
class Fake {
  closed = false;
  updates: unknown[] = [];
  constructor(readonly id: string, readonly settings: unknown, private readonly events: string[]) { events.push(`create ${id}`); }
  close(): void { this.closed = true; this.events.push(`close ${this.id}`); }
}

/** A table of fake rows: `a` reads readTimeout (live), `b` depends on `a`'s instance and reads writeTimeout, `c` reads rtmpDisable. */
function table(events: string[]): AnyComponentSpec[] {
  const row = (id: ComponentId, deps: ComponentId[], settings: (c: Conf) => unknown, live = false): AnyComponentSpec => ({
    id, deps, settings,
    ...(live ? { canUpdate: () => true, update: (c: unknown, next: unknown) => { (c as Fake).updates.push(next); events.push(`update ${id}`); } } : {}),
    create: async (s) => new Fake(id, s, events),
  });
  return [
    row('auth', [], (c) => c.readTimeout, true),
    row('pathManager', ['auth'], (c) => c.writeTimeout),
    row('rtmpServer', [], (c) => (c.rtmpDisable ? undefined : c.rtmpAddress)),
  ];
}

const conf = (yaml = ''): Conf => parseConf(yaml, {}).conf;

describe('App', () => {
  it('starts the table in order and closes it in reverse', async () => {
    const events: string[] = [];
    const app = new App(conf(), Logger.silent(), table(events));
    await app.start();
    await app.close();
    assert.deepEqual(events, ['create auth', 'create pathManager', 'create rtmpServer', 'close rtmpServer', 'close pathManager', 'close auth']);
  });

  it('applies a configuration: keeps, updates, restarts dependents, stops and starts', async () => {
    const events: string[] = [];
    const app = new App(conf(), Logger.silent(), table(events));
    await app.start();
    events.length = 0;
    const plan = await app.applyConf(conf('readTimeout: 5s'));
    assert.deepEqual(Object.fromEntries(plan), { auth: 'update', pathManager: 'keep', rtmpServer: 'keep' });
    assert.deepEqual(events, ['update auth']);
    events.length = 0;
    await app.applyConf(conf('readTimeout: 5s\nwriteTimeout: 3s\nrtmpDisable: yes'));
    assert.deepEqual(events, ['close rtmpServer', 'close pathManager', 'create pathManager']);
    events.length = 0;
    await app.applyConf(conf('readTimeout: 5s\nwriteTimeout: 3s'));
    assert.deepEqual(events, ['create rtmpServer']);
    assert.equal(app.currentConf.writeTimeout, 3000);
    await app.close();
  });

  it('runs reloads one at a time and refuses one after close', async () => {
    const events: string[] = [];
    const app = new App(conf(), Logger.silent(), table(events));
    await app.start();
    await Promise.all([app.applyConf(conf('writeTimeout: 1s')), app.applyConf(conf('writeTimeout: 2s'))]);
    assert.equal(app.currentConf.writeTimeout, 2000);
    await app.close();
    await assert.rejects(app.applyConf(conf()), /shutting down/);
  });

  it('closes what it started when a component fails to start', async () => {
    const events: string[] = [];
    const specs = table(events);
    specs[2] = { ...specs[2]!, create: async () => { throw new Error('port in use'); } };
    const app = new App(conf(), Logger.silent(), specs);
    await assert.rejects(app.start(), /port in use/);
    assert.deepEqual(events, ['create auth', 'create pathManager', 'close pathManager', 'close auth']);
  });
});
