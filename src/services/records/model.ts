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
  target: Target;
  targetKey: string;
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
  identityCenterRequests: { creation?: string; deletion?: string };
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
  /** `<account>/<permission set ARN>`, as `targetKey` writes it. */
  target: string;
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
