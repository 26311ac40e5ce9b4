// Run as a child process by the logging tests: logs through the real standard-output
// transport, then ends as argv[2] says: normally, by process.exit(3), or by an uncaught error.
import { createLogger } from '../../src/logging/index.js';

const logger = createLogger({ level: 'info', fileLogging: false, directory: '.', format: 'text' });
logger.info('hello from the console transport', { password: 'console-secret-value' });
logger.debug('not at this level');
logger.warn('a second line');

const ending = process.argv[2] ?? 'normally';
if (ending === 'exit') process.exit(3);
if (ending === 'throw') throw new Error('crash right after logging');
