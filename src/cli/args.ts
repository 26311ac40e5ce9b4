import { parseArgs as parseNodeArgs } from 'node:util';
import { LOG_LEVELS } from '../config/settings.js';

/** What the command line asks for; `main` acts on it (this module never exits or prints). */
export type CliCommand =
  | { readonly kind: 'run'; readonly configFile: string; readonly logLevel?: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string };

const OPTIONS = {
  configfile: { type: 'string', short: 'c' },
  loglevel: { type: 'string', short: 'l' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/**
 * Parses Butler's flags from `argv` (without the node and script entries). The log level is
 * passed on unchecked: loadSettings validates it with the rest of the configuration.
 */
export function parseArgs(argv: readonly string[]): CliCommand {
  const parsed = parseFlags(argv);
  if ('error' in parsed) return { kind: 'error', message: parsed.error };
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (values.configfile === undefined || values.configfile === '') {
    return { kind: 'error', message: 'Missing required option -c, --configfile <file>' };
  }
  return values.loglevel === undefined
    ? { kind: 'run', configFile: values.configfile }
    : { kind: 'run', configFile: values.configfile, logLevel: values.loglevel };
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseNodeArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function usageText(programName = 'sense-task-gateway'): string {
  return [
    `Usage: ${programName} -c <file> [-l <level>]`,
    '',
    'Starts Qlik Sense reload tasks and serves a key-value store over a Butler-compatible REST API.',
    '',
    'Options:',
    '  -c, --configfile <file>  Butler YAML config file (required)',
    `  -l, --loglevel <level>   log level, overrides Butler.logLevel: ${LOG_LEVELS.join(', ')}`,
    '  -h, --help               show this help and exit',
    '  -v, --version            show the version and exit',
    '',
    'Environment variables STG_* override keys of the config file; see docs/configuration.md.',
    '',
  ].join('\n');
}
