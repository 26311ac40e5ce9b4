import winston from 'winston';
import type { LoggingSettings } from '../config/settings.js';
import { redactSecrets } from './redact.js';

const { combine, errors, timestamp, printf, json } = winston.format;

/** `2026-11-28T14:00:00.000Z info: message {"meta":"as JSON"}` */
function textLine(info: winston.Logform.TransformableInfo): string {
  const { level, message, timestamp: time, ...meta } = info;
  const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
  return `${String(time)} ${level}: ${String(message)}${rest}`;
}

/**
 * The whole pipeline every transport shares: errors get their stack, secrets are blanked,
 * then one line per entry in the chosen format.
 */
export function lineFormat(format: LoggingSettings['format']): winston.Logform.Format {
  return combine(
    errors({ stack: true }),
    redactSecrets(),
    timestamp(),
    format === 'json' ? json() : printf(textLine),
  );
}
