import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandLineError, expandArgs, splitCommandLine } from './command-line.ts';

// [line, argv] — POSIX sh word splitting without any expansion.
const SPLIT: [string, string[]][] = [
  ['', []],
  ['   \t\n ', []],
  ['ffmpeg', ['ffmpeg']],
  ['ffmpeg -i  in.mp4\t-c copy', ['ffmpeg', '-i', 'in.mp4', '-c', 'copy']],
  ["sh -c 'echo $MTX_PATH > /tmp/out'", ['sh', '-c', 'echo $MTX_PATH > /tmp/out']],
  ['a "b c" d', ['a', 'b c', 'd']],
  ["'single \"keeps\" double' x", ['single "keeps" double', 'x']],
  ["'no \\escape in single'", ['no \\escape in single']],
  ['"esc: \\" \\\\ \\$ \\` end"', ['esc: " \\ $ ` end']],
  ['"kept: \\a \\n"', ['kept: \\a \\n']],
  ['back\\ slash\\"quote', ['back slash"quote']],
  ['it\\\'s', ["it's"]],
  ["'it'\\''s'", ["it's"]],
  ['one "" two \'\'', ['one', '', 'two', '']],
  ['ab"cd"\'ef\'gh', ['abcdefgh']],
  ['line\\\ncontinued next', ['linecontinued', 'next']],
  ['word \\\n next', ['word', 'next']],
  ['"quoted\\\ncontinuation"', ['quotedcontinuation']],
  ['"real\nnewline"', ['real\nnewline']],
  // Shell syntax is plain text: no pipes, lists, redirections, substitutions or globs.
  ['a;b | c && d > e < f 2>&1', ['a;b', '|', 'c', '&&', 'd', '>', 'e', '<', 'f', '2>&1']],
  ['echo $(touch x) `id` * ~ {a,b}', ['echo', '$(touch', 'x)', '`id`', '*', '~', '{a,b}']],
  ['ünïcode "ß 😀"', ['ünïcode', 'ß 😀']],
];

const SPLIT_ERRORS = ["don't", '"open', "'open", 'trailing\\', '   \\', '"a\\"', "'a'\\''b"];

/** Quotes a word so that splitCommandLine gives it back (single quotes, `'` as `'\''`). */
function quote(w: string): string { return `'${w.replace(/'/g, "'\\''")}'`; }

describe('splitCommandLine', () => {
  it('splits with POSIX shell quoting rules', () => {
    for (const [line, want] of SPLIT) assert.deepEqual(splitCommandLine(line), want, JSON.stringify(line));
  });

  it('throws CommandLineError for unterminated quotes and a trailing backslash', () => {
    for (const line of SPLIT_ERRORS) assert.throws(() => splitCommandLine(line), CommandLineError, JSON.stringify(line));
  });

  it('never throws anything but CommandLineError (property)', () => {
    const chars = fc.constantFrom(...'ab $\'"\\\n\t;|&>(){}'.split(''));
    fc.assert(fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 60 }), fc.string()), (line) => {
      try {
        const argv = splitCommandLine(line);
        assert.ok(argv.every((a) => typeof a === 'string'));
      } catch (err) {
        assert.ok(err instanceof CommandLineError, String(err));
      }
    }), { numRuns: 2000 });
  });

  it('gives back any argv that was quoted and joined (round trip property)', () => {
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 8 }), fc.constantFrom(' ', '\t', ' \n '), (argv, sep) => {
      assert.deepEqual(splitCommandLine(argv.map(quote).join(sep)), argv);
    }), { numRuns: 1000 });
  });
});

describe('expandArgs', () => {
  const saved = { ...process.env };
  process.env.HOOKTEST_FROM_OS = 'os-value';
  process.env.HOOKTEST_BOTH = 'from-os';
  process.env.MTX_CONFKEY = 'confkey-secret';
  after(() => {
    for (const k of ['HOOKTEST_FROM_OS', 'HOOKTEST_BOTH', 'MTX_CONFKEY']) {
      if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
  });

  it('expands $NAME and ${NAME} like Go os.Expand, hook variables first', () => {
    const env = { MTX_PATH: 'cam/1', HOOKTEST_BOTH: 'from-hook', G1: 'x' };
    const cases: [string, string][] = [
      ['$MTX_PATH', 'cam/1'],
      ['rtsp://localhost:8554/${MTX_PATH}/sub', 'rtsp://localhost:8554/cam/1/sub'],
      ['$MTX_PATH.mp4', 'cam/1.mp4'],
      ['$MTX_PATHX', ''],
      ['$G1$G1', 'xx'],
      ['$HOOKTEST_BOTH', 'from-hook'],
      ['$HOOKTEST_FROM_OS', 'os-value'],
      ['$UNKNOWN_HOOKTEST_VAR|', '|'],
      ['$MTX_CONFKEY ${RTSP_CONFKEY}', ' '],
      ['cost $', 'cost $'],
      ['$(touch x)', '$(touch x)'],
      ['a$-b', 'ab'],
      ['$$ $1 $? ${1}', '   '],
      ['${}z', 'z'],
      ['${unterminated', 'unterminated'],
      ['$/$.$:', '$/$.$:'],
    ];
    for (const [arg, want] of cases) assert.deepEqual(expandArgs([arg], env), [want], arg);
  });

  it('never changes the argument count nor argv[0], whatever the values (property)', () => {
    const value = fc.oneof(fc.string(), fc.constantFrom("' ; rm -rf / #", '" $(id) "', '\n', ' a b ', '$MTX_PATH', '${G1}'));
    const line = fc.array(fc.oneof(fc.string(), fc.constantFrom('$V', '${V}', '"$V $W"', "'$W'", '$V$W')), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(line, value, value, (words, v, w) => {
      const argv = splitCommandLine(words.map(quote).join(' '));
      const out = expandArgs(argv, { V: v, W: w, MTX_PATH: v, G1: w });
      assert.equal(out.length, argv.length);
      if (!argv[0]!.includes('$')) assert.equal(out[0], argv[0]);
      // Values are inserted once: a value that looks like a variable is not expanded again.
      if (argv[0] === '$V') assert.equal(out[0], v);
    }), { numRuns: 2000 });
  });
});
