/**
 * How fast a revoke that keeps failing is retried and alerted about. Pure numbers, shared by the revoke loop and its
 * tests.
 */

/** v1: one revoke round is a few quick attempts; the workflow alerts between rounds and never stops trying. */
export const REVOKE_ATTEMPTS_PER_ROUND = 5;
export const REVOKE_ROUND_PAUSE = '30s';

/**
 * v2: a revoke round is a window in which the deletion is retried, whatever the error (a refusal may be fixed by an
 * operator at any moment): from 1 s apart, doubling up to 15 s apart in the first quarter hour and up to a minute apart
 * after it. Windows grow 1, 2, 4, 8, then 15 minutes; an alert goes out as each one closes with access still in place.
 * So the assignment goes within a minute of Identity Center recovering, the alerts back off to one per 15 minutes and
 * never stop, and a day of failure costs about a hundred rounds of history. A round ends after as many attempts as
 * its window holds (not on a timeout), so every round closes the same way on every server.
 */
const FIRST_REVOKE_WINDOW_MS = 60_000;
export const MAX_REVOKE_WINDOW_MS = 15 * 60_000;
export function revokeWindowMs(round: number): number {
  return Math.min(FIRST_REVOKE_WINDOW_MS * 2 ** Math.min(round - 1, 10), MAX_REVOKE_WINDOW_MS);
}
/** The longest pause between two attempts of a revoke in this round: 15 s for the first quarter hour, then 1 min. */
export function revokeRetryIntervalMs(round: number): number {
  return round <= 4 ? 15_000 : 60_000;
}
/** Attempts in a round: the fewest whose pauses (1 s, 2 s, 4 s … capped) add up to the round's window. */
export function revokeAttempts(round: number): number {
  const window = revokeWindowMs(round);
  const cap = revokeRetryIntervalMs(round);
  let attempts = 1;
  let waited = 0;
  for (let pause = 1_000; waited < window; pause = Math.min(pause * 2, cap)) {
    waited += pause;
    attempts += 1;
  }
  return attempts;
}
/** A failing revoke continues as new past this many events, far below Temporal's limits (10,240 warns, 51,200 ends). */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 4_000;
