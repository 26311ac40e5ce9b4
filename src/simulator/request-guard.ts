import type { IncomingHttpHeaders } from 'node:http';
import { textResponse, type SimResponse } from './http-types.js';

const XRFKEY = /^[0-9A-Za-z]{16}$/;
const QLIK_USER = /^\s*UserDirectory\s*=\s*[^;\s][^;]*;\s*UserId\s*=\s*\S+/i;

export const XSRF_MESSAGE = 'XSRF prevention check failed. Possible XSRF discovered.';
export const MISSING_USER_MESSAGE = 'X-Qlik-User header missing or not in the form UserDirectory=<dir>; UserId=<id>';

function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The checks QRS makes before routing: the xrfkey query parameter must be 16 chars of
 * [0-9A-Za-z] and equal the X-Qlik-Xrfkey header, else 403. A missing X-Qlik-User is
 * accepted by real QRS on 4242 (it runs as the cert's admin); the simulator refuses it with
 * 403 on purpose, so tests prove the client always sends it.
 */
export function checkRequest(headers: IncomingHttpHeaders, params: ReadonlyMap<string, string>): SimResponse | null {
  const queryKey = params.get('xrfkey');
  const headerKey = singleHeader(headers, 'x-qlik-xrfkey');
  if (queryKey === undefined || !XRFKEY.test(queryKey) || headerKey !== queryKey) {
    return textResponse(403, XSRF_MESSAGE);
  }
  const user = singleHeader(headers, 'x-qlik-user');
  if (user === undefined || !QLIK_USER.test(user)) return textResponse(403, MISSING_USER_MESSAGE);
  return null;
}
