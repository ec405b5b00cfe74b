import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from './yaml-source.ts';
import { parseConf } from './parse-conf.ts';

/**
 * Plain scalars and what MediaMTX HEAD's parser (goccy/go-yaml v1.19, token.ToNumber) decodes them to; the comment
 * says where YAML 1.2's core schema (our parser's default) reads them differently.
 */
const NUMBER_VECTORS: readonly { text: string; value: unknown }[] = [
  { text: '0755', value: 493 }, // core: 755. yaml.v2 (v0.22) also said 493.
  { text: '0o755', value: 493 },
  { text: '-0755', value: -493 },
  { text: '+0755', value: 493 },
  { text: '00', value: 0 },
  { text: '0', value: 0 },
  { text: '0789', value: '0789' }, // core: 789; not octal, so text
  { text: '09', value: '09' },
  { text: '0x1F', value: 31 },
  { text: '0X1F', value: '0X1F' },
  { text: '0b101', value: 5 }, // core: text
  { text: '0O17', value: '0O17' },
  { text: '1_000', value: 1000 }, // core: text
  { text: '_1000', value: '_1000' },
  { text: '8554', value: 8554 },
  { text: '-12', value: -12 },
  { text: '1.5', value: 1.5 },
  { text: '.5', value: 0.5 },
  { text: '0.25', value: 0.25 },
  { text: '1.5e3', value: 1500 },
  { text: '1e3', value: '1e3' }, // core: 1000; goccy needs a dot
  { text: '1.2.3', value: '1.2.3' },
  { text: '.inf', value: Infinity },
  { text: '1:30', value: '1:30' },
  { text: 'true', value: true },
  { text: 'yes', value: true },
  { text: '~', value: null },
];

describe('YAML numbers as MediaMTX reads them', () => {
  for (const { text, value } of NUMBER_VECTORS) {
    it(`reads ${text} as ${JSON.stringify(value) ?? String(value)}`, () => {
      const { data } = parseYaml(`v: ${text}\n`);
      assert.deepEqual((data as { v: unknown }).v, value);
    });
  }

  it('keeps quoted numbers as text', () => {
    assert.deepEqual(parseYaml(`a: "0755"\nb: '0o755'\n`).data, { a: '0755', b: '0o755' });
  });

  it('reads an octal integer setting, and an unquoted path key 0755 as the number 493 (upstream\'s key too)', () => {
    assert.equal(parseConf('readBufferCount: 02000\n', {}).conf.readBufferCount, 1024);
    assert.throws(() => parseConf('paths:\n  0755:\n', {}), /invalid path name '493'/);
  });
});
