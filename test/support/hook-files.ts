import { existsSync, readFileSync } from 'node:fs';

/** Polls (bounded) until `file` holds a whole line: hooks write with `echo`, which ends with a newline. */
export async function readWhenWritten(file: string, timeoutMs = 5000): Promise<string> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (text.endsWith('\n')) return text;
    }
    if (performance.now() > end) throw new Error(`${file} was not written`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
