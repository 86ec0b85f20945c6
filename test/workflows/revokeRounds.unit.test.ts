import assert from 'node:assert/strict';
import {
  MAX_REVOKE_WINDOW_MS,
  revokeAttempts,
  revokeRetryIntervalMs,
  revokeWindowMs,
} from '../../src/workflows/grant/revokePace';

describe('the pace of a revoke that keeps failing', function () {
  it('rounds last 1, 2, 4, 8 minutes, then 15 minutes for good', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 50, 5_000].map((round) => revokeWindowMs(round) / 60_000),
      [1, 2, 4, 8, 15, 15, 15, 15],
    );
  });

  it('attempts are at most 15 s apart in the first quarter hour, then at most a minute apart', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 100].map(revokeRetryIntervalMs), [15_000, 15_000, 15_000, 15_000, 60_000, 60_000]);
  });

  it("each round's pauses (1 s doubling to the cap) fill its window, so an alert comes no sooner than the window", () => {
    for (const round of [1, 2, 3, 4, 5, 6, 20]) {
      const cap = revokeRetryIntervalMs(round);
      const pauses: number[] = [];
      for (let pause = 1_000; pauses.length < revokeAttempts(round) - 1; pause = Math.min(pause * 2, cap)) {
        pauses.push(pause);
      }
      const waited = pauses.reduce((sum, pause) => sum + pause, 0);
      assert.ok(waited >= revokeWindowMs(round), `round ${round}: ${waited} ms of pauses`);
      assert.ok(
        waited - pauses[pauses.length - 1] < revokeWindowMs(round),
        `round ${round}: no attempt more than needed`,
      );
    }
    assert.ok(revokeWindowMs(99) <= MAX_REVOKE_WINDOW_MS);
  });

  it('a day of failure is about a hundred rounds', () => {
    let elapsed = 0;
    let rounds = 0;
    while (elapsed < 24 * 3_600_000) elapsed += revokeWindowMs(++rounds);
    assert.ok(rounds > 90 && rounds < 110, `${rounds} rounds`);
  });
});
