/**
 * Which execution a lost start made (issue 18 §4), table by table. Times are ms on a made-up
 * clock: the request at 100 000, its answer found lost 2 s later. The service's own
 * CLOCK_ALLOWANCE_MS is used, so raising it (to an hour, say) fails the "before the request" rows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeLostStart, type Attribution, type Candidate } from '../../src/starttask/attribution.js';
import { CLOCK_ALLOWANCE_MS } from '../../src/starttask/lost-start.js';

const REQUESTED_AT = 100_000;
const LOST_AT = 102_000;
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';

interface Row {
  readonly name: string;
  readonly candidates: readonly Candidate[];
  readonly claimed?: readonly string[];
  readonly otherStartsOfTask?: number;
  readonly expected: Attribution['kind'];
  /** For 'ours': the session; for 'unsure': what the reason must say. */
  readonly sessionId?: string;
  readonly reason?: RegExp;
  readonly claimedListed?: readonly string[];
}

function decide(row: Row): Attribution {
  return attributeLostStart({
    requestedAt: REQUESTED_AT,
    lostAt: LOST_AT,
    allowanceMs: CLOCK_ALLOWANCE_MS,
    candidates: row.candidates,
    isClaimed: (id) => (row.claimed ?? []).includes(id),
    otherStartsOfTask: row.otherStartsOfTask ?? 0,
  });
}

function check(rows: readonly Row[]): void {
  for (const row of rows) {
    const got = decide(row);
    assert.equal(got.kind, row.expected, `${row.name}: ${JSON.stringify(got)}`);
    if (got.kind === 'ours') assert.equal(got.sessionId, row.sessionId, row.name);
    if (got.kind === 'unsure' && row.reason) assert.match(got.reason, row.reason, row.name);
    if (got.kind === 'none') assert.deepEqual(got.claimed, row.claimedListed ?? [], row.name);
  }
}

test('the clock allowance: one second on both sides of the window, never more', () => {
  check([
    { name: 'began at the request', candidates: [{ sessionId: S1, began: REQUESTED_AT }], expected: 'ours', sessionId: S1 },
    { name: 'QRS clock 0.5 s behind', candidates: [{ sessionId: S1, began: REQUESTED_AT - 500 }], expected: 'ours', sessionId: S1 },
    { name: 'exactly the allowance before', candidates: [{ sessionId: S1, began: REQUESTED_AT - 1_000 }], expected: 'ours', sessionId: S1 },
    { name: '1 ms beyond the allowance before', candidates: [{ sessionId: S1, began: REQUESTED_AT - 1_001 }], expected: 'none' },
    { name: '5 s before the request', candidates: [{ sessionId: S1, began: REQUESTED_AT - 5_000 }], expected: 'none' },
    { name: '30 min before the request', candidates: [{ sessionId: S1, began: REQUESTED_AT - 30 * 60_000 }], expected: 'none' },
    { name: 'when the answer was found lost', candidates: [{ sessionId: S1, began: LOST_AT }], expected: 'ours', sessionId: S1 },
    { name: 'exactly the allowance after', candidates: [{ sessionId: S1, began: LOST_AT + 1_000 }], expected: 'ours', sessionId: S1 },
    {
      name: '1 ms beyond the allowance after',
      candidates: [{ sessionId: S1, began: LOST_AT + 1_001 }],
      expected: 'unsure',
      reason: new RegExp(`began after its answer was lost: ${S1} \\(began 1970-01-01T00:01:43\\.001Z\\)$`),
    },
  ]);
});

test('executions another request of this process holds are never credited', () => {
  check([
    { name: 'only a claimed one', candidates: [{ sessionId: S1, began: REQUESTED_AT + 1_200 }], claimed: [S1], expected: 'none', claimedListed: [S1] },
    {
      name: 'a claimed one and one free',
      candidates: [
        { sessionId: S1, began: REQUESTED_AT + 1_200 },
        { sessionId: S2, began: REQUESTED_AT + 10 },
      ],
      claimed: [S1],
      expected: 'ours',
      sessionId: S2,
    },
    { name: 'a claimed one not begun yet', candidates: [{ sessionId: S1, began: null }], claimed: [S1], expected: 'none', claimedListed: [S1] },
  ]);
});

test('only a single candidate is credited; otherwise every candidate is named', () => {
  check([
    { name: 'none at all', candidates: [], expected: 'none' },
    {
      name: 'two within the window',
      candidates: [
        { sessionId: S1, began: REQUESTED_AT + 10 },
        { sessionId: S2, began: REQUESTED_AT + 1_200 },
      ],
      expected: 'unsure',
      reason: new RegExp(`^2 executions of the task began since the request: ${S1} \\(began [^)]+\\), ${S2} \\(began [^)]+\\)$`),
    },
    {
      name: 'one before the request and one within',
      candidates: [
        { sessionId: S1, began: REQUESTED_AT - 5_000 },
        { sessionId: S2, began: REQUESTED_AT + 10 },
      ],
      expected: 'ours',
      sessionId: S2,
    },
    {
      name: 'one within and one after the window',
      candidates: [
        { sessionId: S1, began: REQUESTED_AT + 10 },
        { sessionId: S2, began: LOST_AT + 5_000 },
      ],
      expected: 'unsure',
      reason: /^2 executions/,
    },
    {
      name: 'another start of the task by this process is waiting',
      candidates: [{ sessionId: S1, began: REQUESTED_AT + 10 }],
      otherStartsOfTask: 1,
      expected: 'unsure',
      reason: new RegExp(`^another start of the task by this service is still waiting for its answer, either may have made ${S1} `),
    },
    { name: 'another start waiting, nothing found', candidates: [], otherStartsOfTask: 1, expected: 'none' },
  ]);
});

test('a run QRS has not begun yet (start time 1753-01-01) counts as begun within the window', () => {
  check([
    { name: 'alone', candidates: [{ sessionId: S1, began: null }], expected: 'ours', sessionId: S1 },
    {
      name: 'beside one that began within',
      candidates: [
        { sessionId: S1, began: REQUESTED_AT + 10 },
        { sessionId: S2, began: null },
      ],
      expected: 'unsure',
      reason: new RegExp(`${S2} \\(not begun yet\\)$`),
    },
    {
      name: 'beside one from before the request',
      candidates: [
        { sessionId: S1, began: REQUESTED_AT - 60_000 },
        { sessionId: S2, began: null },
      ],
      expected: 'ours',
      sessionId: S2,
    },
  ]);
});
