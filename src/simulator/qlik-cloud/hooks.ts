import type { FinalReloadStatus } from './reloads.js';

/** Knobs tests turn at run time; read on every request (timings: by each reload when it is created). */
export interface QlikCloudSimulatorHooks {
  /** Every answer is sent this long after its request arrived. */
  latencyMs: number;
  /** Reload run time for apps without `reloadMs` of their own; Infinity runs until ended by hand. */
  reloadMs: number;
  /** Time a new reload stays QUEUED before RELOADING. */
  queuedMs: number;
  /** Script log lines of apps without `scriptLogLines` of their own. */
  scriptLogLines: number;
  /** Overrides how reloads of these app ids end (instead of SUCCEEDED, or FAILED for `fails` apps). */
  endStatusByAppId: Map<string, FinalReloadStatus>;
  /** Lifetime of OAuth access tokens granted from now on (`expires_in` is its whole seconds). */
  tokenLifetimeMs: number;

  /** Fault: the next N `POST /api/v1/reloads` answer 429 HTTP-429 with Retry-After; nothing starts. */
  rateLimitNextStarts: number;
  /** Retry-After (seconds) of the rate-limit 429s. */
  retryAfterSeconds: number;
  /** When set, the "reload already pending" 429 carries this Retry-After too (the simulator sends none by default). */
  pendingRetryAfterSeconds: number | null;
  /** Fault: `POST /api/v1/reloads` answers 403 RELOADS-013 (reload quota used up). */
  quotaExceeded: boolean;
  /** Fault: `POST /api/v1/reloads` answers this status; nothing starts. */
  failStartsWith: number | null;
  /** Fault: the answer to a start that created a reload is held back this long. */
  startAnswerDelayMs: number;
  /** Fault: the connection of a start that created a reload is destroyed without an answer. */
  dropAfterStart: boolean;
  /** Fault: GETs over this many a minute (sliding window) answer 429 HTTP-429 with Retry-After. */
  readsPerMinute: number | null;
  /** Fault: every GET under /api/v1 answers this status. */
  failReadsWith: number | null;
  /** Fault: script log reads answer this status (e.g. 404, 500), so a client falls back to `log`. */
  scriptLogFailsWith: number | null;
  /** Links (`links.next.href`, ...) point here instead of the host the client addressed. */
  linkBaseUrl: string | null;

  /** Where reload-finished events are POSTed; null sends none. */
  webhookUrl: string | null;
  /** Key of the `Qlik-Signature` HMAC; null sends no signature. */
  webhookSecret: string | null;
  /** Fault: the next N events carry a signature made with another key. */
  wronglySignedEvents: number;
}

export interface HookDefaults {
  reloadMs: number;
  tokenLifetimeMs: number;
  webhookUrl: string | null;
  webhookSecret: string | null;
}

export function createCloudHooks(defaults: HookDefaults): QlikCloudSimulatorHooks {
  return {
    latencyMs: 0,
    reloadMs: defaults.reloadMs,
    queuedMs: 0,
    scriptLogLines: 40,
    endStatusByAppId: new Map(),
    tokenLifetimeMs: defaults.tokenLifetimeMs,
    rateLimitNextStarts: 0,
    retryAfterSeconds: 2,
    pendingRetryAfterSeconds: null,
    quotaExceeded: false,
    failStartsWith: null,
    startAnswerDelayMs: 0,
    dropAfterStart: false,
    readsPerMinute: null,
    failReadsWith: null,
    scriptLogFailsWith: null,
    linkBaseUrl: null,
    webhookUrl: defaults.webhookUrl,
    webhookSecret: defaults.webhookSecret,
    wronglySignedEvents: 0,
  };
}
