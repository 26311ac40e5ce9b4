import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { TailLines, tailOf } from '../../src/qrs/tail-lines.js';

function tail(count: number, chunks: (string | Buffer)[]): string[] {
  const lines = new TailLines(count);
  for (const chunk of chunks) lines.push(chunk);
  return lines.end();
}

test('keeps the last lines of CRLF or LF text, however it is chunked', () => {
  const text = 'one\r\ntwo\r\nthree\nfour\r\nfive\r\n';
  assert.deepEqual(tail(3, [text]), ['three', 'four', 'five']);
  assert.deepEqual(tail(3, text.split('')), ['three', 'four', 'five'], 'one character per chunk');
  assert.deepEqual(tail(3, ['one\r', '\ntwo\r\nthr', 'ee\r\nfour\r', '\nfive\r\n']), ['three', 'four', 'five']);
  assert.deepEqual(tail(10, [text]), ['one', 'two', 'three', 'four', 'five']);
});

test('a last line without an ending counts; a BOM is dropped; 0 lines keeps nothing', () => {
  assert.deepEqual(tail(2, ['\uFEFFa\nb\nc']), ['b', 'c']);
  assert.deepEqual(tail(5, ['\uFEFFonly']), ['only']);
  assert.deepEqual(tail(0, ['a\nb\n']), []);
  assert.deepEqual(tail(3, ['']), []);
});

test('a multi-byte character split across chunks is decoded whole', () => {
  const bytes = Buffer.from('Nörd Öst\r\nÖkonomi Süd\r\n', 'utf8');
  const chunks = [...bytes].map((byte) => Buffer.from([byte]));
  assert.deepEqual(tail(2, chunks), ['Nörd Öst', 'Ökonomi Süd']);
});

test('an endless line keeps only its end', () => {
  const lines = tail(1, ['x'.repeat(100_000), 'END']);
  assert.equal(lines.length, 1);
  assert.ok((lines[0]?.length ?? 0) <= 16 * 1024);
  assert.ok(lines[0]?.endsWith('xEND'));
});

test('tailOf reads a stream to its end', async () => {
  const stream = Readable.from([Buffer.from('a\r\nb\r\n'), Buffer.from('c\r\nd\r\n')]);
  assert.deepEqual(await tailOf(stream, 2), ['c', 'd']);
});
