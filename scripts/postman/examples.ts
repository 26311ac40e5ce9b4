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

const NAMESPACE = 'MyFineNamespace';
const APP1_TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2_TASK = '7552d9fc-d1bb-4975-9a38-18357de531ea';
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
