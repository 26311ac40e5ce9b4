/**
 * Preloaded by scripts/test.sh (`--import`): gives every test and hook that sets no
 * `timeout` of its own a default of TEST_TIMEOUT_MS, so a regression that hangs fails
 * with the name of the test instead of stalling the run. Node 20 has no per-test default
 * (its --test-timeout limits a whole file), so the node:test functions are wrapped and the
 * named ES exports re-synced with syncBuiltinESMExports.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const timeout = Number(process.env.TEST_TIMEOUT_MS ?? 60_000);
if (!Number.isInteger(timeout) || timeout <= 0) {
  throw new Error(`TEST_TIMEOUT_MS must be a positive whole number of milliseconds, got "${process.env.TEST_TIMEOUT_MS}"`);
}

type AnyFunction = (...args: unknown[]) => unknown;
// The CommonJS face of node:test: its properties are what the named ES exports are synced from.
const nodeTest = createRequire(import.meta.url)('node:test') as Record<string, AnyFunction>;

const isOptions = (arg: unknown): arg is { timeout?: number } => typeof arg === 'object' && arg !== null;

/** test/it([name][, options][, fn]): the options get the default timeout, or are added before fn. */
function withDefaultForTests(original: AnyFunction): AnyFunction {
  const wrapped = (...args: unknown[]) => {
    const at = args.findIndex(isOptions);
    if (at >= 0) {
      const options = args[at] as { timeout?: number };
      if (options.timeout === undefined) args[at] = { ...options, timeout };
    } else {
      const fnAt = args.findIndex((arg) => typeof arg === 'function');
      args.splice(fnAt < 0 ? args.length : fnAt, 0, { timeout });
    }
    return original(...args);
  };
  return Object.assign(wrapped, original);
}

/** before/after/beforeEach/afterEach([fn][, options]). */
function withDefaultForHooks(original: AnyFunction): AnyFunction {
  const wrapped = (fn: unknown, options?: unknown) => original(fn, { timeout, ...(isOptions(options) ? options : {}) });
  return Object.assign(wrapped, original);
}

for (const name of ['test', 'it']) nodeTest[name] = withDefaultForTests(nodeTest[name]!);
for (const name of ['before', 'after', 'beforeEach', 'afterEach']) nodeTest[name] = withDefaultForHooks(nodeTest[name]!);
syncBuiltinESMExports();
