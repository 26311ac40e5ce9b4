import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMPTY_GUID, ExecutionStatus } from '../../src/simulator/index.js';
import { manualClock, startTestSimulator, type ManualClock, type TestSimulator } from '../helpers/simulator.js';
import { jsonOf, qrsRequest, withFilter } from './qrs-request.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';
const NEVER = '1753-01-01T00:00:00.000Z';

interface Result {
  id: string;
  createdDate: string;
  executionID: string;
  taskID: string;
  status: number;
  startTime: string;
  stopTime: string;
  duration: number;
  fileReferenceID: string;
}

interface Session {
  id: string;
  status: number;
  task: { id: string; name: string };
  executionResult: { id: string };
}

describe('simulator execution model', () => {
  let running: TestSimulator;
  before(async () => {
    running = await startTestSimulator();
  });
  after(() => running.close());
  beforeEach(() => {
    const { hooks } = running.sim;
    hooks.executionMs = 0;
    hooks.failingReloadIds.clear();
    hooks.scriptLogApi = 'both';
    hooks.emptyReferenceMs = 0;
    hooks.scriptLogLines = 40;
    hooks.failExecutionReadsWith = null;
    hooks.downloadReference = null;
  });

  const get = (path: string) => qrsRequest(running.sim, running.certs, { path });
  async function start(taskId: string): Promise<string> {
    const answer = await qrsRequest(running.sim, running.certs, { method: 'POST', path: `/qrs/task/${taskId}/start/synchronous` });
    assert.equal(answer.status, 201, answer.text);
    return jsonOf<{ value: string }>(answer).value;
  }
  async function results(filter: string): Promise<Result[]> {
    const answer = await get(withFilter('/qrs/executionresult/full', filter));
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<Result[]>(answer);
  }
  /** Polls until `check` holds; fails with `what` after 10 s. */
  async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
      await sleep(50);
    }
  }

  it('a running reload has a session (Triggered or Started) and a result without stop time', async () => {
    running.sim.hooks.executionMs = 10 * 60 * 1000;
    const sessionId = await start(APP1);
    const session = await get(`/qrs/executionsession/${sessionId}`);
    assert.equal(session.status, 200, session.text);
    const body = jsonOf<Session>(session);
    assert.equal(body.id, sessionId);
    assert.ok([ExecutionStatus.Triggered, ExecutionStatus.Started].includes(body.status as 1 | 2), `status ${body.status}`);
    assert.equal(body.task.id, APP1);
    assert.equal(body.task.name, 'Reload task of App1');

    const listed = jsonOf<Session[]>(await get(withFilter('/qrs/executionsession/full', `id eq ${sessionId}`)));
    assert.deepEqual(listed.map((s) => s.id), [sessionId]);
    const condensed = jsonOf<{ id: string }[]>(await get(withFilter('/qrs/executionsession', `id eq ${sessionId}`)));
    assert.deepEqual(condensed, [{ id: sessionId, privileges: null }]);

    const [result] = await results(`executionID eq ${sessionId}`);
    assert.ok(result);
    assert.equal(result.taskID, APP1);
    assert.equal(result.stopTime, NEVER);
    assert.equal(result.fileReferenceID, EMPTY_GUID);
    assert.ok(result.status === ExecutionStatus.Triggered || result.status === ExecutionStatus.Started);
  });

  it('a finished reload has no session (404) and a final result: success, or failure by task id', async () => {
    running.sim.hooks.failingReloadIds.add(APP2.toUpperCase());
    const ok = await start(APP1);
    const failed = await start(APP2);
    assert.equal((await get(`/qrs/executionsession/${ok}`)).status, 404);
    assert.equal((await get(`/qrs/executionsession/${failed}`)).status, 404);
    assert.deepEqual(jsonOf(await get(withFilter('/qrs/executionsession/full', `id eq ${ok} or id eq ${failed}`))), []);

    const found = await results(`executionID eq ${ok} or executionID eq ${failed}`);
    const byExecution = new Map(found.map((r) => [r.executionID, r]));
    assert.equal(byExecution.get(ok)?.status, ExecutionStatus.FinishedSuccess);
    assert.equal(byExecution.get(failed)?.status, ExecutionStatus.FinishedFail);
    for (const result of found) {
      assert.notEqual(result.stopTime, NEVER);
      assert.notEqual(result.fileReferenceID, EMPTY_GUID);
      const byId = await get(`/qrs/executionresult/${result.id}`);
      assert.equal(byId.status, 200);
      assert.equal(jsonOf<Result>(byId).executionID, result.executionID);
    }
    const task = jsonOf<{ operational: { lastExecutionResult: { status: number } } }>(await get(`/qrs/reloadtask/${APP2}`));
    assert.equal(task.operational.lastExecutionResult.status, ExecutionStatus.FinishedFail);
  });

  it('moves a session through its states and deletes it when the execution time is over', async () => {
    running.sim.hooks.executionMs = 400;
    const sessionId = await start(APP1);
    await eventually('the session is gone', async () => (await get(`/qrs/executionsession/${sessionId}`)).status === 404);
    const [result] = await results(`executionID eq ${sessionId}`);
    assert.equal(result?.status, ExecutionStatus.FinishedSuccess);
    assert.ok((result?.duration ?? 0) >= 400, `duration ${result?.duration}`);
  });

  it('filters results by task and start time, and refuses what QRS refuses', async () => {
    const before = new Date().toISOString();
    const sessionId = await start(APP1);
    const found = await results(`(taskID eq ${APP1}) and (startTime ge '${before}')`);
    assert.ok(found.some((r) => r.executionID === sessionId));
    assert.deepEqual(await results(`taskID eq ${UNKNOWN}`), []);
    assert.equal((await get(withFilter('/qrs/executionresult/full', 'executionID eq abc'))).status, 400);
    assert.equal((await get(`/qrs/executionresult/${UNKNOWN}`)).status, 404);
  });

  it('failExecutionReadsWith makes session and result reads fail', async () => {
    const sessionId = await start(APP1);
    running.sim.hooks.failExecutionReadsWith = 503;
    assert.equal((await get(withFilter('/qrs/executionresult/full', `executionID eq ${sessionId}`))).status, 503);
    assert.equal((await get(`/qrs/executionsession/${sessionId}`)).status, 503);
  });

  describe('script logs', () => {
    async function finishedResult(taskId: string): Promise<Result> {
      const sessionId = await start(taskId);
      const [result] = await results(`executionID eq ${sessionId}`);
      assert.ok(result);
      return result;
    }
    async function reference(path: string): Promise<string> {
      const answer = await get(path);
      assert.equal(answer.status, 200, answer.text);
      return jsonOf<{ value: string }>(answer).value;
    }

    it('serves the log by execution result id (newer QRS) and by file reference (older QRS)', async () => {
      running.sim.hooks.failingReloadIds.add(APP2);
      running.sim.hooks.scriptLogLines = 30;
      const result = await finishedResult(APP2);
      for (const path of [
        `/qrs/reloadtask/${APP2}/scriptlogfile?executionResultId=${result.id}`,
        `/qrs/reloadtask/${APP2}/scriptlog?fileReferenceId=${result.fileReferenceID}`,
      ]) {
        const ref = await reference(path);
        assert.notEqual(ref, EMPTY_GUID);
        const log = await get(`/qrs/download/reloadtask/${ref}/Reload%20task%20of%20App2.log`);
        assert.equal(log.status, 200);
        const lines = log.text.split('\r\n').filter((line) => line !== '');
        assert.equal(lines.length, 30);
        assert.match(lines.at(-2) ?? '', /Execution Failed/);
        // A download reference is good for one download.
        assert.equal((await get(`/qrs/download/reloadtask/${ref}/scriptlog.txt`)).status, 404);
      }
    });

    it('answers 404 for the API the configured QRS version lacks and for a result of another task', async () => {
      const result = await finishedResult(APP1);
      running.sim.hooks.scriptLogApi = 'scriptlog';
      assert.equal((await get(`/qrs/reloadtask/${APP1}/scriptlogfile?executionResultId=${result.id}`)).status, 404);
      assert.notEqual(await reference(`/qrs/reloadtask/${APP1}/scriptlog?fileReferenceId=${result.fileReferenceID}`), EMPTY_GUID);
      running.sim.hooks.scriptLogApi = 'scriptlogfile';
      assert.equal((await get(`/qrs/reloadtask/${APP1}/scriptlog?fileReferenceId=${result.fileReferenceID}`)).status, 404);
      assert.equal((await get(`/qrs/reloadtask/${APP2}/scriptlogfile?executionResultId=${result.id}`)).status, 404);
    });

    it('downloadReference: a reference that is not a GUID is answered and works in the download path', async () => {
      let handedOut = 0;
      running.sim.hooks.downloadReference = () => `Log~Ref_${(handedOut += 1)}.a-Z`;
      running.sim.hooks.failingReloadIds.add(APP1);
      const result = await finishedResult(APP1);
      const ref = await reference(`/qrs/reloadtask/${APP1}/scriptlogfile?executionResultId=${result.id}`);
      assert.equal(ref, 'Log~Ref_1.a-Z');
      const log = await get(`/qrs/download/reloadtask/${encodeURIComponent(ref)}/scriptlog.txt`);
      assert.equal(log.status, 200, log.text);
      assert.match(log.text, /Execution Failed\r\n/);
      assert.equal((await get(`/qrs/download/reloadtask/${encodeURIComponent(ref)}/scriptlog.txt`)).status, 404, 'single use');
    });

    it('answers the empty GUID as reference for a moment after the reload ended', async () => {
      running.sim.hooks.emptyReferenceMs = 60 * 60 * 1000;
      const result = await finishedResult(APP1);
      const path = `/qrs/reloadtask/${APP1}/scriptlogfile?executionResultId=${result.id}`;
      assert.equal(await reference(path), EMPTY_GUID);
      running.sim.hooks.emptyReferenceMs = 0;
      assert.notEqual(await reference(path), EMPTY_GUID);
    });
  });
});

describe('simulator execution model over a clock the test moves', () => {
  let running: TestSimulator;
  let clock: ManualClock;
  before(async () => {
    clock = manualClock();
    running = await startTestSimulator({ clock });
  });
  after(() => running.close());

  const get = (path: string) => qrsRequest(running.sim, running.certs, { path });
  async function start(taskId: string): Promise<string> {
    const answer = await qrsRequest(running.sim, running.certs, { method: 'POST', path: `/qrs/task/${taskId}/start/synchronous` });
    assert.equal(answer.status, 201, answer.text);
    return jsonOf<{ value: string }>(answer).value;
  }
  async function resultsOf(sessionId: string): Promise<Result[]> {
    const answer = await get(withFilter('/qrs/executionresult/full', `executionID eq ${sessionId}`));
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<Result[]>(answer);
  }
  async function session(sessionId: string): Promise<Session | null> {
    const answer = await get(`/qrs/executionsession/${sessionId}`);
    if (answer.status === 404) return null;
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<Session>(answer);
  }

  it('a retried reload: a Retry result, then a new result of the same session; the session lasts until the retry ends', async () => {
    const { hooks } = running.sim;
    hooks.executionMs = 400;
    hooks.retryDelayMs = 200;
    hooks.retryingReloadIds.add(APP1.toUpperCase());
    const sessionId = await start(APP1);
    hooks.retryingReloadIds.clear();

    clock.advance(400);
    const [failed, ...none] = await resultsOf(sessionId);
    assert.deepEqual(none, [], 'the retry has no result before it starts');
    assert.equal(failed?.status, ExecutionStatus.Retry);
    assert.notEqual(failed?.stopTime, NEVER);
    assert.notEqual(failed?.fileReferenceID, EMPTY_GUID, 'the failed run has its log');
    assert.equal((await session(sessionId))?.status, ExecutionStatus.Retry, 'the session waits for the retry');

    clock.advance(200);
    const [first, retry] = await resultsOf(sessionId);
    assert.equal(first?.id, failed?.id);
    assert.equal(first?.status, ExecutionStatus.Retry);
    assert.ok(retry && first);
    assert.equal(retry.executionID, sessionId);
    assert.equal(retry.status, ExecutionStatus.Triggered);
    assert.ok(retry.startTime > first.startTime && retry.createdDate > first.createdDate);
    assert.equal((await session(sessionId))?.executionResult.id, retry.id);

    clock.advance(400);
    const ended = await resultsOf(sessionId);
    assert.deepEqual(ended.map((r) => r.status), [ExecutionStatus.Retry, ExecutionStatus.FinishedSuccess]);
    assert.equal(await session(sessionId), null, 'QRS deletes the session once the retry ended');
    const task = jsonOf<{ operational: { lastExecutionResult: { id: string } } }>(await get(`/qrs/reloadtask/${APP1}`));
    assert.equal(task.operational.lastExecutionResult.id, retry.id);
  });

  it('distribution: DistributionQueue, then DistributionRunning, before the final status; neither ends the session', async () => {
    const { hooks } = running.sim;
    hooks.executionMs = 400;
    hooks.distributionMs = 100;
    const sessionId = await start(APP2);
    hooks.distributionMs = 0;
    for (const status of [ExecutionStatus.DistributionQueue, ExecutionStatus.DistributionRunning]) {
      clock.advance(status === ExecutionStatus.DistributionQueue ? 400 : 100);
      assert.equal((await session(sessionId))?.status, status);
      const [result] = await resultsOf(sessionId);
      assert.equal(result?.status, status);
      assert.equal(result?.stopTime, NEVER);
    }
    const queued = await get(withFilter('/qrs/executionresult/full', `executionID eq ${sessionId} and status eq DistributionRunning`));
    assert.equal(jsonOf<Result[]>(queued).length, 1, 'the status names filter');
    clock.advance(100);
    assert.equal(await session(sessionId), null);
    assert.equal((await resultsOf(sessionId))[0]?.status, ExecutionStatus.FinishedSuccess);
  });
});
