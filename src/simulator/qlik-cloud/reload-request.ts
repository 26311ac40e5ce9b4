import { isRecord } from '../fixture.js';
import { invalid, parseJsonObject } from './http.js';

/** Qlik's limits on `variables` [DOC]. */
export const MAX_VARIABLES = 20;
export const MAX_VARIABLE_LENGTH = 256;

export interface ReloadRequest {
  appId: string;
  partial: boolean;
  variables: Record<string, string>;
  weight?: number;
}

/** Length in characters (code points), not UTF-16 units: how a Go service counts a string [INF]. */
function charCount(text: string): number {
  return [...text].length;
}

function readVariables(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw invalid('variables must be an object of name: value strings');
  const entries = Object.entries(raw);
  if (entries.length > MAX_VARIABLES) throw invalid(`variables must have at most ${MAX_VARIABLES} entries (got ${entries.length})`);
  const variables: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw invalid(`variables.${name} must be a string`);
    if (charCount(name) > MAX_VARIABLE_LENGTH) throw invalid(`variable names must be at most ${MAX_VARIABLE_LENGTH} characters (got ${charCount(name)})`);
    if (charCount(value) > MAX_VARIABLE_LENGTH) {
      throw invalid(`variables.${name} must be at most ${MAX_VARIABLE_LENGTH} characters (got ${charCount(value)})`);
    }
    variables[name] = value;
  }
  return variables;
}

/** The body of `POST /api/v1/reloads`, or a 400 naming what is wrong. Unknown fields are ignored [INF]. */
export function parseReloadRequest(body: Buffer): ReloadRequest {
  const raw = parseJsonObject(body);
  if (raw === null) throw invalid('the body must be a JSON object');
  const { appId, partial, variables, weight } = raw;
  if (typeof appId !== 'string' || appId === '') throw invalid('appId must be a non-empty string');
  if (partial !== undefined && typeof partial !== 'boolean') throw invalid('partial must be a boolean');
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 10)) {
    throw invalid('weight must be a whole number from 1 to 10');
  }
  return {
    appId,
    partial: partial ?? false,
    variables: readVariables(variables),
    ...(weight === undefined ? {} : { weight }),
  };
}
