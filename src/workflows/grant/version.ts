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

/**
 * v3, `front-door-proofs`: a request, a decision or an extension is acted on only with a valid proof from Keycard's
 * front door, checked by the verifyProof activity (src/services/frontDoor.ts); anything else is refused, audited and
 * alerted. Runs started before it keep v2's story.
 */
export const FRONT_DOOR_PATCH = 'front-door-proofs';

/**
 * v4, `catalog-targets`: a request may name a catalog target (AccessRequest.catalogTarget) whose permission set is
 * granted in several accounts: assigned in each, active only when every one is confirmed, rolled back when one fails,
 * revoked in each; leases are per (person, account, permission set); and who may decide is read when the button is
 * clicked (the approverRule activity), not frozen when the request started.
 */
export const CATALOG_TARGETS_PATCH = 'catalog-targets';

export interface StoryVersion {
  /** True for runs started on v2 (see RELIABLE_REVOKE_PATCH); false for v1 runs, which keep their story. */
  readonly v2: boolean;
  /** True for runs started on v3 (see FRONT_DOOR_PATCH): inputs need a proof. */
  readonly proofs: boolean;
  /** True for runs started on v4 (see CATALOG_TARGETS_PATCH): several accounts, approvers read at the click. */
  readonly catalogTargets: boolean;
  /** A duration someone asked for (the grant's, the request timeout): v2 refuses anything under a second. */
  requestedMs(duration: unknown): number;
}

/** Asks `patched` at the very start of a run: the marker's place in the history must never move. */
export function storyVersion(): StoryVersion {
  const v2 = patched(RELIABLE_REVOKE_PATCH);
  const proofs = v2 && patched(FRONT_DOOR_PATCH);
  const catalogTargets = proofs && patched(CATALOG_TARGETS_PATCH);
  return {
    v2,
    proofs,
    catalogTargets,
    requestedMs: (duration) => (v2 ? parseRequestedDuration(duration) : parseDuration(duration)),
  };
}
