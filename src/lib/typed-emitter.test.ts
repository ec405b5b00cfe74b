import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypedEmitter } from './typed-emitter.ts';

interface Events { [k: string]: (...args: never[]) => void; ready: (name: string) => void; gone: (name: string, why: Error) => void }

describe('TypedEmitter', () => {
  it('calls listeners in order with their arguments and removes them', () => {
    const e = new TypedEmitter<Events>();
    const seen: string[] = [];
    const off = e.on('ready', (n) => seen.push(`a:${n}`));
    e.on('ready', (n) => seen.push(`b:${n}`));
    e.emit('ready', 'cam');
    off();
    e.emit('ready', 'cam2');
    assert.deepEqual(seen, ['a:cam', 'b:cam', 'b:cam2']);
    assert.equal(e.listenerCount('ready'), 1);
  });

  it('reports a throwing listener and still calls the others', () => {
    const errors: unknown[] = [];
    const e = new TypedEmitter<Events>((err) => errors.push(err));
    let called = false;
    e.on('gone', () => { throw new Error('boom'); });
    e.on('gone', () => { called = true; });
    e.emit('gone', 'cam', new Error('x'));
    assert.equal(called, true);
    assert.equal((errors[0] as Error).message, 'boom');
  });
});
