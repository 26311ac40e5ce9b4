// Run as a child process by create-logger.test.ts: logs through the real Console transport.
import { createLogger } from '../../src/logging/index.js';

const logger = createLogger({ level: 'info', fileLogging: false, directory: '.', format: 'text' });
logger.info('hello from the console transport', { password: 'console-secret-value' });
logger.debug('not at this level');
