import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnTs } from './helpers/process.js';

test('npm run demo: starts simulator and service, answers a start request, stops on Ctrl+C', async (t) => {
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

  demo.child.kill('SIGINT');
  assert.equal(await demo.exited, 0);
});
