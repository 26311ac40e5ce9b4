export { parseArgs, usageText, type CliCommand } from './args.js';
