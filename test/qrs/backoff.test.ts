import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs } from '../../src/qrs/backoff.js';

test('retry delays grow exponentially from a small base and are capped', () => {
  const low = (retry: number): number => retryDelayMs(retry, () => 0);
  const high = (retry: number): number => retryDelayMs(retry, () => 1);
  assert.equal(high(1), 75);
  assert.equal(high(2), 150);
  assert.equal(high(3), 300);
  assert.equal(high(20), 1000);
  assert.equal(low(20), 500);
});

test('jitter keeps every delay between half and all of its ceiling', () => {
  for (let retry = 1; retry <= 6; retry += 1) {
    const ceiling = retryDelayMs(retry, () => 1);
    const delay = retryDelayMs(retry);
    assert.ok(delay >= ceiling / 2 && delay <= ceiling, `retry ${retry}: ${delay}`);
  }
});
