/**
 * Example requests of the Postman collection, in the order a run sends them (after the GET
 * routes that need no entry): starts first (they write a key-value pair and yield an
 * execution ID), then key-value writes before reads, deletes last. Values work against
 * `npm run demo` (the simulators' tasks and apps in src/simulator/fixtures/demo.json and
 * src/simulator/qlik-cloud/fixtures/demo.json). Every route
 * of the OpenAPI document needs at least one entry, except a GET without required inputs:
 * that one is called bare, before the others, and must answer its first documented 2xx.
 */
export interface RouteExample {
  /** `METHOD /path` exactly as in the OpenAPI document. */
  route: string;
  /** Request name shown in Postman. */
  name: string;
  path?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  status: number;
  /** Extra Postman test lines; `body` holds the parsed JSON answer. */
  checks?: string[];
  /** Collection variables set from the JSON answer (name → JavaScript expression over `body`). */
  capture?: Record<string, string>;
}

import { createHmac } from 'node:crypto';

const NAMESPACE = 'MyFineNamespace';
const APP1_TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2_TASK = '7552d9fc-d1bb-4975-9a38-18357de531ea';
/** "Finance P&L" of the Qlik Cloud simulator's demo apps. */
const CLOUD_APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003';

/** config/demo.yaml's Butler.qlikCloud.webhook.secret: the demo takes events signed with it. */
const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-0f3a9c21b7d84e6a';
/** A reload-finished event as Qlik Cloud sends it, for a reload nobody waits on (acknowledged, ignored). */
const RELOAD_FINISHED_EVENT = {
  specversion: '1.0',
  type: 'com.qlik.v1.reload.finished',
  source: 'com.qlik/reloads',
  id: '3b0c7e52-9a1f-4d6e-8c2b-5f4a1d0e9c37',
  time: '2026-12-01T06:00:09.000Z',
  datacontenttype: 'application/json',
  data: { id: '65f1c2d3e4a5b6c7d8e9f0a1', appId: CLOUD_APP, status: 'SUCCEEDED', succeeded: true, durationSeconds: 8 },
};
/** Qlik-Signature of the body exactly as the collection sends it (JSON with a two-space indent). */
const EVENT_SIGNATURE = createHmac('sha256', DEMO_WEBHOOK_SECRET).update(JSON.stringify(RELOAD_FINISHED_EVENT, null, 2)).digest('hex');
const CLOUD_FINANCE_APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003';

export const ROUTE_EXAMPLES: readonly RouteExample[] = [
  {
    route: 'PUT /v4/reloadtask/{taskId}/start',
    name: 'Start a task by ID, handing it a parameter',
    path: { taskId: APP1_TASK },
    body: [{ type: 'keyvaluestore', payload: { namespace: NAMESPACE, key: 'AnImportantKey', value: 'TheValue', ttl: 600000 } }],
    status: 200,
    checks: [
      `pm.expect(body.tasksId.started.map((task) => task.taskId)).to.eql(['${APP1_TASK}']);`,
      'pm.expect(body.executions).to.have.lengthOf(1);',
    ],
    capture: { executionId: 'body.executions[0].executionSessionId' },
  },
  {
    route: 'POST /v4/reloadtask/{taskId}/start',
    name: 'Start tasks by tag and custom property (POST)',
    path: { taskId: '-' },
    query: { allTaskIdsMustExist: 'false' },
    body: [
      { type: 'starttasktag', payload: { tag: 'startTask1' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
    ],
    status: 200,
    checks: [
      'pm.expect(body.tasksTag).to.have.lengthOf(3);',
      `pm.expect(body.tasksCP.map((task) => task.taskId)).to.eql(['${APP2_TASK}']);`,
    ],
  },
  {
    route: 'PUT /v4/reloadtask/{taskId}/start',
    name: 'Start a Qlik Cloud app by ID with a reload variable, as a partial reload',
    path: { taskId: CLOUD_FINANCE_APP },
    query: { partial: 'true' },
    body: [{ type: 'reloadvariable', payload: { name: 'vRegion', value: 'EMEA' } }],
    status: 200,
    checks: [
      `pm.expect(body.tasksId.started.map((task) => task.taskId)).to.eql(['${CLOUD_FINANCE_APP}']);`,
      "pm.expect(body.executions.map((e) => [e.backend, e.appId])).to.eql([['qlik-cloud', '" + CLOUD_FINANCE_APP + "']]);",
    ],
  },
  {
    route: 'PUT /v4/reloadtask/{taskId}/start',
    name: 'Start an unknown task ID (reported invalid, nothing starts)',
    path: { taskId: 'abc123' },
    body: [],
    status: 200,
    checks: [
      "pm.expect(body.tasksId.invalid).to.eql([{ taskId: 'abc123' }]);",
      'pm.expect(body.tasksId.started).to.eql([]);',
    ],
  },
  {
    route: 'GET /v4/reloadtask/execution/{executionId}',
    name: 'Status of the execution started above',
    path: { executionId: '{{executionId}}' },
    status: 200,
  },
  {
    route: 'PUT /v4/reloadtask/{taskId}/start',
    name: 'Start a Qlik Cloud app by ID and wait for its reload',
    path: { taskId: CLOUD_APP },
    query: { wait: 'true', timeoutSeconds: '60' },
    body: [],
    status: 200,
    checks: [
      "pm.expect(body.executions.map((entry) => entry.backend)).to.eql(['qlik-cloud']);",
      "pm.expect(body.executions[0].status).to.equal('SUCCEEDED');",
    ],
    capture: { cloudReloadId: 'body.executions[0].reloadId' },
  },
  {
    route: 'GET /v4/reloadtask/execution/{executionId}',
    name: 'Status of the Qlik Cloud reload started above',
    path: { executionId: '{{cloudReloadId}}' },
    status: 200,
    checks: ["pm.expect(body.backend).to.equal('qlik-cloud');", "pm.expect(body.status).to.equal('SUCCEEDED');"],
  },
  {
    route: 'POST /v4/qlikcloud/webhook',
    name: 'A reload-finished event from Qlik Cloud, signed with the demo secret',
    headers: { 'Qlik-Signature': EVENT_SIGNATURE },
    body: RELOAD_FINISHED_EVENT,
    status: 200,
    checks: [`pm.expect(body).to.eql({ received: true, reloadId: '${RELOAD_FINISHED_EVENT.data.id}' });`],
  },
  {
    route: 'POST /v4/keyvalues/{namespace}',
    name: 'Store a pair',
    path: { namespace: NAMESPACE },
    body: { key: 'Foo', value: 'Bar', ttl: 600000 },
    status: 201,
    checks: [`pm.expect(body).to.eql({ namespace: '${NAMESPACE}', key: 'Foo', value: 'Bar', ttl: 600000 });`],
  },
  {
    route: 'GET /v4/keyvalues/{namespace}',
    name: 'Read a pair',
    path: { namespace: NAMESPACE },
    query: { key: 'Foo' },
    status: 200,
    checks: ["pm.expect(body.value).to.equal('Bar');"],
  },
  {
    route: 'GET /v4/keyvalues/{namespace}',
    name: 'Read the parameter handed over by the start',
    path: { namespace: NAMESPACE },
    query: { key: 'AnImportantKey' },
    status: 200,
    checks: ["pm.expect(body.value).to.equal('TheValue');"],
  },
  {
    route: 'GET /v4/keyvalues/{namespace}/keyexists',
    name: 'Does a key exist?',
    path: { namespace: NAMESPACE },
    query: { key: 'Foo' },
    status: 200,
    checks: ['pm.expect(body.keyExists).to.equal(true);'],
  },
  {
    route: 'GET /v4/keylist/{namespace}',
    name: 'List the keys of a namespace',
    path: { namespace: NAMESPACE },
    status: 200,
    checks: ["pm.expect(body.keys.map((entry) => entry.key)).to.include.members(['AnImportantKey', 'Foo']);"],
  },
  {
    route: 'GET /v4/keyvaluesnamespaces',
    name: 'List the namespaces',
    status: 200,
    checks: [`pm.expect(body).to.include('${NAMESPACE}');`],
  },
  {
    route: 'DELETE /v4/keyvalues/{namespace}/{key}',
    name: 'Delete a pair',
    path: { namespace: NAMESPACE, key: 'Foo' },
    status: 204,
  },
  {
    route: 'DELETE /v4/keyvalues/{namespace}',
    name: 'Delete a namespace',
    path: { namespace: NAMESPACE },
    status: 204,
  },
];
