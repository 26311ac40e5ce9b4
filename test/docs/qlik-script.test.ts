/**
 * docs/qlik/sense-task-gateway.qvs, run from the file itself: each test calls the library's
 * subs through a small interpreter of the Qlik script subset they use, which sends the
 * requests exactly as the Qlik REST connector would (GET or POST, X-HTTP-Method-Override,
 * numbers as strings, doubled quotes undone, Expect: 100-continue) to the service over real
 * HTTP, in front of the QRS simulator over mutual TLS. Every field a sub selects must be in
 * the service's answer, so the file cannot drift from the API.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AUTH_ON, KEYS } from '../helpers/api-keys.js';
import { PROJECT_ROOT } from '../helpers/process.js';
import { idsOf, startedIds, startHarness, TASKS, type Harness } from '../starttask/harness.js';
import { QlikScript, ReloadFailed, type QlikSession } from './qlik/script-runner.js';

const script = new QlikScript(readFileSync(join(PROJECT_ROOT, 'docs', 'qlik', 'sense-task-gateway.qvs'), 'utf8'));
const { app1, app2, app3 } = TASKS;
const JSON_CONNECTION = { postContentType: 'application/json' };

function reload(h: Harness, variables: Record<string, string> = {}, connector = JSON_CONNECTION): Promise<QlikSession> {
  return script.session({ vSTG_BaseUrl: h.base, ...variables }, connector);
}

const rowsOf = (session: QlikSession, table: string) => session.tables.get(table)?.rows ?? [];

test('STG_StartTask with a key-value parameter: the request the connector sends, the task started, the value readable', async (t) => {
  const h = await startHarness(t);
  const s = await reload(h);
  const namespace = 'Sales app #1/Q&A? 50%+';
  const value = 'Nörd "Öst" \\ done';
  await s.call('STG_AddKeyValueItem', [namespace, 'Region', value, '5000']);
  await s.call('STG_StartTask', [app1.taskId]);

  const [start] = s.requests;
  assert.equal(start!.method, 'POST');
  assert.equal(start!.url, `${h.base}/v4/reloadtask/${app1.taskId}/start`);
  assert.equal(start!.headers['X-HTTP-Method-Override'], 'PUT');
  assert.equal(start!.headers.Expect, '100-continue');
  assert.equal(
    start!.body,
    `[{"type":"keyvaluestore","payload":{"namespace":"${namespace}","key":"Region","value":"Nörd \\"Öst\\" \\\\ done","ttl":"5000"}}]`,
  );
  assert.deepEqual(JSON.parse(start!.body!), [{ type: 'keyvaluestore', payload: { namespace, key: 'Region', value, ttl: '5000' } }]);
  assert.deepEqual(startedIds(h.sim), idsOf(app1));
  assert.deepEqual(rowsOf(s, 'STG_Executions').map((row) => [row.STG_TaskId, row.STG_TaskName]), [[app1.taskId, app1.taskName]]);
  assert.equal(s.text('vSTG_StartedCount'), '1');
  const answer = JSON.parse(start!.answer) as { executions: { executionSessionId: string }[] };
  assert.equal(s.text('vSTG_ExecutionId'), answer.executions[0]!.executionSessionId);
  assert.equal(s.text('vSTG_StartItems'), '', 'items are cleared after a start');

  await s.call('STG_KvGet', [namespace, 'Region']);
  assert.equal(s.requests[1]!.method, 'GET');
  assert.equal(s.requests[1]!.url, `${h.base}/v4/keyvalues/Sales%20app%20%231%2FQ%26A%3F%2050%25%2B?key=Region`);
  assert.equal(s.text('vSTG_Value'), value);
});

test('STG_StartTasksByTag, STG_StartTasksByCustomProperty and collected items start what the demo tasks carry', async (t) => {
  const h = await startHarness(t);
  const s = await reload(h);
  await s.call('STG_StartTasksByTag', ['startTask1']);
  assert.deepEqual(
    rowsOf(s, 'STG_Executions').map((row) => row.STG_TaskName),
    [app1.taskName, app2.taskName, app3.taskName],
  );
  assert.equal(s.text('vSTG_StartedCount'), '3');

  await s.call('STG_StartTasksByCustomProperty', ['taskGroup', 'tasks2']);
  assert.equal(s.requests[1]!.body, '[{"type":"starttaskcustomproperty","payload":{"customPropertyName":"taskGroup","customPropertyValue":"tasks2"}}]');
  assert.deepEqual(rowsOf(s, 'STG_Executions').map((row) => row.STG_TaskId), [app2.taskId]);

  await s.call('STG_ClearStartItems');
  await s.call('STG_AddTaskIdItem', [app3.taskId]);
  await s.call('STG_AddTagItem', ['nightly']);
  await s.call('STG_AddCustomPropertyItem', ['taskGroup', 'tasks2']);
  await s.call('STG_StartTasks', ['-']);
  assert.deepEqual(JSON.parse(s.requests[2]!.body!), [
    { type: 'starttaskid', payload: { taskId: app3.taskId } },
    { type: 'starttasktag', payload: { tag: 'nightly' } },
    { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
  ]);
  assert.equal(s.text('vSTG_StartedCount'), '3');
});

test('key-value subs: set (TTL as a string or empty, empty value), get, keyexists, list, delete', async (t) => {
  const h = await startHarness(t);
  const s = await reload(h);
  const namespace = 'App 7/params';
  await s.call('STG_KvSet', [namespace, 'From', '2026-01-01', '60000']);
  assert.equal(s.requests[0]!.body, '{"key":"From","value":"2026-01-01","ttl":"60000"}');
  assert.equal((JSON.parse(s.requests[0]!.answer) as { ttl: number }).ttl, 60000);
  await s.call('STG_KvSet', [namespace, 'Empty', '', '']);
  assert.equal(s.requests[1]!.body, '{"key":"Empty","value":"","ttl":""}');
  assert.equal(s.requests[1]!.status, 201);

  await s.call('STG_KvGet', [namespace, 'From']);
  assert.equal(s.text('vSTG_Value'), '2026-01-01');
  await s.call('STG_KvKeyExists', [namespace, 'From']);
  assert.equal(s.text('vSTG_KeyExists'), 'true');
  await s.call('STG_KvKeyExists', ['no such namespace', 'From']);
  assert.equal(s.text('vSTG_KeyExists'), 'false');

  await s.call('STG_KvListKeys', [namespace]);
  assert.deepEqual(rowsOf(s, 'STG_Keys').map((row) => row.STG_Key).sort(), ['Empty', 'From']);
  await s.call('STG_KvListNamespaces');
  assert.deepEqual(rowsOf(s, 'STG_Namespaces').map((row) => row.STG_Namespace), [namespace]);

  await s.call('STG_KvDelete', [namespace, 'From']);
  const del = s.requests.at(-1)!;
  assert.equal(del.method, 'POST');
  assert.equal(del.url, `${h.base}/v4/keyvalues/App%207%2Fparams/From`);
  assert.equal(del.headers['X-HTTP-Method-Override'], 'DELETE');
  assert.equal(del.status, 204);
  await s.call('STG_KvKeyExists', [namespace, 'From']);
  assert.equal(s.text('vSTG_KeyExists'), 'false');
  await assert.rejects(s.call('STG_KvGet', [namespace, 'From']), (err: unknown) => err instanceof ReloadFailed && err.status === 404);

  await s.call('STG_KvDeleteNamespace', [namespace]);
  assert.equal(s.requests.at(-1)!.status, 204);
  await s.call('STG_KvListNamespaces');
  assert.deepEqual(rowsOf(s, 'STG_Namespaces'), []);
});

test('a POST connection without a Content-Type header: the connector sends text/plain, which the service reads as JSON', async (t) => {
  const h = await startHarness(t);
  const s = await reload(h, {}, { postContentType: 'text/plain; charset=utf-8' });
  await s.call('STG_KvSet', ['plain ns', 'k', 'say "hi"', '1000']);
  await s.call('STG_KvGet', ['plain ns', 'k']);
  assert.equal(s.text('vSTG_Value'), 'say "hi"');
  await s.call('STG_AddKeyValueItem', ['plain ns', 'k2', 'v2', '']);
  await s.call('STG_StartTask', [app1.taskId]);
  assert.deepEqual(startedIds(h.sim), idsOf(app1));
  await s.call('STG_KvDelete', ['plain ns', 'k']);
  await s.call('STG_KvDeleteNamespace', ['plain ns']);
  assert.deepEqual(
    s.requests.filter((r) => r.method === 'POST').map((r) => [r.headers['Content-Type'], r.status]),
    [
      ['text/plain; charset=utf-8', 201],
      ['text/plain; charset=utf-8', 200],
      ['text/plain; charset=utf-8', 204],
      ['text/plain; charset=utf-8', 204],
    ],
  );
});

test('vSTG_ApiKey is sent as X-API-Key on every call; without it a service with auth on refuses', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  const withKey = await reload(h, { vSTG_ApiKey: KEYS.admin });
  await withKey.call('STG_KvSet', ['ns', 'k', 'v', '']);
  await withKey.call('STG_KvGet', ['ns', 'k']);
  assert.deepEqual(withKey.requests.map((r) => r.headers['X-API-Key']), [KEYS.admin, KEYS.admin]);
  assert.equal(withKey.text('vSTG_Value'), 'v');
  await withKey.call('STG_StartTask', [app1.taskId]);
  assert.deepEqual(startedIds(h.sim), idsOf(app1));

  const withoutKey = await reload(h);
  await assert.rejects(withoutKey.call('STG_KvGet', ['ns', 'k']), (err: unknown) => err instanceof ReloadFailed && err.status === 401);
  assert.equal(withoutKey.requests[0]!.headers['X-API-Key'], undefined);
});

test('STG_ExecutionStatus reads the status of an execution a start returned', async (t) => {
  const h = await startHarness(t);
  const s = await reload(h);
  await s.call('STG_StartTask', [app1.taskId]);
  await s.call('STG_ExecutionStatus', [s.text('vSTG_ExecutionId')!]);
  assert.equal(s.requests[1]!.url, `${h.base}/v4/reloadtask/execution/${s.text('vSTG_ExecutionId')}`);
  assert.match(s.text('vSTG_ExecutionStatus') ?? '', /^(Triggered|Started|Queued|FinishedSuccess)$/);
  assert.equal(s.text('vSTG_ExecutionTaskName'), app1.taskName);
});

test('the settings default to localhost and the two connection names of docs/qlik/README.md', async () => {
  const s = await script.session({});
  assert.equal(s.text('vSTG_BaseUrl'), 'http://localhost:8080');
  assert.equal(s.text('vSTG_GetConnection'), 'sense-task-gateway GET');
  assert.equal(s.text('vSTG_PostConnection'), 'sense-task-gateway POST');
  const readme = readFileSync(join(PROJECT_ROOT, 'docs', 'qlik', 'README.md'), 'utf8');
  assert.ok(readme.includes('`sense-task-gateway GET`') && readme.includes('`sense-task-gateway POST`'));
});

test('every SUB of the library was run by the tests above', () => {
  const missing = [...script.subs.keys()].filter((name) => !script.subsCalled.has(name));
  assert.deepEqual(missing, []);
});
