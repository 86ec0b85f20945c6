/**
 * Recording one event of the grant workflow: the grant's record brought up to date (never overwritten by an older
 * version) and the event appended to the audit chain, both idempotent so activity retries duplicate nothing.
 */
import type { Collection } from 'mongodb';
import { grantedTargets, publishedTargetKey, targetKey, type Target } from '../../domain/grant';
import type { AuditChain } from '../audit/auditChain';
import { OneAtATime } from '../oneAtATime';
import type { AuditEvent, GrantEventInput, GrantRecord } from './model';
import { defined, isDuplicateKey, toDate } from './mongoHelpers';

export class GrantEventRecorder {
  constructor(
    private readonly grants: Collection<GrantRecord>,
    private readonly chain: AuditChain<AuditEvent>,
  ) {}

  async record(event: GrantEventInput): Promise<void> {
    const grant = event.grant;
    const version = event.seq ?? grant.history.length;
    const creation = stringDetail(event.details, 'creationRequestId');
    const deletion = stringDetail(event.details, 'deletionRequestId');
    const creations = stringsByAccount(event.details, 'creationRequestIds');
    const deletions = stringsByAccount(event.details, 'deletionRequestIds');
    // Strings only: a status from an unusable input may hold anything, and the record must still be written.
    const asTarget = (target: Target): Target => ({
      accountId: String(target.accountId),
      permissionSetArn: String(target.permissionSetArn),
    });
    // A catalog target is trusted only in its shape: one that is not (an unusable input) is recorded as its one target.
    const catalogTarget = Array.isArray(grant.catalogTarget?.accounts) ? grant.catalogTarget : undefined;
    const targets = grantedTargets({ target: grant.target, catalogTarget }).map(asTarget);
    const record: Omit<GrantRecord, 'identityCenterRequests' | '_id'> = {
      requestId: grant.requestId,
      workflowId: event.workflowId,
      requester: { slackUserId: String(grant.requester.slackUserId), email: String(grant.requester.email) },
      reason: String(grant.reason),
      target: asTarget(grant.target),
      targets,
      targetKeys: targets.map(targetKey),
      targetKey: String(publishedTargetKey({ target: asTarget(grant.target), catalogTarget })),
      duration: grant.duration,
      state: grant.state,
      requestedAt: toDate(grant.history[0]?.at),
      version,
      updatedAt: new Date(),
      ...defined({
        approver: grant.approvedBy,
        principalId: grant.principalId,
        grantedAt: toDate(grant.grantedAt),
        expiresAt: toDate(grant.expiresAt),
        revokedAt: toDate(grant.revokedAt),
        revokedBy: grant.revokedBy,
        revokeReason: grant.revokeReason,
        failureReason: grant.failureReason,
        catalogTarget: catalogTarget && {
          key: String(catalogTarget.key),
          name: String(catalogTarget.name),
          accounts: catalogTarget.accounts.map((account) => ({ id: String(account.id), name: String(account.name) })),
        },
        'identityCenterRequests.creation': creation,
        'identityCenterRequests.deletion': deletion,
        'identityCenterRequests.creations': creations,
        'identityCenterRequests.deletions': deletions,
      }),
    };
    await this.writeGrant(String(grant.requestId), version, record);
    await this.chain.append({
      _id: event.eventId,
      requestId: grant.requestId,
      workflowId: event.workflowId,
      seq: version,
      type: event.type,
      at: new Date(event.at),
      actor: event.actor,
      ...defined({ reason: event.reason, details: event.details }),
      grant: {
        requester: record.requester,
        target: record.targetKey,
        ...(catalogTarget ? { targets: record.targetKeys } : {}),
        reason: record.reason,
        state: record.state,
        ...defined({
          approver: record.approver,
          grantedAt: record.grantedAt,
          expiresAt: record.expiresAt,
          ending: grant.ending,
        }),
      },
    });
  }

  /**
   * Writes the grant's record unless this version or a newer one is there already (a retry, or a late attempt of an
   * older event). Every filter is on `_id` alone: FerretDB answers those without decoding the whole collection, and
   * a compound filter there costs a full decode per write (seconds at 10,000 grants). Writes of one grant from this
   * process go one at a time, so the check and the write cannot interleave here; across processes, the events of one
   * grant come from its one workflow, in order, so only an attempt that outlived its timeout could race.
   */
  private async writeGrant(id: string, version: number, record: Omit<GrantRecord, 'identityCenterRequests' | '_id'>) {
    await this.writes.run(id, async () => {
      const current = await this.grants.findOne({ _id: id }, { projection: { version: 1 } });
      if (current && current.version >= version) return;
      try {
        await this.grants.updateOne({ _id: id }, { $set: record }, { upsert: true });
      } catch (error) {
        // Another process inserted it between the read and the upsert: the next event brings it up to date.
        if (!isDuplicateKey(error)) throw error;
      }
    });
  }

  private readonly writes = new OneAtATime();
}

/** A detail that maps account ids to Identity Center request ids, its string values only; undefined when none. */
function stringsByAccount(
  details: Record<string, unknown> | undefined,
  key: string,
): Record<string, string> | undefined {
  const value = details?.[key];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => /^\d{12}$/.test(entry[0]) && typeof entry[1] === 'string',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function stringDetail(details: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = details?.[key];
  return typeof value === 'string' ? value : undefined;
}
