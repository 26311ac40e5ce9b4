import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, spawnTs } from './helpers/process.js';

test('npm run demo: starts simulator and service, answers a start request, stops on Ctrl+C', async (t) => {
  const port = await freePort();
  const demo = spawnTs('src/demo/main.ts', [], { STG_SERVER_PORT: String(port) });
  t.after(() => demo.stop());
  await demo.waitFor(/Press Ctrl\+C to stop/, 60000);
  assert.match(demo.output(), new RegExp(`Swagger UI: http://127\\.0\\.0\\.1:${port}/documentation`));
  assert.match(demo.output(), /curl -X PUT/);

  const res = await fetch(`http://127.0.0.1:${port}/v4/reloadtask/-/start`, {
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

  demo.child.kill('SIGINT');
  assert.equal(await demo.exited, 0);
});
