/** The Qlik Cloud operations the service needs, over one paced, authenticated transport. */
import type { Logger } from 'winston';
import type { QlikCloudTenantSettings } from '../config/settings.js';
import type { QlikCloudCallMetrics } from '../metrics/index.js';
import { BadRequestError } from '../errors.js';
import { describeAnswer, errorBodyOf, parsePage, parseReload, parseTokenAnswer, reloadOf, unexpectedStatus } from './answers.js';
import { createCloudCalls, RELOAD_PENDING_CODE } from './calls.js';
import { QlikCloudResponseError } from './errors.js';
import { systemClock, type CloudClock } from './clock.js';
import { createAppFinder, isCloudId, type ListReader } from './find-apps.js';
import { createRequestPacer } from './pacer.js';
import { apiKeyTokens, createOAuthTokens, type BearerTokens } from './tokens.js';
import { createCloudTransport, type CloudAnswer } from './transport.js';
import type { CloudCallOptions, CloudReload, CloudStartResult, QlikCloudClient, ReloadParameters } from './types.js';

/** Qlik's limits on reload variables [DOC]: at most 20, names and values at most 256 characters. */
export const MAX_RELOAD_VARIABLES = 20;
export const MAX_RELOAD_VARIABLE_LENGTH = 256;
/** Reloads read per page while looking for those since a moment (usually a handful). */
const RELOAD_PAGE_LIMIT = 20;

export const RELOAD_PENDING_REASON = `Qlik Cloud: a reload of this app is already pending (${RELOAD_PENDING_CODE})`;
export const RELOAD_QUOTA_CODE = 'RELOADS-013';
export const RELOAD_QUOTA_REASON = `Qlik Cloud: the tenant's reload quota is used up (${RELOAD_QUOTA_CODE})`;
export const INVALID_APP_ID_REASON = 'not a Qlik Cloud app id';

export interface QlikCloudClientDeps {
  readonly logger: Logger;
  /** Counts and times every request (stg_qlik_cloud_*); give the app's ServiceMetrics. */
  readonly metrics?: QlikCloudCallMetrics;
  /** Time for pacing, Retry-After waits and token renewal; the system clock unless a test moves its own. */
  readonly clock?: CloudClock;
}

/** Length in characters (code points), as Qlik Cloud counts them [INF]. */
function charCount(text: string): number {
  return [...text].length;
}

/** The first rule `variables` breaks, in the service's validation message shape; undefined when none. */
export function reloadVariablesProblem(variables: Readonly<Record<string, string>>): string | undefined {
  const entries = Object.entries(variables);
  if (entries.length > MAX_RELOAD_VARIABLES) return `variables must have at most ${MAX_RELOAD_VARIABLES} entries (got ${entries.length})`;
  for (const [name, value] of entries) {
    if (charCount(name) > MAX_RELOAD_VARIABLE_LENGTH) {
      return `variable names must be at most ${MAX_RELOAD_VARIABLE_LENGTH} characters (got ${charCount(name)})`;
    }
    if (charCount(value) > MAX_RELOAD_VARIABLE_LENGTH) {
      return `variables.${name} must be at most ${MAX_RELOAD_VARIABLE_LENGTH} characters (got ${charCount(value)})`;
    }
  }
  return undefined;
}

/** 201: started. A 4xx means nothing started: the app has a reload pending, the quota is used up, or another refusal. */
function startAnswer(answer: CloudAnswer): CloudStartResult {
  if (answer.status === 201 || answer.status === 200) return { started: true, reloadId: reloadOf(answer).id };
  if (answer.status < 400 || answer.status >= 500) throw unexpectedStatus(answer);
  const { code } = errorBodyOf(answer);
  if (answer.status === 429 && code === RELOAD_PENDING_CODE) return { started: false, reason: RELOAD_PENDING_REASON };
  if (answer.status === 403 && code === RELOAD_QUOTA_CODE) return { started: false, reason: RELOAD_QUOTA_REASON };
  return { started: false, reason: `Qlik Cloud refused the reload: ${describeAnswer(answer)}` };
}

function reloadAnswer(answer: CloudAnswer): CloudReload | undefined {
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw unexpectedStatus(answer);
  return reloadOf(answer);
}

function scriptLogAnswer(answer: CloudAnswer): string {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  return answer.text;
}

function probeAnswer(answer: CloudAnswer): void {
  if (answer.status !== 200) throw unexpectedStatus(answer);
}

/**
 * The client of one tenant, made once: one keep-alive connection pool, one token shared by all
 * callers, at most `maxRequestsPerMinute` calls a minute in total. `close()` ends it.
 */
export function createQlikCloudClient(settings: QlikCloudTenantSettings, deps: QlikCloudClientDeps): QlikCloudClient {
  const clock = deps.clock ?? systemClock;
  const tenantOrigin = new URL(settings.tenantUrl).origin;
  const transport = createCloudTransport({ tenantUrl: tenantOrigin, timeoutMs: settings.timeoutMs });
  const calls = createCloudCalls({
    transport,
    pacer: createRequestPacer(settings.maxRequestsPerMinute, clock),
    tokens: () => tokens,
    logger: deps.logger,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
  });
  const { credentials } = settings;
  const tokens: BearerTokens =
    credentials.kind === 'apiKey'
      ? apiKeyTokens(credentials.apiKey)
      : createOAuthTokens(
          () =>
            calls.call({
              method: 'POST',
              target: '/oauth/token',
              body: { client_id: credentials.clientId, client_secret: credentials.clientSecret, grant_type: 'client_credentials' },
              anonymous: true,
              interpret: parseTokenAnswer,
            }),
          clock,
        );

  const readList: ListReader = async (path, query, parseItem, signal, more = () => true) => {
    const items = [];
    const visited = new Set<string>();
    let target = path;
    let params: Record<string, string> | undefined = query;
    for (;;) {
      const page = await calls.call({
        method: 'GET',
        target,
        ...(params === undefined ? {} : { query: params }),
        ...(signal === undefined ? {} : { signal }),
        interpret: (answer) => parsePage(answer, parseItem, tenantOrigin, visited),
      });
      items.push(...page.data);
      if (page.next === undefined || !more(page.data)) return items;
      target = page.next.href;
      visited.add(target);
      params = undefined;
    }
  };

  async function startReload(appId: string, parameters: ReloadParameters, options: CloudCallOptions = {}): Promise<CloudStartResult> {
    const problem = reloadVariablesProblem(parameters.variables);
    if (problem !== undefined) throw new BadRequestError(problem);
    if (!isCloudId(appId)) return { started: false, reason: INVALID_APP_ID_REASON };
    const hasVariables = Object.keys(parameters.variables).length > 0;
    return calls.call({
      method: 'POST',
      target: '/api/v1/reloads',
      body: { appId, partial: parameters.partial, ...(hasVariables ? { variables: parameters.variables } : {}) },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      interpret: startAnswer,
    });
  }

  async function getReloadsOfAppSince(appId: string, since: Date, options: CloudCallOptions = {}): Promise<CloudReload[]> {
    if (!isCloudId(appId)) return [];
    const sinceMs = since.getTime();
    // A reload without a creation time cannot be placed: kept, as it may be the one looked for.
    const isRecent = (reload: CloudReload): boolean => reload.creationTime === null || Date.parse(reload.creationTime) >= sinceMs;
    // Newest first: no page is read after one that reaches back before `since`.
    const query = { appId, sort: '-creationTime', limit: String(RELOAD_PAGE_LIMIT) };
    const reloads = await readList('/api/v1/reloads', query, parseReload, options.signal, (page) => page.every(isRecent));
    return reloads.filter(isRecent);
  }

  async function getReload(reloadId: string, options: CloudCallOptions = {}): Promise<CloudReload | undefined> {
    if (!isCloudId(reloadId)) return undefined;
    return calls.call({
      method: 'GET',
      target: `/api/v1/reloads/${reloadId}`,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      interpret: reloadAnswer,
    });
  }

  async function readScriptLog(appId: string, reloadId: string, options: CloudCallOptions = {}): Promise<string> {
    const target = `/api/v1/apps/${appId}/reloads/logs/${reloadId}`;
    if (!isCloudId(appId) || !isCloudId(reloadId)) {
      throw new QlikCloudResponseError({ method: 'GET', endpoint: '/api/v1/apps/{appId}/reloads/logs/{reloadId}' }, 'not a Qlik Cloud app or reload id');
    }
    return calls.call({
      method: 'GET',
      target,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      interpret: scriptLogAnswer,
    });
  }

  function probe(): Promise<void> {
    return calls.call({ method: 'GET', target: '/api/v1/items', query: { resourceType: 'app', limit: '1' }, interpret: probeAnswer });
  }

  async function close(): Promise<void> {
    calls.close();
    transport.close();
  }

  return {
    findApps: createAppFinder(tenantOrigin, readList),
    startReload,
    getReloadsOfAppSince,
    getReload,
    readScriptLog,
    probe,
    close,
  };
}
