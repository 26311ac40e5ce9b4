/** The app's record of its starts: waiting starts per task, claimed sessions, and forgetting. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStartLedger } from '../../src/starttask/start-ledger.js';

const ALLOWANCE = 1_000;
const TASK_A = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const TASK_B = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';

test('claimed sessions are known whatever their case', () => {
  const ledger = createStartLedger({ allowanceMs: ALLOWANCE });
  assert.equal(ledger.isClaimed(S1), false);
  ledger.claim(S1.toUpperCase(), 0);
  assert.equal(ledger.isClaimed(S1), true);
  assert.equal(ledger.isClaimed(S2), false);
});

test('a waiting start sees the other waiting starts of its task only, until they settle', () => {
  const ledger = createStartLedger({ allowanceMs: ALLOWANCE });
  const first = ledger.open(TASK_A, 0);
  assert.equal(first.requestedAt, 0);
  assert.equal(first.othersOfTask(), 0, 'not itself');
  const second = ledger.open(TASK_A.toUpperCase(), 5);
  ledger.open(TASK_B, 6);
  assert.equal(first.othersOfTask(), 1);
  assert.equal(second.othersOfTask(), 1);
  second.settle();
  second.settle();
  assert.equal(first.othersOfTask(), 0);
});

test('with no start waiting, a claim is forgotten once it is more than twice the allowance old', () => {
  const ledger = createStartLedger({ allowanceMs: ALLOWANCE });
  ledger.claim(S1, 0);
  ledger.claim(S2, 2 * ALLOWANCE);
  assert.equal(ledger.isClaimed(S1), true, 'exactly twice the allowance: kept');
  ledger.claim(S3, 2 * ALLOWANCE + 1);
  assert.equal(ledger.isClaimed(S1), false);
  assert.equal(ledger.isClaimed(S2), true);
  assert.equal(ledger.isClaimed(S3), true);
});

test('a waiting start keeps every claim it may need, however long it waits', () => {
  const ledger = createStartLedger({ allowanceMs: ALLOWANCE });
  ledger.claim(S1, 0);
  const waiting = ledger.open(TASK_A, 500);
  ledger.claim(S2, 60 * 60_000);
  assert.equal(ledger.isClaimed(S1), true, 'claimed within twice the allowance of the waiting start');
  waiting.settle();
  ledger.claim(S3, 60 * 60_000 + 1);
  assert.equal(ledger.isClaimed(S1), false, 'forgotten once nothing waits for it');
  assert.equal(ledger.isClaimed(S2), true);
});

test('past the cap, the oldest claims go first', () => {
  const ledger = createStartLedger({ allowanceMs: ALLOWANCE, maxClaims: 2 });
  ledger.open(TASK_A, 0);
  ledger.claim(S1, 1);
  ledger.claim(S2, 2);
  ledger.claim(S3, 3);
  assert.deepEqual([S1, S2, S3].map((id) => ledger.isClaimed(id)), [false, true, true]);
});
