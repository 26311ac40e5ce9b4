/**
 * Qlik Cloud behind the start path: apps found by id and by public collection (tag), each
 * start a reload of the app (`POST /api/v1/reloads`) with the request's variables and partial
 * flag, a lost answer checked against the app's reloads created since the request.
 */
import { RequestCancelledError } from '../../errors.js';
import { QlikCloudError } from '../../qlikcloud/errors.js';
import type { CloudApp, QlikCloudClient } from '../../qlikcloud/types.js';
import type { Candidate } from '../attribution.js';
import type { StartBackend, StartParameters, StartTarget } from '../backend.js';
import { startAndConfirm, type SendOutcome, type StartConfirmDeps } from '../lost-start.js';

/** Qlik Cloud apps have no enabled flag (a reload of any app may be asked for) and no custom properties. */
function targetOf(app: CloudApp): StartTarget {
  return { backend: 'qlik-cloud', id: app.id, name: app.name, enabled: true, tags: app.tags, customProperties: [] };
}

/**
 * Qlik Cloud answered 4xx: it handled the request and created no reload (the client already
 * turned "already pending", quota and other refusals into answers; this is a rate limit past
 * the client's bound, or credentials refused).
 */
function refused(error: QlikCloudError): boolean {
  return error.status !== undefined && error.status >= 400 && error.status < 500;
}

async function sendStart(
  client: QlikCloudClient,
  appId: string,
  parameters: StartParameters,
  signal: AbortSignal | undefined,
): Promise<SendOutcome> {
  try {
    const result = await client.startReload(appId, parameters, signal === undefined ? {} : { signal });
    return result.started ? { started: true, executionSessionId: result.reloadId } : result;
  } catch (error) {
    if (error instanceof RequestCancelledError) return { started: false, reason: error.message };
    if (!(error instanceof QlikCloudError)) throw error;
    if (refused(error)) return { started: false, reason: error.message };
    // Qlik Cloud may create the reload after a 5xx too: "none yet" is never final here.
    return { started: false, lost: true, message: error.message, final: false };
  }
}

/** Reloads of the app created since `since`: a reload's creation is when Qlik Cloud handled a start. */
async function reloadsSince(client: QlikCloudClient, appId: string, since: Date): Promise<Candidate[]> {
  const reloads = await client.getReloadsOfAppSince(appId, since);
  return reloads.map((reload) => ({ sessionId: reload.id, began: reload.creationTime === null ? null : Date.parse(reload.creationTime) }));
}

export function createQlikCloudBackend(client: QlikCloudClient, deps: StartConfirmDeps): StartBackend {
  return {
    name: 'qlik-cloud',
    async find(query, signal) {
      const found = await client.findApps({ appIds: query.ids, tags: query.tags }, signal === undefined ? {} : { signal });
      return {
        byId: new Map([...found.byId].map(([id, app]) => [id, targetOf(app)])),
        byTag: found.byTag.map((apps) => apps.map(targetOf)),
        byCustomProperty: query.customProperties.map(() => []),
      };
    },
    isUnavailable: (error): error is QlikCloudError => error instanceof QlikCloudError,
    start(target, parameters, signal) {
      return startAndConfirm(deps, {
        key: target.id,
        backend: 'Qlik Cloud',
        words: { run: 'reload', target: 'app' },
        send: () => sendStart(client, target.id, parameters, signal),
        runsSince: (since) => reloadsSince(client, target.id, since),
      });
    },
  };
}
