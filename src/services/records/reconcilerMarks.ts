/**
 * What the reconciler writes on a grant: revoked or handed over in a workflow's stead, or changed outside Keycard.
 * Each mark updates the record and appends its one audit event.
 */
import type { Collection } from 'mongodb';
import { RECONCILER_ACTOR, type AuditEvent, type GrantRecord } from './model';
import { defined } from './mongoHelpers';

export class ReconcilerMarks {
  constructor(
    private readonly grants: Collection<GrantRecord>,
    private readonly append: (event: AuditEvent) => Promise<void>,
  ) {}

  /** The reconciler revoked what a workflow no longer could: the record and the audit trail say so. */
  async markRevokedByReconciler(grant: GrantRecord, reason: string, runId: string, at: Date): Promise<void> {
    await this.endByReconciler(grant, reason, `${runId}:${grant.requestId}:revoked_by_reconciler`, at, {
      type: 'revoked_by_reconciler',
    });
  }

  /**
   * The reconciler found an overdue grant whose assignment another live lease still holds: this grant ends and the
   * assignment stays for the other one, whose own workflow removes it at its end. Recorded the way the workflow
   * records its own handover at expiry (a `revoked` event with details.handedOverTo), by the reconciler.
   */
  async markHandedOverByReconciler(
    grant: GrantRecord,
    reason: string,
    handedOverTo: string,
    runId: string,
    at: Date,
  ): Promise<void> {
    await this.endByReconciler(grant, reason, `${runId}:${grant.requestId}:handed_over`, at, {
      type: 'revoked',
      details: { handedOverTo },
    });
  }

  private async endByReconciler(
    grant: GrantRecord,
    reason: string,
    eventId: string,
    at: Date,
    event: { type: 'revoked' | 'revoked_by_reconciler'; details?: Record<string, unknown> },
  ): Promise<void> {
    const updated = await this.grants.findOneAndUpdate(
      { _id: grant.requestId, state: 'active' },
      {
        $set: { state: 'revoked', revokedAt: at, revokedBy: RECONCILER_ACTOR, revokeReason: reason, updatedAt: at },
        $inc: { version: 1 },
      },
      { returnDocument: 'after' },
    );
    await this.append({
      _id: eventId,
      requestId: grant.requestId,
      workflowId: grant.workflowId,
      seq: updated?.version ?? grant.version + 1,
      type: event.type,
      at,
      actor: RECONCILER_ACTOR,
      reason,
      ...defined({ details: event.details }),
      grant: {
        requester: grant.requester,
        target: grant.targetKey,
        ...defined({ targets: grant.catalogTarget ? grant.targetKeys : undefined }),
        reason: grant.reason,
        state: 'revoked',
        ...defined({ approver: grant.approver, grantedAt: grant.grantedAt, expiresAt: grant.expiresAt }),
      },
    });
  }

  /**
   * Marks a grant whose assignment was changed outside Keycard; true (and one audit event) only the first time.
   * The version is left alone so the grant's workflow still writes its own later events over the record.
   */
  async markChangedOutsideKeycard(grant: GrantRecord, detail: string, runId: string, at: Date): Promise<boolean> {
    const { modifiedCount } = await this.grants.updateOne(
      { _id: grant.requestId, changedOutsideKeycard: { $exists: false } },
      { $set: { changedOutsideKeycard: { at, detail } } },
    );
    if (modifiedCount === 0) return false;
    await this.append({
      _id: `${runId}:${grant.requestId}:changed_outside_keycard`,
      requestId: grant.requestId,
      workflowId: grant.workflowId,
      seq: grant.version + 1,
      type: 'changed_outside_keycard',
      at,
      actor: RECONCILER_ACTOR,
      reason: detail,
      details: { principalId: grant.principalId, target: grant.targetKey },
    });
    return true;
  }
}
