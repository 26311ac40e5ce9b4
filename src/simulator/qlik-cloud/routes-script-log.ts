import type { QlikCloudSimulatorHooks } from './hooks.js';
import { notFound, simulatedFailure, textResponse } from './http.js';
import type { ReloadStore } from './reloads.js';
import { route, type Route } from './router.js';
import { scriptLogText } from './script-log.js';

/** `GET /api/v1/apps/{appId}/reloads/logs/{reloadId}`: the full script log as CRLF text [CLIENT]. */
export function scriptLogRoutes(reloads: ReloadStore, hooks: QlikCloudSimulatorHooks): Route[] {
  return [
    route('GET', '/api/v1/apps/{appId}/reloads/logs/{reloadId}', (_req, { appId = '', reloadId = '' }) => {
      if (hooks.scriptLogFailsWith !== null) return simulatedFailure(hooks.scriptLogFailsWith);
      const reload = reloads.get(reloadId);
      if (reload === undefined || reload.appId !== appId) return notFound(`no reload ${reloadId} of app ${appId}`);
      return textResponse(200, scriptLogText(reload));
    }),
  ];
}
