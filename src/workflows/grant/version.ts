/**
 * The version of the grant story a run follows, fixed when it starts (`patched`): a grant started by an older worker
 * keeps its older story for its whole life, so its history replays. Everything that differs between the versions asks
 * this one object, so the difference is visible in one place.
 */
import { patched } from '@temporalio/workflow';
import { parseDuration, parseRequestedDuration } from '../../domain/duration';

/**
 * v2, `revoke-needs-only-identity-center`: records and alerts go beside the story instead of in front of it, the lease
 * check asks Temporal instead of MongoDB, a failing revoke backs off its alerts (not its retries) and continues as new
 * before its history grows large, and every input is checked before it is acted on.
 */
export const RELIABLE_REVOKE_PATCH = 'revoke-needs-only-identity-center';

export interface StoryVersion {
  /** True for runs started on v2 (see RELIABLE_REVOKE_PATCH); false for v1 runs, which keep their story. */
  readonly v2: boolean;
  /** A duration someone asked for (the grant's, the request timeout): v2 refuses anything under a second. */
  requestedMs(duration: unknown): number;
}

/** Asks `patched` once, at the very start of a run: the marker's place in the history must never move. */
export function storyVersion(): StoryVersion {
  const v2 = patched(RELIABLE_REVOKE_PATCH);
  return { v2, requestedMs: (duration) => (v2 ? parseRequestedDuration(duration) : parseDuration(duration)) };
}
