import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSources, folderOf, formatViolation, type PackageJson } from './check-boundaries.ts';
import { scanModule, type ModuleRef } from './import-scanner.ts';

// [source, refs as "line form specifier names"]: every way a TypeScript file names a module.
const FORMS: [string, string[]][] = [
  ["import a from './a.ts';", ['1 import ./a.ts default>a']],
  ["import { a, type b, c as d } from './a.ts';", ['1 import ./a.ts a b:type c>d']],
  ["import * as ns from './a.ts';", ['1 import ./a.ts *>ns (namespace)']],
  ["import a, { b } from './a.ts';", ['1 import ./a.ts default>a b']],
  ["import type { A, B } from './a.ts';", ['1 import-type ./a.ts A:type B:type']],
  ["import type A from './a.ts';", ['1 import-type ./a.ts default>A:type']],
  ["import type from './a.ts';", ['1 import ./a.ts default>type']],
  ["import type * as ns from './a.ts';", ['1 import-type ./a.ts *>ns:type (namespace)']],
  ["import './polyfill.ts';", ['1 side-effect ./polyfill.ts']],
  ["export { a, b as c } from './a.ts';", ['1 export-from ./a.ts a b>c']],
  ["export type { A } from './a.ts';", ['1 export-from ./a.ts A:type']],
  ["export * from './a.ts';", ['1 export-star ./a.ts (namespace)']],
  ["export type * from './a.ts';", ['1 export-star ./a.ts (namespace)']],
  ["export * as ns from './a.ts';", ['1 export-from ./a.ts *>ns (namespace)']],
  ["const m = await import('./a.ts');", ['1 dynamic ./a.ts (namespace)']],
  ["type T = typeof import('./a.ts');", ['1 dynamic ./a.ts (namespace)']],
  ["let t: import('./a.ts').T;", ['1 dynamic ./a.ts T:type']],
  ["void import('./a.ts').then((m) => m);", ['1 dynamic ./a.ts (namespace)']],
  ['const m = await import(name);', ['1 dynamic - (namespace)']],
  ["import x = require('./a.ts');", ['1 require ./a.ts *>x (namespace)']],
  ["import {\n  a, // the first\n  /* b */ b,\n} from\n  './a.ts';", ['1 import ./a.ts a b']],
  ["\n\nexport {\n  type A,\n} from './a.ts';", ['3 export-from ./a.ts A:type']],
];

// Text that mentions import/export but names no module.
const NOT_IMPORTS = [
  "// import a from './a.ts';",
  "/* export * from './a.ts'; */",
  "const s = \"import a from './a.ts'\";",
  "const t = `import a from './a.ts' ${x} export * from './b.ts'`;",
  "const r = /import a from '.\\/a.ts'/;",
  'const u = import.meta.url;',
  "x.import('./a.ts');",
  'const o = { import: 1, export: 2 };',
  'class K { import(x: string): void {} }',
  'export { a, b as c };',
  'export const d = 1;',
];

const describeRef = (r: ModuleRef): string => [
  r.line, r.form, r.specifier ?? '-',
  ...r.names.map((n) => `${n.name}${n.alias !== undefined ? `>${n.alias}` : ''}${n.isTypeOnly ? ':type' : ''}`),
  ...(r.isNamespace ? ['(namespace)'] : []),
].join(' ');

describe('import scanner', () => {
  for (const [src, refs] of FORMS) {
    it(`reads ${JSON.stringify(src)}`, () => assert.deepEqual(scanModule(src).refs.map(describeRef), refs));
  }

  it('finds no module in comments, strings, templates, regular expressions, import.meta, properties or local exports', () => {
    for (const src of NOT_IMPORTS) assert.deepEqual(scanModule(src).refs, [], src);
    // …and still reads what follows them.
    assert.deepEqual(scanModule(`${NOT_IMPORTS.join('\n')}\nimport { z } from './z.ts';`).refs.map(describeRef), [`${NOT_IMPORTS.length + 1} import ./z.ts z`]);
  });

  it('lists the names a module declares as exports', () => {
    const src = [
      'export class A {}', 'export abstract class B {}', 'export interface C {}', 'export type D = 1;', 'export function E() {}',
      'export function* F() {}', 'export async function G() {}', 'export const H = 1;', 'export const enum I {}', 'export enum J {}',
      'export declare const K: 1;', 'export { L, M as N };', 'export default 1;', 'export type { O } from "./o.ts";',
    ].join('\n');
    assert.deepEqual(scanModule(src).localExports, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'N', 'default']);
  });

  it('finds every generated import, however it is spread over lines and comments', () => {
    const name = fc.constantFrom('a', 'b', 'Type', '$x', 'from', 'as');
    const gap = fc.constantFrom(' ', '\n', ' /* c */ ', ' // c\n', '\n\n  ');
    const statement = fc.record({
      form: fc.constantFrom('named', 'type', 'star', 'side', 'reexport', 'dynamic'),
      names: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
      spec: fc.constantFrom('./x.ts', '../y/index.ts', 'yaml', 'node:fs'),
      gaps: fc.array(gap, { minLength: 6, maxLength: 6 }),
    });
    fc.assert(fc.property(fc.array(statement, { maxLength: 6 }), (stmts) => {
      let src = '';
      const expected: string[] = [];
      for (const s of stmts) {
        const line = src.split('\n').length;
        const [g0, g1, g2, g3, g4, g5] = s.gaps as [string, string, string, string, string, string];
        const list = `{${g1}${s.names.join(`,${g2}`)}${g3}}`;
        const text = {
          named: `import${g0}${list}${g4}from${g5}'${s.spec}';`,
          type: `import${g0}type ${list}${g4}from${g5}'${s.spec}';`,
          star: `import${g0}*${g1}as ns${g4}from${g5}'${s.spec}';`,
          side: `import${g0}'${s.spec}';`,
          reexport: `export${g0}${list}${g4}from${g5}'${s.spec}';`,
          dynamic: `await import(${g0}'${s.spec}'${g1});`,
        }[s.form];
        expected.push(`${line} ${s.spec}`);
        src += `${text}\n`;
      }
      assert.deepEqual(scanModule(src).refs.map((r) => `${r.line} ${r.specifier}`), expected);
    }), { numRuns: 500 });
  });

  it('never throws, whatever the text', () => {
    const word = fc.constantFrom(...'import export from type as require * { } ( ) = : ? \' " ` $ / \\ \n ; , . a'.split(' '));
    fc.assert(fc.property(fc.string({ unit: word, maxLength: 200 }), (src) => { scanModule(src); }), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (src) => { scanModule(src); }), { numRuns: 1000 });
  });
});

const PKG: PackageJson = { dependencies: { yaml: '2.9.1', zod: '4.6.7', tweetnacl: '1.0.3' }, devDependencies: { 'fast-check': '4.10.2' } };

// A minimal src/ tree: core and auth with their contracts, and folders to import.
const BASE: Record<string, string> = {
  'core/index.ts': [
    "export type * from './contracts.ts';",
    "export { PathManager } from './path-manager.ts';",
    "export { PathBusyError } from './errors.ts';",
    "export { describeTracks } from './track-names.ts';",
  ].join('\n'),
  'core/contracts.ts': "export type { AccessRequest } from '../auth/index.ts';\nexport interface PathAccess { x: number }",
  'core/errors.ts': 'export class PathBusyError extends Error {}',
  'core/path-manager.ts': 'export class PathManager {}',
  'core/track-names.ts': 'export function describeTracks() {}',
  'auth/index.ts': [
    "export type { AccessRequest } from './access-request.ts';",
    "export { AuthError } from './auth-error.ts';",
    "export { AuthManager } from './auth-manager.ts';",
  ].join('\n'),
  'auth/access-request.ts': 'export interface AccessRequest { path: string }',
  'auth/auth-error.ts': 'export class AuthError extends Error {}',
  'auth/auth-manager.ts': 'export class AuthManager {}',
  'lib/index.ts': "export { Logger } from './logger.ts';",
  'lib/logger.ts': 'export class Logger {}',
  'formats/index.ts': "export * from './rtp/index.ts';",
  'formats/rtp/index.ts': "export { RtpPacket } from './rtp-packet.ts';",
  'formats/rtp/rtp-packet.ts': 'export class RtpPacket {}',
  'protocols/rtsp/index.ts': '', 'protocols/rtmp/index.ts': '', 'servers/rtmp/index.ts': '', 'codecs/index.ts': '',
};

/** Violations of BASE plus `files`, as "file:line rule". */
function violations(files: Record<string, string>, pkg = PKG): string[] {
  return checkSources(new Map(Object.entries({ ...BASE, ...files })), pkg).map((v) => `${v.file}:${v.line} ${v.rule}`);
}

// [rule, file, source, expected violations]: each rule, allowed and refused.
const RULES: [string, string, string, string[]][] = [
  ['package', 'conf/yaml-source.ts', "import YAML from 'yaml';\nimport { z } from 'zod';\nimport nacl from 'tweetnacl';", []],
  ['package', 'servers/rtsp/a.ts', "import { readFileSync } from 'node:fs';\nimport { join } from 'path';\nimport 'fs/promises';", []],
  ['package', 'core/path.ts', "import type { Document } from 'yaml';", ['core/path.ts:1 package']],
  ['package', 'lib/a.ts', "export { z } from 'zod';", ['lib/a.ts:1 package']],
  ['package', 'lib/a.ts', "import _ from 'lodash';\nimport x from '@scope/pkg/sub';", ['lib/a.ts:1 package', 'lib/a.ts:2 package']],
  ['package', 'lib/a.test.ts', "import fc from 'fast-check';", []],
  ['package', 'auth/test-support/gen.ts', "import fc from 'fast-check';", []],
  ['package', 'lib/a.ts', "import fc from 'fast-check';", ['lib/a.ts:1 package']],
  ['package', 'servers/webrtc/a.ts', "import { RTCPeerConnection } from 'werift';", ['servers/webrtc/a.ts:1 package']], // not in package.json yet
  ['package', 'servers/rtsp/a.ts', "const w = await import('werift');", ['servers/rtsp/a.ts:1 package']],
  ['package', 'conf/a.ts', "const y = requireCjsPackage<typeof Yaml>('yaml');\nconst n = requireCjsPackage('tweetnacl');", []],
  ['package', 'core/a.ts', "// x\nconst y = requireCjsPackage<typeof Yaml>('yaml');\nconst l = requireCjsPackage('lodash');", ['core/a.ts:2 package', 'core/a.ts:3 package']],
  ['layer', 'stream/a.ts', "import { RtpPacket } from '../formats/index.ts';\nimport { Logger } from '../lib/index.ts';", []],
  ['layer', 'formats/a.ts', "import { PathManager } from '../core/index.ts';", ['formats/a.ts:1 layer']],
  ['layer', 'core/a.ts', "import './../servers/rtmp/index.ts';", ['core/a.ts:1 layer']],
  ['layer', 'core/a.ts', "import type { X } from '../codecs/index.ts';", ['core/a.ts:1 layer']],
  ['layer', 'protocols/rtsp/a.ts', "export * from '../rtmp/index.ts';", ['protocols/rtsp/a.ts:1 layer']],
  ['layer', 'servers/rtsp/a.ts', "import { x } from '../../protocols/rtsp/index.ts';\nimport { y } from '../shared.ts';", []],
  ['layer', 'servers/rtsp/a.ts', "import { x } from '../../protocols/rtmp/index.ts';", ['servers/rtsp/a.ts:1 layer']],
  ['layer', 'servers/rtsp/a.ts', "import { RtmpServer } from '../rtmp/index.ts';", ['servers/rtsp/a.ts:1 layer']],
  ['layer', 'sources/hls/a.ts', "import { x } from '../../protocols/mpegts/index.ts';", []],
  ['layer', 'servers/shared.ts', "import { x } from '../protocols/rtsp/index.ts';", ['servers/shared.ts:1 layer']],
  ['layer', 'main.ts', "import { Logger } from './lib/index.ts';\nimport { x } from './core/index.ts';", ['main.ts:2 layer']],
  ['layer', 'app/a.ts', "import { RtmpServer } from '../servers/rtmp/index.ts';\nimport { x } from '../main.ts';", ['app/a.ts:2 layer']],
  ['layer', 'newfolder/a.ts', "import { Logger } from '../lib/index.ts';", ['newfolder/a.ts:1 layer']],
  ['layer', 'stream/a.ts', "type P = import('../core/index.ts').PathAccess;", ['stream/a.ts:1 layer']],
  ['contract', 'servers/rtsp/a.ts', "import type { PathAccess, AccessRequest } from '../../core/index.ts';\nimport { PathBusyError } from '../../core/index.ts';", []],
  ['contract', 'servers/rtsp/a.ts', "import { AuthError, type AccessRequest } from '../../auth/index.ts';", []],
  ['contract', 'servers/rtsp/a.ts', "import { PathManager, PathBusyError } from '../../core/index.ts';", ['servers/rtsp/a.ts:1 contract']],
  ['contract', 'sources/rtsp/a.ts', "export { describeTracks } from '../../core/index.ts';", ['sources/rtsp/a.ts:1 contract']],
  ['contract', 'servers/rtsp/a.ts', "import * as core from '../../core/index.ts';", ['servers/rtsp/a.ts:1 contract']],
  ['contract', 'servers/rtsp/a.ts', "let p: import('../../core/index.ts').PathManager;", ['servers/rtsp/a.ts:1 contract']],
  ['contract', 'servers/rtsp/a.ts', "import { AuthManager } from '../../auth/index.ts';", ['servers/rtsp/a.ts:1 contract']],
  ['contract', 'api/a.ts', "import { Nope } from '../core/index.ts';", ['api/a.ts:1 contract']],
  ['contract', 'app/a.ts', "import { PathManager } from '../core/index.ts';", []],
  ['deep-import', 'stream/a.ts', "import { RtpPacket } from '../formats/rtp/rtp-packet.ts';", ['stream/a.ts:1 deep-import']],
  ['deep-import', 'stream/a.ts', "import { RtpPacket } from '../formats/rtp/index.ts';", ['stream/a.ts:1 deep-import']],
  ['deep-import', 'formats/sdp/a.ts', "import { RtpPacket } from '../rtp/rtp-packet.ts';", []],
  ['deep-import', 'servers/rtsp/a.ts', "import type { PathAccess } from '../../core/contracts.ts';", ['servers/rtsp/a.ts:1 deep-import']],
  ['deep-import', 'servers/registry.ts', "import { x } from './rtmp/rtmp-server.ts';\nimport { y } from './rtmp/index.ts';", ['servers/registry.ts:1 deep-import']],
  ['alias', 'stream/a.ts', "import { Logger as Log } from '../lib/index.ts';", ['stream/a.ts:1 alias']],
  ['alias', 'stream/a.ts', "import { createServer as createTlsServer } from 'node:tls';", []],
  ['outside-src', 'lib/a.ts', "import { x } from '../../scripts/x.ts';", ['lib/a.ts:1 outside-src']],
  ['outside-src', 'lib/a.test.ts', "import { startApp } from '../../test/support/server.ts';", []],
  ['outside-src', 'lib/a.ts', "import { startApp } from '../../test/support/server.ts';", ['lib/a.ts:1 outside-src']],
  ['outside-src', 'lib/a.ts', "import x from '/abs/x.ts';\nimport y from '#y';", ['lib/a.ts:1 outside-src', 'lib/a.ts:2 outside-src']],
  ['dynamic-import', 'lib/a.ts', 'const m = await import(`./${name}.ts`);', ['lib/a.ts:1 dynamic-import']],
  ['file-size', 'lib/big.ts', 'x\n'.repeat(500), ['lib/big.ts:501 file-size']],
  ['file-size', 'lib/big.test.ts', 'x\n'.repeat(600), []],
];

describe('boundary rules', () => {
  it('finds nothing wrong in the base tree', () => assert.deepEqual(violations({}), []));

  for (const [rule, file, src, expected] of RULES) {
    it(`${rule}: ${expected.length === 0 ? 'allows' : 'refuses'} ${JSON.stringify(src.length > 90 ? `${src.slice(0, 90)}…` : src)} in ${file}`, () => {
      assert.deepEqual(violations({ [file]: src }), expected);
    });
  }

  it('reports a folder cycle once, with the place of every hop', () => {
    const files = {
      'servers/shared.ts': "import { x } from './rtmp/index.ts';",
      'servers/rtmp/index.ts': "export { y } from './rtmp-server.ts';",
      'servers/rtmp/rtmp-server.ts': "\nimport { z } from '../shared.ts';",
    };
    const found = checkSources(new Map(Object.entries({ ...BASE, ...files })), PKG).map(formatViolation);
    assert.deepEqual(found, [
      'src/servers/rtmp/rtmp-server.ts:2: folder cycle servers/rtmp → servers/shared.ts → servers/rtmp (src/servers/rtmp/rtmp-server.ts:2, src/servers/shared.ts:1) [cycle]',
    ]);
    // A shared file used by a protocol folder, and another shared file using that folder, is no cycle.
    assert.deepEqual(violations({ ...files, 'servers/shared.ts': '', 'servers/registry.ts': "import { x } from './rtmp/index.ts';" }), []);
  });

  it('finds a cycle the layer table would allow', () => {
    const found = checkSources(new Map(Object.entries({
      ...BASE, 'app/a.ts': "import { b } from '../newfolder/index.ts';", 'newfolder/index.ts': "import { a } from '../app/index.ts';", 'app/index.ts': '',
    })), PKG).filter((v) => v.rule === 'cycle');
    assert.deepEqual(found.map((v) => v.message), ['folder cycle app → newfolder → app (src/app/a.ts:1, src/newfolder/index.ts:1)']);
  });

  it('prints file:line, the reason and the rule', () => {
    const [v] = checkSources(new Map(Object.entries({ ...BASE, 'formats/a.ts': "\n\nimport {\n  PathManager,\n} from '../core/index.ts';" })), PKG);
    assert.equal(formatViolation(v!), 'src/formats/a.ts:3: formats may not import core [layer]');
  });

  it('names the folder of a file', () => {
    assert.deepEqual(['main.ts', 'core/path.ts', 'formats/rtp/h264-rtp.ts', 'servers/rtsp/rtsp-conn.ts', 'servers/shared.ts'].map(folderOf),
      ['main.ts', 'core', 'formats', 'servers/rtsp', 'servers']);
  });
});
