import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Profile } from 'pprof-format';
import { ProtoWriter } from './proto-writer.ts';
import { PprofProfile, type PprofFrame } from './pprof-profile.ts';
import { cpuProfileToPprof } from './v8-to-pprof.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints, strings, messages and packed numbers as the protobuf encoding guide does', () => {
    assert.equal(hex(new ProtoWriter().varint(1, 150).finish()), '089601');
    assert.equal(hex(new ProtoWriter().varint(1, 0).varint(2, false).finish()), '', 'zeros are left out');
    assert.equal(hex(new ProtoWriter().varint(1, -1).finish()), '08ffffffffffffffffff01');
    assert.equal(hex(new ProtoWriter().varint(1, 2n ** 60n).finish()), '08808080808080808010');
    assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
    assert.equal(hex(new ProtoWriter().string(6, '', true).finish()), '3200');
    assert.equal(hex(new ProtoWriter().packed(4, [3, 270, 86942]).finish()), '2206038e029ea705');
    assert.equal(hex(new ProtoWriter().message(3, (m) => m.varint(1, 150)).finish()), '1a03089601');
    assert.throws(() => new ProtoWriter().varint(1, 2 ** 60), /exactly/);
  });
});

describe('PprofProfile', () => {
  const frame = (name: string, line: number): PprofFrame => ({ name, file: '/app/x.ts', startLine: line, line });

  it('is read by an independent decoder (pprof-format): string table, functions, locations, merged samples', () => {
    const p = new PprofProfile({
      sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }], periodType: { type: 'cpu', unit: 'nanoseconds' },
      period: 1_000_000, timeNanos: 1_700_000_000_000_000_000n, durationNanos: 2e9, defaultSampleType: 1, program: '/usr/bin/node',
    });
    p.addSample([frame('leaf', 3), frame('main', 1)], [1, 1_000_000]);
    p.addSample([frame('leaf', 3), frame('main', 1)], [1, 2_000_000]);
    p.addSample([frame('other', 9), frame('main', 1)], [1, 500]);
    const d = Profile.decode(p.encode());
    const str = (i: number | bigint): string => d.stringTable.strings[Number(i)]!;
    assert.equal(d.stringTable.strings[0], '');
    assert.deepEqual(d.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`), ['samples/count', 'cpu/nanoseconds']);
    assert.equal(str(d.defaultSampleType), 'cpu');
    assert.equal(Number(d.period), 1_000_000);
    assert.equal(BigInt(d.timeNanos), 1_700_000_000_000_000_000n);
    assert.deepEqual(d.function.map((f) => str(f.name)).sort(), ['leaf', 'main', 'other']);
    assert.equal(str(d.mapping[0]!.filename), '/usr/bin/node');
    const fnName = new Map(d.function.map((f) => [Number(f.id), str(f.name)]));
    const locFn = new Map(d.location.map((l) => [Number(l.id), fnName.get(Number(l.line[0]!.functionId))!]));
    const samples = d.sample.map((s) => [s.locationId.map((id) => locFn.get(Number(id))).join('<'), s.value.map(Number)]);
    assert.deepEqual(samples, [['leaf<main', [2, 3_000_000]], ['other<main', [1, 500]]]);
  });
});

describe('cpuProfileToPprof', () => {
  it('turns a V8 profile into stacks, leaving idle time out', () => {
    const cf = (functionName: string, lineNumber: number) => ({ functionName, scriptId: '1', url: 'file:///app/a%20b.ts', lineNumber, columnNumber: 0 });
    const v8 = {
      nodes: [
        { id: 1, callFrame: cf('(root)', -1), children: [2, 4] },
        { id: 2, callFrame: cf('main', 0), children: [3] },
        { id: 3, callFrame: cf('', 10), children: [] },
        { id: 4, callFrame: cf('(idle)', -1), children: [] },
      ],
      startTime: 0, endTime: 4000, samples: [3, 3, 4, 2], timeDeltas: [0, 1000, 1000, 1000],
    };
    const d = Profile.decode(cpuProfileToPprof(v8, { intervalUs: 1000, program: 'node' }));
    const str = (i: number | bigint): string => d.stringTable.strings[Number(i)]!;
    assert.deepEqual(d.function.map((f) => [str(f.name), str(f.filename), Number(f.startLine)]), [['(anonymous)', '/app/a b.ts', 11], ['main', '/app/a b.ts', 1]]);
    assert.deepEqual(d.sample.map((s) => s.value.map(Number)), [[2, 2_000_000], [1, 1_000_000]], 'two samples in the anonymous function, one in main, none idle');
    assert.equal(Number(d.durationNanos), 4_000_000);
  });
});
