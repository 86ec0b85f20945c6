/**
 * The shapes stored in MongoDB: grant records, audit events, drift findings, and the event the grant workflow hands
 * the recordEvent activity. Types and two small names only, shared by the store and its readers.
 */
import type { GrantEnding, GrantEventType, GrantState, GrantStatus, Requester, Target } from '../../domain/grant';
import type { ChainLink } from '../audit/chainLinks';

export interface GrantRecord {
  /** The request id: FerretDB answers lookups by _id from its own key, so every write by request id stays cheap. */
  _id: string;
  requestId: string;
  workflowId: string;
  requester: Requester;
  reason: string;
  /** The first (account, permission set) of the grant: its only one unless it is a catalog target's. */
  target: Target;
  /**
   * Every (account, permission set) the grant covers (grantedTargets), in order. Records written before catalog
   * targets lack it: read them with recordTargets(), which gives [target].
   */
  targets?: Target[];
  /**
   * The `<account>/<permission set>` key of each of `targets`, for the lease queries (index `lease_pairs`). Records
   * written before catalog targets lack it; their `targetKey` is their one pair's key.
   */
  targetKeys?: string[];
  /** What the grant publishes as ProdAccessTarget (publishedTargetKey): a catalog key, else `<account>/<permission set>`. */
  targetKey: string;
  /** The catalog target's name and accounts' names, for the records' readers (absent without a catalog target). */
  catalogTarget?: { key: string; name: string; accounts: { id: string; name: string }[] };
  duration: string;
  approver?: string;
  state: GrantState;
  principalId?: string;
  requestedAt?: Date;
  grantedAt?: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  revokedBy?: string;
  revokeReason?: string;
  failureReason?: string;
  /**
   * Identity Center's request ids: of the first account (`creation`, `deletion`), and of each account by its id for a
   * grant of several (`creations`, `deletions`).
   */
  identityCenterRequests: {
    creation?: string;
    deletion?: string;
    creations?: Record<string, string>;
    deletions?: Record<string, string>;
  };
  /**
   * Set by the reconciler when Identity Center disagreed with Keycard about this grant's assignment: removed by hand
   * while the grant was active, or listed again after its revoke. The first sighting is kept.
   */
  changedOutsideKeycard?: { at: Date; detail: string };
  /** How many events shaped this record; an older write never overwrites a newer one. */
  version: number;
  updatedAt: Date;
}

export interface AuditEvent {
  /** Deterministic per workflow step, so a retried write is recognised. */
  _id: string;
  requestId: string;
  workflowId: string;
  /** Position in the grant's own history: 1 for the request, then one more per state change. */
  seq: number;
  type: AuditEventType;
  at: Date;
  actor: string;
  reason?: string;
  details?: Record<string, unknown>;
  /** The grant as it stood after this event, so the trail alone says who, what, why, approved by whom, until when. */
  grant?: AuditGrantSnapshot;
  /** Set by the hash chain when the event is appended (src/services/audit/auditChain.ts). */
  chainSeq?: ChainLink['chainSeq'];
  prevHash?: ChainLink['prevHash'];
  hash?: ChainLink['hash'];
}

export interface AuditGrantSnapshot {
  requester: Requester;
  /** The grant's published key: `<account>/<permission set ARN>` (targetKey), or its catalog target's key. */
  target: string;
  /** With a catalog target: the `<account>/<permission set ARN>` of every pair it covers. */
  targets?: string[];
  reason: string;
  state: GrantState;
  approver?: string;
  grantedAt?: Date;
  expiresAt?: Date;
  /** How the grant ended, once it ended; events recorded before the status said it lack it (see endingOf). */
  ending?: GrantEnding;
}

/** Events of the grant workflow, and those the reconciler writes. */
export type AuditEventType =
  | GrantEventType
  | 'revoked_by_reconciler'
  | 'revoke_redone'
  | 'overdue_alert'
  | 'drift_found'
  | 'drift_removed'
  | 'changed_outside_keycard'
  | 'reconcile_summary';

export interface DriftFinding {
  _id: string;
  firstSeenAt: Date;
  details: Record<string, unknown>;
}

export const RECONCILER_ACTOR = 'keycard-reconciler';

export function leaseKey(principalId: string, targetKeyValue: string): string {
  return `${principalId}|${targetKeyValue}`;
}

/** Every (account, permission set) a record's grant covers; a record from before catalog targets covers its one. */
export function recordTargets(record: Pick<GrantRecord, 'target' | 'targets'>): Target[] {
  return record.targets && record.targets.length > 0 ? record.targets : [record.target];
}

/** What the workflow hands the recordEvent activity: the event and the grant as it stands after it. */
export interface GrantEventInput {
  eventId: string;
  workflowId: string;
  type: GrantEventType;
  at: string;
  actor: string;
  reason?: string;
  details?: Record<string, unknown>;
  /** The grant as it stands after the event; its history may be cut to the first and last entries. */
  grant: GrantStatus;
  /** The event's position in the grant's story; older workflows sent the whole history and it was its length. */
  seq?: number;
}
