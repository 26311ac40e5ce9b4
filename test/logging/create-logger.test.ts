import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoggingSettings } from '../../src/config/settings.js';
import { closeLogger, createLogger } from '../../src/logging/index.js';

const ISO_TIME = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';

function consoleCapture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter((line) => line !== '') };
}

function settings(overrides: Partial<LoggingSettings> = {}): LoggingSettings {
  return { level: 'info', fileLogging: false, directory: '.', format: 'text', ...overrides };
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stg-logging-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function logAtEveryLevel(logger: ReturnType<typeof createLogger>): void {
  for (const level of ['error', 'warn', 'info', 'verbose', 'debug', 'silly']) logger.log(level, `at ${level}`);
}

test("Butler's levels: entries below the configured level are dropped", async () => {
  const info = consoleCapture();
  const infoLogger = createLogger(settings({ level: 'info' }), { consoleStream: info.stream });
  logAtEveryLevel(infoLogger);
  await closeLogger(infoLogger);
  assert.deepEqual(
    info.lines().map((line) => line.replace(new RegExp(`^${ISO_TIME} `), '')),
    ['error: at error', 'warn: at warn', 'info: at info'],
  );

  const silly = consoleCapture();
  const sillyLogger = createLogger(settings({ level: 'silly' }), { consoleStream: silly.stream });
  logAtEveryLevel(sillyLogger);
  await closeLogger(sillyLogger);
  assert.equal(silly.lines().length, 6);

  const error = consoleCapture();
  const errorLogger = createLogger(settings({ level: 'error' }), { consoleStream: error.stream });
  logAtEveryLevel(errorLogger);
  await closeLogger(errorLogger);
  assert.equal(error.lines().length, 1);
});

test('text format: timestamp, level, message, then meta as JSON', async () => {
  const output = consoleCapture();
  const logger = createLogger(settings(), { consoleStream: output.stream });
  logger.info('task started', { taskId: 'abc', count: 2 });
  logger.warn('no meta');
  await closeLogger(logger);
  const [withMeta, withoutMeta] = output.lines();
  assert.match(withMeta ?? '', new RegExp(`^${ISO_TIME} info: task started \\{"taskId":"abc","count":2\\}$`));
  assert.match(withoutMeta ?? '', new RegExp(`^${ISO_TIME} warn: no meta$`));
});

test('json format: one JSON object per line with level, message, timestamp and meta', async () => {
  const output = consoleCapture();
  const logger = createLogger(settings({ format: 'json' }), { consoleStream: output.stream });
  logger.info('task started', { taskId: 'abc', nested: { n: 1 } });
  logger.error(new Error('it broke'));
  await closeLogger(logger);
  const entries = output.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(entries.length, 2);
  assert.deepEqual({ ...entries[0], timestamp: undefined }, {
    level: 'info',
    message: 'task started',
    taskId: 'abc',
    nested: { n: 1 },
    timestamp: undefined,
  });
  assert.match(String(entries[0]?.timestamp), new RegExp(`^${ISO_TIME}$`));
  assert.equal(entries[1]?.level, 'error');
  assert.equal(entries[1]?.message, 'it broke');
  assert.match(String(entries[1]?.stack), /^Error: it broke\n/);
});

test('file logging writes the same lines to a daily file in a directory it creates', async (t) => {
  const directory = path.join(tempDir(t), 'nested', 'logs');
  const output = consoleCapture();
  const logger = createLogger(settings({ fileLogging: true, directory, format: 'json' }), { consoleStream: output.stream });
  for (let index = 0; index < 500; index += 1) logger.info(`entry ${index}`);
  logger.debug('below the level');
  await closeLogger(logger);

  // One file per UTC day the lines span: one, or two when the run crosses midnight.
  const dayOf = (line: string) => (JSON.parse(line) as { timestamp: string }).timestamp.slice(0, 10);
  const days = [...new Set(output.lines().map(dayOf))];
  const logFiles = readdirSync(directory).filter((name) => name.endsWith('.log')).sort();
  assert.equal(logFiles.length, days.length);
  for (const name of logFiles) assert.match(name, /^sense-task-gateway\.\d{4}-\d{2}-\d{2}\.log$/);
  assert.deepEqual(logFiles, days.map((day) => `sense-task-gateway.${day}.log`), 'each file is dated in UTC, like its lines');
  const fileLines = logFiles.flatMap((name) => readFileSync(path.join(directory, name), 'utf8').trim().split('\n'));
  assert.equal(fileLines.length, 500);
  assert.deepEqual(fileLines, output.lines());
  assert.equal((JSON.parse(fileLines[499] ?? '{}') as { message?: string }).message, 'entry 499');
  for (const name of logFiles) {
    const lines = readFileSync(path.join(directory, name), 'utf8').trim().split('\n');
    assert.ok(lines.every((line) => name === `sense-task-gateway.${dayOf(line)}.log`), `${name} holds only lines of its day`);
  }
});

test('without file logging no directory is created', async (t) => {
  const directory = path.join(tempDir(t), 'never');
  const output = consoleCapture();
  const logger = createLogger(settings({ directory }), { consoleStream: output.stream });
  logger.info('console only');
  await closeLogger(logger);
  assert.equal(existsSync(directory), false);
  assert.equal(output.lines().length, 1);
});

test('by default lines go to the process console, redacted', async () => {
  const child = fileURLToPath(new URL('./console-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { cwd: process.cwd() });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', new RegExp(`^${ISO_TIME} info: hello from the console transport \\{"password":"\\[REDACTED\\]"\\}$`));
  assert.match(lines[1] ?? '', new RegExp(`^${ISO_TIME} warn: a second line$`));
  assert.ok(!stdout.includes('console-secret-value'));
});

test('an entry below the level is dropped before any format reads it; a later level change applies', async () => {
  const output = consoleCapture();
  const logger = createLogger(settings({ level: 'info' }), { consoleStream: output.stream });
  let reads = 0;
  // Nested: winston copies the top level of the meta itself; only the formats walk deeper.
  const watched = {
    nested: {
      get detail() {
        reads += 1;
        return 'x';
      },
    },
  };
  logger.debug('below the level', watched);
  logger.log('verbose', 'below the level too', watched);
  assert.equal(reads, 0, 'the redaction format read the meta of a dropped entry');
  logger.level = 'debug';
  logger.debug('now wanted', watched);
  await closeLogger(logger);
  assert.ok(reads > 0);
  assert.deepEqual(
    output.lines().map((line) => line.replace(new RegExp(`^${ISO_TIME} `), '')),
    ['debug: now wanted {"nested":{"detail":"x"}}'],
  );
});

test('a line logged after the logger was closed is dropped instead of crashing the shutdown', async () => {
  const capture = consoleCapture();
  const logger = createLogger(settings(), { consoleStream: capture.stream });
  logger.info('before close');
  await closeLogger(logger);
  assert.doesNotThrow(() => logger.error('QRS GET /qrs/about failed after shutdown'));
  assert.deepEqual(
    capture.lines().map((line) => line.replace(new RegExp(`^${ISO_TIME} `), '')),
    ['info: before close'],
  );
});
