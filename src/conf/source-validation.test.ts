import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { ConfError } from './conf-error.ts';

const conf = (paths: string): ReturnType<typeof parseConf> => parseConf(`paths:\n${paths}`, {});

describe('static source configuration', () => {
  it('accepts a regexp path proxying an origin with $G placeholders when it is on demand (MediaMTX v1.4+)', () => {
    const c = conf('  "~^(.+)$":\n    source: rtsp://origin:8554/$G1\n    sourceOnDemand: yes\n').conf;
    assert.equal(c.paths['~^(.+)$']!.source, 'rtsp://origin:8554/$G1');
    conf('  "~^cam(\\\\d+)$":\n    source: rtmp://$G1:$G1/live/cam\n    sourceOnDemand: yes\n');
  });

  it('refuses a regexp static source that is not on demand, pointing at its line', () => {
    assert.throws(() => conf('  "~^(.+)$":\n    source: rtsp://origin/$G1\n'), (e: unknown) => e instanceof ConfError && /paths\.~\^\(\.\+\)\$\.source' at line 3: .*must have 'sourceOnDemand' set to yes/.test(e.message));
    assert.throws(() => conf('  all:\n    source: rpiCamera\n'), /Raspberry Pi camera/);
  });

  it('refuses a source URL without a host, hiding its password', () => {
    assert.throws(() => conf('  cam:\n    source: rtsp://user:secret@/x\n'), (e: unknown) => e instanceof ConfError && /is not a valid URL/.test(e.message) && !e.message.includes('secret'));
  });
});
