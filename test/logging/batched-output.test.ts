import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createBatchedOutput } from '../../src/logging/batched-output.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function recordingSink() {
  const writes: string[] = [];
  return { writes, sink: { write: (text: string) => writes.push(text) } };
}

test('lines written in one event-loop turn reach the sink in one write, in order; later lines in the next', async () => {
  const { writes, sink } = recordingSink();
  const exit = new EventEmitter();
  const output = createBatchedOutput(sink, exit);
  output.write('one\n');
  output.write('two\n');
  output.write(Buffer.from('three\n'));
  assert.deepEqual(writes, [], 'nothing is written before the turn ends');
  await nextTurn();
  assert.deepEqual(writes, ['one\ntwo\nthree\n']);
  output.write('four\n');
  await nextTurn();
  assert.deepEqual(writes, ['one\ntwo\nthree\n', 'four\n']);
  await nextTurn();
  assert.equal(writes.length, 2, 'an idle turn writes nothing');
});

test('pending lines are written when the process exits, and when the output is ended', async () => {
  const atExit = recordingSink();
  const exit = new EventEmitter();
  createBatchedOutput(atExit.sink, exit).write('last words\n');
  exit.emit('exit');
  assert.deepEqual(atExit.writes, ['last words\n']);

  const atEnd = recordingSink();
  const ended = new EventEmitter();
  const output = createBatchedOutput(atEnd.sink, ended);
  output.end('closing line\n');
  await new Promise((resolve) => output.once('finish', resolve));
  assert.deepEqual(atEnd.writes, ['closing line\n']);
  assert.equal(ended.listenerCount('exit'), 0, 'an ended output no longer waits for the exit');
});

for (const ending of ['exit', 'throw'] as const) {
  test(`a process that ends by ${ending === 'exit' ? 'process.exit()' : 'an uncaught error'} right after logging still prints its lines`, async () => {
    const child = fileURLToPath(new URL('./console-child.ts', import.meta.url));
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      const running = execFile(process.execPath, ['--import', 'tsx', child, ending], { cwd: process.cwd() }, (_error, out) =>
        resolve({ stdout: out, code: running.exitCode }),
      );
    });
    assert.notEqual(code, 0);
    assert.match(stdout, /info: hello from the console transport/);
    assert.match(stdout, /warn: a second line/);
  });
}
