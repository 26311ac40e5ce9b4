/** The one tenant the simulator is, and the user its API key belongs to (ids in Qlik's shapes). */
export const TENANT_ID = 'simTenant0000000000000000000000A';
export const API_KEY_USER_ID = 'simUser00000000000000000000000AK';
/** OAuth machine-to-machine clients act as a bot user with tenant-admin rights [DOC]. */
export const OAUTH_CLIENT_USER_ID = 'simBot000000000000000000000000M2';

/** Qlik Cloud's time stamps: RFC 3339 in UTC with milliseconds. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
