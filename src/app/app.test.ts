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

  it('creates again a component left missing by a failed reload, also when the next change is one it takes live', async () => {
    const events: string[] = [];
    let failing = false;
    const specs = table(events);
    // rtmpServer takes a new runOnConnect live, anything else restarts it; its port can be taken (`failing`).
    specs[2] = {
      id: 'rtmpServer', deps: [],
      settings: (c) => (c.rtmpDisable ? undefined : { address: c.rtmpAddress, hook: c.runOnConnect }),
      canUpdate: (n, p) => (n as { address: string }).address === (p as { address: string }).address,
      update: (c, next) => { (c as Fake).updates.push(next); events.push('update rtmpServer'); },
      create: async (s) => { if (failing) throw new Error('address already in use'); return new Fake('rtmpServer', s, events); },
    };
    const app = new App(conf(), Logger.silent(), specs);
    await app.start();
    // The new address is taken, and so is the old one by the time of the rollback: the server is left without it.
    failing = true;
    await assert.rejects(app.applyConf(conf('rtmpAddress: :1999')), /already in use/);
    assert.equal(app.component('rtmpServer'), undefined);
    failing = false;
    const plan = await app.applyConf(conf('runOnConnect: echo hi'));
    assert.equal(plan.get('rtmpServer'), 'update');
    const rtmp = app.component('rtmpServer') as unknown as Fake | undefined;
    assert.ok(rtmp, 'the RTMP server runs again');
    assert.deepEqual(rtmp.settings, { address: ':1935', hook: 'echo hi' });
    await app.close();
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
