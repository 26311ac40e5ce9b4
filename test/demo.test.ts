import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnTs } from './helpers/process.js';

test('npm run demo: starts both simulators and the service, answers start requests on both backends, stops on Ctrl+C', async (t) => {
  // Port 0: the demo listens where the system says and prints that address.
  const demo = spawnTs('src/demo/main.ts', [], { STG_SERVER_PORT: '0' });
  t.after(() => demo.stop());
  await demo.waitFor(/Press Ctrl\+C to stop/, 60000);
  const base = demo.output().match(/sense-task-gateway on (http:\/\/\S+)/)?.[1] ?? assert.fail(demo.output());
  const port = Number(new URL(base).port);
  assert.ok(port > 0, base);
  assert.match(demo.output(), new RegExp(`Swagger UI: http://127\\.0\\.0\\.1:${port}/documentation`));
  assert.match(demo.output(), /curl -X PUT/);
  const kvExample = demo.output().split('\n').find((line) => line.includes('"type":"keyvaluestore"'));
  assert.ok(kvExample && !kvExample.includes('ttl'), 'the pair the next command reads has no TTL');
  assert.match(demo.output(), /"ttl":60000/, 'TTLs are shown separately');
  assert.match(demo.output(), /Qlik Cloud simulator on http:\/\/127\.0\.0\.1:\d+/);
  const commands = demo.output().split('\n').filter((line) => line.trim().startsWith('curl'));
  assert.ok(commands.some((line) => line.includes('/start?wait=true')), 'a start that waits');
  assert.ok(commands.some((line) => line.includes('"type":"reloadvariable"')), 'a Qlik Cloud app by id, with a variable');
  assert.ok(commands.some((line) => line.includes('"tag":"Nightly reload"')), 'Qlik Cloud apps by tag');
  assert.ok(commands.some((line) => line.includes('/v4/reloadtask/8b4fe424-d90c-493f-a61d-0ce91cd485c9/start')), 'a task moved by taskMap');

  const res = await fetch(`${base}/v4/reloadtask/-/start`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ type: 'starttasktag', payload: { tag: 'startTask1' } }]),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { tasksTag: { taskName: string }[] };
  assert.deepEqual(
    body.tasksTag.map((task) => task.taskName),
    ['Reload task of App1', 'Reload task of App2', 'Reload task of App3'],
  );

  // The moved task reloads its Qlik Cloud app.
  const moved = await fetch(`${base}/v4/reloadtask/8b4fe424-d90c-493f-a61d-0ce91cd485c9/start`, { method: 'PUT' });
  assert.equal(moved.status, 200);
  const movedBody = (await moved.json()) as { executions: { backend: string; taskName: string }[] };
  assert.deepEqual(movedBody.executions.map(({ backend, taskName }) => ({ backend, taskName })), [{ backend: 'qlik-cloud', taskName: 'Sales Dashboard' }]);

  // A Qlik Cloud reload's wait ends; the simulator's signed event reached the webhook.
  const waited = await fetch(`${base}/v4/reloadtask/5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003/start?wait=true&timeoutSeconds=30`, { method: 'PUT' });
  const waitedBody = (await waited.json()) as { executions: { status: string }[] };
  assert.deepEqual(waitedBody.executions.map(({ status }) => status), ['SUCCEEDED']);
  await demo.waitFor(/Qlik Cloud webhook: reload \S+ of app 5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003 ended SUCCEEDED/, 10000);

  demo.child.kill('SIGINT');
  assert.equal(await demo.exited, 0);
});
