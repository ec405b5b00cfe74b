import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EnhancedCaps, serverEnhancedCaps } from './enhanced-caps.ts';

describe('Enhanced RTMP capabilities in connect', () => {
  it('reads fourCcList (OBS, FFmpeg 6.1+) and the FourCcInfoMaps; a legacy client accepts none', () => {
    const obs = EnhancedCaps.fromConnect({ app: 'live', fourCcList: ['av01', 'vp09', 'hvc1'] });
    assert.deepEqual(['av01', 'vp09', 'hvc1', 'Opus', 'avc1'].map((f) => obs.accepts(f)), [true, true, true, false, false]);
    const maps = EnhancedCaps.fromConnect({ videoFourCcInfoMap: { hvc1: 1, av01: 2 }, audioFourCcInfoMap: { Opus: 4 } });
    assert.deepEqual(['hvc1', 'av01', 'Opus'].map((f) => maps.accepts(f)), [true, false, true], 'encode-only is not enough to receive');
    assert.equal(EnhancedCaps.fromConnect({ app: 'live', flashVer: 'FMLE/3.0' }), EnhancedCaps.none);
    assert.equal(EnhancedCaps.fromConnect({ fourCcList: 'hvc1' }).accepts('hvc1'), false, 'not a strict array');
  });

  it('"*" accepts every codec; the key groups clients that receive the same bytes', () => {
    const all = EnhancedCaps.fromConnect({ fourCcList: ['*'] });
    assert.equal(all.accepts('Opus'), true);
    assert.equal(all.key(), EnhancedCaps.fromConnect({ audioFourCcInfoMap: { '*': 4 }, videoFourCcInfoMap: { '*': 4 } }).key());
    assert.notEqual(all.key(), EnhancedCaps.none.key());
    assert.equal(EnhancedCaps.fromConnect({ fourCcList: ['hvc1', 'xxxx'] }).key(), EnhancedCaps.fromConnect({ fourCcList: ['hvc1'] }).key());
  });

  it('the server announces forwarding of every Enhanced codec it carries and ModEx parsing', () => {
    assert.deepEqual(serverEnhancedCaps(), {
      videoFourCcInfoMap: { avc1: 4, hvc1: 4, av01: 4, vp09: 4 }, audioFourCcInfoMap: { mp4a: 4, Opus: 4, '.mp3': 4 }, capsEx: 4,
    });
  });
});
