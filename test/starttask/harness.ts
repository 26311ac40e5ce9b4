/**
 * End-to-end rig for the start-task API: the app on a real loopback socket, the real QRS
 * client talking mutual TLS to the QRS simulator, and a real key-value store; with `cloud`,
 * also the real Qlik Cloud client talking HTTP to the Qlik Cloud simulator. Everything
 * opened here is closed in `t.after`.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import type { Logger } from 'winston';
import type { Settings } from '../../src/config/settings.js';
import { createKvStore } from '../../src/kvstore/index.js';
import type { KvStore } from '../../src/kvstore/types.js';
import { createQrsClient } from '../../src/qrs/index.js';
import type { QrsClient } from '../../src/qrs/types.js';
import { EMPTY_GUID, type RunningSimulator, type SimTask } from '../../src/simulator/index.js';
import { StartTaskResponse } from '../../src/http/schemas/start-task.js';
import type { StartTaskResponse as StartTaskAnswer } from '../../src/starttask/types.js';
import { buildTestApp, listen, testSettings, type DeepPartial } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { qrsSettingsOf, startTestSimulator, type ManualClock, type TestSimulator } from '../helpers/simulator.js';
import type { IdempotencyStore } from '../../src/idempotency/index.js';
import type { ReloadFinishedHub } from '../../src/reloadevents/index.js';
import { createQlikCloudClient, type CloudClock, type QlikCloudClient } from '../../src/qlikcloud/index.js';
import type { RunningQlikCloudSimulator, SimCloudApp } from '../../src/simulator/qlik-cloud/index.js';
import { cloudSettingsFor, startCloudSimulator } from '../qlikcloud/harness.js';

/** The demo fixture's tasks the tests name. */
export const TASKS = {
  app1: { taskId: 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e', taskName: 'Reload task of App1' },
  app2: { taskId: '7552d9fc-d1bb-4975-9a38-18357de531ea', taskName: 'Reload task of App2' },
  app3: { taskId: 'fb0f317d-da91-4b86-aafa-0174ae1e8c8f', taskName: 'Reload task of App3' },
  operationsMonitor: { taskId: 'fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c', taskName: 'Reload Operations Monitor' },
  nightly: { taskId: '8b4fe424-d90c-493f-a61d-0ce91cd485c9', taskName: 'Reload task of Sales dashboard' },
  disabled: { taskId: '2d6f7b1e-8c34-4b0a-9f27-5e1c0a9d3b01', taskName: 'Reload task of Legacy budget' },
} as const;

export type TaskRef = { readonly taskId: string; readonly taskName: string };

/** The filter of the reference's "task filtering ON" examples. */
export const FILTER_ON = {
  enable: true,
  taskIds: [TASKS.app1.taskId, TASKS.app2.taskId, TASKS.app3.taskId],
  tags: [],
  customProperties: [],
};

export interface HarnessOptions {
  settings?: DeepPartial<Settings>;
  /** false: the key-value store is disabled (the app gets kv = null). */
  kv?: boolean;
  /** Wraps the real QRS client, e.g. to flip a simulator hook at a chosen moment. */
  wrapQrs?: (qrs: QrsClient, sim: RunningSimulator) => QrsClient;
  /** Where Idempotency-Keys live; the app's own memory store if absent. */
  idempotencyStore?: IdempotencyStore;
  /** Where Qlik Cloud's reload-finished events meet waits (a Redis hub, to share them); the app's own if absent. */
  reloadEvents?: ReloadFinishedHub;
  /** Serve this simulator instead of starting one (several apps in front of one QRS). */
  simulator?: TestSimulator;
  /** The simulator's tasks; the demo fixture by default. */
  tasks?: SimTask[];
  /** The simulator's clock; the real time by default. */
  clock?: ManualClock;
  /** false: Butler.configQRS.enable is false (the QRS simulator still runs, to show it is asked nothing). */
  qrs?: boolean;
  /** Qlik Cloud on: its simulator and the real client. */
  cloud?: CloudHarnessOptions;
}

export interface CloudHarnessOptions {
  /** The simulator's apps; the demo fixture by default. */
  apps?: SimCloudApp[];
  /** Butler.qlikCloud.taskMap: task id → app id. */
  taskMap?: Record<string, string>;
  /** Reload run time (default: until a test ends them). */
  reloadMs?: number;
  /** Butler.qlikCloud.timeoutMs (default 5000). */
  timeoutMs?: number;
  /** The client's clock, so Retry-After waits take no real time. */
  clock?: CloudClock;
  /** Wraps the real Qlik Cloud client, e.g. to hold a start's answer back. */
  wrapCloud?: (client: QlikCloudClient, sim: RunningQlikCloudSimulator) => QlikCloudClient;
  /** Serve this Qlik Cloud simulator instead of starting one (several apps in front of one tenant). */
  simulator?: RunningQlikCloudSimulator;
  /** Butler.qlikCloud.maxRequestsPerMinute (default 10000). */
  maxRequestsPerMinute?: number;
  /** Butler.qlikCloud.webhook on with this secret (the simulator is not told where to send events). */
  webhookSecret?: string;
}

export interface Harness {
  base: string;
  /** The app, e.g. to close it mid-test (closing twice is harmless). */
  app: FastifyInstance;
  sim: RunningSimulator;
  /** The Qlik Cloud simulator, when the harness has Qlik Cloud on. */
  cloud: RunningQlikCloudSimulator | undefined;
  kv: KvStore | null;
  logLines(): string[];
  logger: Logger;
}

export async function startHarness(t: TestContext, opts: HarnessOptions = {}): Promise<Harness> {
  const simulatorOptions = { ...(opts.tasks ? { tasks: opts.tasks } : {}), ...(opts.clock ? { clock: opts.clock } : {}) };
  const simulator = opts.simulator ?? (await startTestSimulator(simulatorOptions));
  if (!opts.simulator) t.after(() => simulator.close());
  const { sim } = simulator;
  const cloud =
    opts.cloud &&
    (opts.cloud.simulator ??
      (await startCloudSimulator(t, { reloadMs: opts.cloud.reloadMs ?? Number.POSITIVE_INFINITY, ...(opts.cloud.apps ? { apps: opts.cloud.apps } : {}) })));
  const { timeoutMs = 5_000, maxRequestsPerMinute, webhookSecret } = opts.cloud ?? {};
  const cloudSettings = cloud && {
    ...cloudSettingsFor(cloud, { settings: { timeoutMs, ...(maxRequestsPerMinute ? { maxRequestsPerMinute } : {}) } }),
    enable: true as const,
    taskMap: new Map(Object.entries(opts.cloud?.taskMap ?? {}).map(([taskId, appId]) => [taskId.toLowerCase(), appId])),
    webhook: webhookSecret === undefined ? { enable: false as const } : { enable: true as const, secret: webhookSecret },
  };
  const settings = testSettings({
    ...opts.settings,
    keyValueStore: { ...opts.settings?.keyValueStore, enable: opts.kv !== false, backend: 'memory' },
    qrs: {
      retries: 0,
      ...opts.settings?.qrs,
      ...qrsSettingsOf(simulator),
      enable: opts.qrs !== false,
    },
    ...(cloudSettings ? { qlikCloud: cloudSettings } : {}),
  });
  const { logger, lines } = createCapturingLogger('info');
  const realQrs = createQrsClient(settings.qrs, { logger });
  t.after(() => realQrs.close());
  const qlikCloud = cloud && cloudSettings && createQlikCloudClient(cloudSettings, { logger, ...(opts.cloud?.clock ? { clock: opts.cloud.clock } : {}) });
  if (qlikCloud) t.after(() => qlikCloud.close());
  const kv = opts.kv === false ? null : await createKvStore(settings.keyValueStore, { logger });
  if (kv !== null) t.after(() => kv.close());
  const app = await buildTestApp({
    settings,
    qrs: opts.qrs === false ? null : opts.wrapQrs ? opts.wrapQrs(realQrs, sim) : realQrs,
    qlikCloud: qlikCloud && cloud && opts.cloud?.wrapCloud ? opts.cloud.wrapCloud(qlikCloud, cloud) : (qlikCloud ?? null),
    kv,
    logger,
    ...(opts.idempotencyStore ? { idempotencyStore: opts.idempotencyStore } : {}),
    ...(opts.reloadEvents ? { reloadEvents: opts.reloadEvents } : {}),
  });
  t.after(() => app.close());
  const base = await listen(app);
  return { base, app, sim, cloud, kv, logger, logLines: lines };
}

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** A real HTTP call; `body` is sent as is when a string, else as JSON. */
export async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer> {
  const hasBody = init.body !== undefined;
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'PUT',
    headers: { ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...init.headers },
    body: hasBody ? (typeof init.body === 'string' ? init.body : JSON.stringify(init.body)) : undefined,
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text === '' ? undefined : JSON.parse(text) };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Reload ids of the Qlik Cloud simulator. */
const RELOAD_ID = /^[0-9a-f]{24}$/;
const DOCUMENTED_KEYS = ['tasksId', 'tasksTag', 'tasksTagDenied', 'tasksCP', 'tasksCPDenied'];

function assertEntries(
  actual: readonly (TaskRef & { reason: string })[],
  expected: readonly (TaskRef & { reason: string | RegExp })[],
): void {
  assert.deepEqual(
    actual.map(({ taskId, taskName }) => ({ taskId, taskName })),
    expected.map(({ taskId, taskName }) => ({ taskId, taskName })),
  );
  expected.forEach(({ reason }, i) => {
    const got = actual[i]?.reason ?? '';
    if (typeof reason === 'string') assert.equal(got, reason);
    else assert.match(got, reason);
  });
}

/**
 * Asserts a 200 start-task answer: valid against its schema, the documented keys exactly
 * `documented` (and first, in Butler's order), `executions` naming `started` (each with a
 * real session id, or for Qlik Cloud a reload id and the app), `tasksFailed` naming `failed`
 * and `tasksUnconfirmed` naming `unconfirmed` (reasons equal or matching); `extraKeys` are the
 * optional keys that must follow.
 */
export function assertStartAnswer(
  answer: Answer,
  documented: unknown,
  expected: {
    started: readonly TaskRef[];
    failed?: readonly (TaskRef & { reason: string | RegExp })[];
    unconfirmed?: readonly (TaskRef & { reason: string | RegExp })[];
    extraKeys?: readonly string[];
  },
): StartTaskAnswer {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.match(answer.contentType, /^application\/json/);
  assert.ok(Value.Check(StartTaskResponse, answer.body), `answer does not match its schema: ${JSON.stringify(answer.body)}`);
  const body = answer.body as StartTaskAnswer;
  const extraKeys = expected.extraKeys ?? [];
  assert.deepEqual(Object.keys(body), [...DOCUMENTED_KEYS, 'tasksFailed', 'tasksUnconfirmed', 'executions', ...extraKeys]);
  const { tasksFailed, tasksUnconfirmed, executions, ...rest } = body;
  const butlerPart = Object.fromEntries(Object.entries(rest).filter(([key]) => !extraKeys.includes(key)));
  assert.deepEqual(butlerPart, documented);
  assertEntries(tasksFailed, expected.failed ?? []);
  assertEntries(tasksUnconfirmed, expected.unconfirmed ?? []);
  assert.deepEqual(
    executions.map(({ taskId, taskName }) => ({ taskId, taskName })),
    expected.started.map(({ taskId, taskName }) => ({ taskId, taskName })),
  );
  for (const { executionSessionId, backend, appId, reloadId } of executions) {
    if (backend === 'qlik-cloud') {
      assert.match(executionSessionId, RELOAD_ID);
      assert.equal(reloadId, executionSessionId);
      assert.match(appId ?? '', GUID);
    } else {
      assert.equal(backend, 'qlik-sense');
      assert.match(executionSessionId, GUID);
      assert.notEqual(executionSessionId, EMPTY_GUID);
    }
  }
  return body;
}

/** The ids the simulator really started, sorted (starts run concurrently). */
export function startedIds(sim: RunningSimulator): string[] {
  return [...sim.stats.starts].sort();
}

export function idsOf(...tasks: readonly TaskRef[]): string[] {
  return tasks.map((task) => task.taskId).sort();
}
