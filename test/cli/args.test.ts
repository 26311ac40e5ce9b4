import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, usageText, type CliCommand } from '../../src/cli/index.js';

test("Butler's flags, short and long", () => {
  const cases: [string[], CliCommand][] = [
    [['-c', 'butler.yaml'], { kind: 'run', configFile: 'butler.yaml' }],
    [['--configfile', 'butler.yaml'], { kind: 'run', configFile: 'butler.yaml' }],
    [['--configfile=conf/butler.yaml'], { kind: 'run', configFile: 'conf/butler.yaml' }],
    [['-c', 'butler.yaml', '-l', 'debug'], { kind: 'run', configFile: 'butler.yaml', logLevel: 'debug' }],
    [['--loglevel', 'verbose', '--configfile', 'b.yaml'], { kind: 'run', configFile: 'b.yaml', logLevel: 'verbose' }],
    [['-h'], { kind: 'help' }],
    [['--help', '-c', 'b.yaml'], { kind: 'help' }],
    [['-v'], { kind: 'version' }],
    [['--version'], { kind: 'version' }],
  ];
  for (const [argv, expected] of cases) assert.deepEqual(parseArgs(argv), expected, argv.join(' '));
});

test('the config file is required unless asking for help or the version', () => {
  for (const argv of [[], ['-l', 'debug'], ['--configfile=']]) {
    assert.deepEqual(parseArgs(argv), { kind: 'error', message: 'Missing required option -c, --configfile <file>' });
  }
});

test('mistakes come back as errors, never as exceptions', () => {
  const cases: [string[], RegExp][] = [
    [['-c'], /argument missing/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['-c', 'b.yaml', 'extra'], /Unexpected argument 'extra'/],
    [['-c', '--loglevel'], /ambiguous/],
    [['-x'], /Unknown option '-x'/],
  ];
  for (const [argv, message] of cases) {
    const command = parseArgs(argv);
    assert.equal(command.kind, 'error', argv.join(' '));
    assert.match(command.kind === 'error' ? command.message : '', message);
  }
});

test('the log level is passed through for loadSettings to validate', () => {
  assert.deepEqual(parseArgs(['-c', 'b.yaml', '-l', 'LOUD']), { kind: 'run', configFile: 'b.yaml', logLevel: 'LOUD' });
});

test('usage lists every flag and the log levels', () => {
  const usage = usageText();
  for (const flag of ['-c, --configfile <file>', '-l, --loglevel <level>', '-h, --help', '-v, --version']) {
    assert.ok(usage.includes(flag), flag);
  }
  assert.ok(usage.includes('silly, debug, verbose, info, warn, error'));
  assert.match(usage, /^Usage: sense-task-gateway -c <file>/);
  assert.match(usageText('stg'), /^Usage: stg -c <file>/);
});
