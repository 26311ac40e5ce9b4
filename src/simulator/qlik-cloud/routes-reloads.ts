import type { Catalog } from './catalog.js';
import type { SimCloudApp } from './fixture.js';
import type { QlikCloudSimulatorHooks } from './hooks.js';
import { errorResponse, invalid, jsonResponse, notFound, rateLimited, simulatedFailure, type CloudResponse } from './http.js';
import { pageOf } from './paging.js';
import { reloadJson } from './reload-json.js';
import { reloadFilter, sortReloads } from './reload-list.js';
import { parseReloadRequest, type ReloadRequest } from './reload-request.js';
import type { FinalReloadStatus, ReloadStore, SimReload } from './reloads.js';
import { route, type Route } from './router.js';
import type { CreatedReloadRecord } from './stats.js';

export interface ReloadRouteDeps {
  catalog: Catalog;
  reloads: ReloadStore;
  hooks: QlikCloudSimulatorHooks;
  recordReloadCreated(record: CreatedReloadRecord): void;
}

function pendingAnswer(hooks: QlikCloudSimulatorHooks, appId: string): CloudResponse {
  // Code as Kestra reads it, title and detail as its test stub has them [CLIENT]; retrying does not help.
  const retryAfter = hooks.pendingRetryAfterSeconds;
  return errorResponse(
    429,
    'RELOADS-007',
    'Too Many Requests',
    `A pending reload request already exists for this app (${appId})`,
    retryAfter === null ? {} : { 'retry-after': String(retryAfter) },
  );
}

function endStatusOf(hooks: QlikCloudSimulatorHooks, app: SimCloudApp): FinalReloadStatus {
  return hooks.endStatusByAppId.get(app.id) ?? (app.fails === true ? 'FAILED' : 'SUCCEEDED');
}

function readPartial(raw: string | null): boolean | null {
  if (raw === null) return null;
  if (raw !== 'true' && raw !== 'false') throw invalid(`partial must be true or false (got ${raw})`);
  return raw === 'true';
}

/** `/api/v1/reloads`: start, read, list and cancel reloads. */
export function reloadRoutes({ catalog, reloads, hooks, recordReloadCreated }: ReloadRouteDeps): Route[] {
  function create(request: ReloadRequest, app: SimCloudApp, userId: string): SimReload {
    const reload = reloads.create({
      appId: app.id,
      appName: app.name,
      userId,
      partial: request.partial,
      variables: request.variables,
      ...(request.weight === undefined ? {} : { weight: request.weight }),
      queuedMs: Math.max(0, hooks.queuedMs),
      reloadMs: Math.max(0, app.reloadMs ?? hooks.reloadMs),
      endStatus: endStatusOf(hooks, app),
      scriptLogLines: app.scriptLogLines ?? hooks.scriptLogLines,
    });
    recordReloadCreated({ reloadId: reload.id, appId: app.id, partial: reload.partial, variables: reload.variables, at: reload.creationTime });
    return reload;
  }

  return [
    route('POST', '/api/v1/reloads', (req) => {
      if (hooks.rateLimitNextStarts > 0) {
        hooks.rateLimitNextStarts -= 1;
        return rateLimited(hooks.retryAfterSeconds);
      }
      if (hooks.failStartsWith !== null) return simulatedFailure(hooks.failStartsWith);
      const request = parseReloadRequest(req.body);
      // POST documents no 404; an unknown (or invisible) app is one here [INF].
      const app = catalog.app(request.appId);
      if (app === undefined) return notFound(`no app ${request.appId}`);
      if (hooks.quotaExceeded) return errorResponse(403, 'RELOADS-013', 'Reload quota exceeded', 'The reload quota of the tenant is used up');
      if (reloads.pendingFor(app.id) !== undefined) return pendingAnswer(hooks, app.id);
      return jsonResponse(201, reloadJson(create(request, app, req.caller.userId), req.baseUrl, { withLog: true }));
    }),
    route('GET', '/api/v1/reloads/{reloadId}', (req, { reloadId = '' }) => {
      const reload = reloads.get(reloadId);
      return reload === undefined ? notFound(`no reload ${reloadId}`) : jsonResponse(200, reloadJson(reload, req.baseUrl, { withLog: true }));
    }),
    route('GET', '/api/v1/reloads', (req) => {
      const appId = req.query.get('appId');
      // Required unless the caller is a tenant admin [DOC]; the status of the refusal is [INF].
      if (appId === null && !req.caller.isAdmin) throw invalid('appId is required unless the caller is a tenant admin');
      const partial = readPartial(req.query.get('partial'));
      const matchesFilter = reloadFilter(req.query.get('filter'));
      const selected = reloads
        .all()
        .filter((reload) => (appId === null || reload.appId === appId) && (partial === null || reload.partial === partial) && matchesFilter(reload));
      const page = pageOf(sortReloads(selected, req.query.get('sort')), req);
      // The list leaves `log` out unless log=true [DOC].
      const withLog = req.query.get('log') === 'true';
      return jsonResponse(200, { data: page.data.map((reload) => reloadJson(reload, req.baseUrl, { withLog })), links: page.links });
    }),
    route('POST', '/api/v1/reloads/{reloadId}/actions/cancel', (_req, { reloadId = '' }) => {
      if (reloads.get(reloadId) === undefined) return notFound(`no reload ${reloadId}`);
      switch (reloads.cancel(reloadId)) {
        case 'canceled':
          return { status: 204 };
        case 'canceling':
          return { status: 202 };
        default:
          return errorResponse(409, 'HTTP-409', 'Conflict', `reload ${reloadId} is not in a cancellable state`);
      }
    }),
  ];
}
