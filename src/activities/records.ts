/**
 * The grant records and the append-only audit trail in MongoDB. Stays inside what FerretDB supports:
 * no transactions, TTL indexes or $lookup. Every write is idempotent so activity retries never duplicate anything.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { OneAtATime } from './oneAtATime';
import { AuditChain, type ChainLink, type HeadPointer } from './auditChain';
import {
  targetKey,
  type GrantEventType,
  type GrantState,
  type GrantStatus,
  type Requester,
  type Target,
} from '../domain/grant';

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
  /** Set by the hash chain when the event is appended (src/activities/auditChain.ts). */
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

const DUPLICATE_KEY = 11000;

export class GrantRecords {
  readonly grants: Collection<GrantRecord>;
  readonly audit: Collection<AuditEvent>;
  readonly drift: Collection<DriftFinding>;
  /** Every audit write goes through the chain: sequence number, link, hash. */
  readonly chain: AuditChain<AuditEvent>;

  constructor(db: Db) {
    this.grants = db.collection<GrantRecord>('grants');
    this.audit = db.collection<AuditEvent>('audit');
    this.drift = db.collection<DriftFinding>('drift_findings');
    this.chain = new AuditChain(this.audit, db.collection<HeadPointer>('audit_head'));
  }

  /** Made at start-up; creating an index that exists is a no-op. */
  async ensureIndexes(): Promise<void> {
    await this.grants.createIndex({ requestId: 1 }, { unique: true, name: 'requestId_unique' });
    await this.grants.createIndex({ state: 1, expiresAt: 1 }, { name: 'state_expiresAt' });
    await this.grants.createIndex({ 'requester.email': 1, requestedAt: -1 }, { name: 'requester_requestedAt' });
    await this.grants.createIndex({ principalId: 1, targetKey: 1, state: 1 }, { name: 'lease' });
    await this.grants.createIndex({ state: 1, revokedAt: 1 }, { name: 'state_revokedAt' });
    await this.audit.createIndex({ requestId: 1, seq: 1 }, { name: 'requestId_seq' });
    await this.audit.createIndex({ at: 1 }, { name: 'at' });
    await this.audit.createIndex({ type: 1, at: 1 }, { name: 'type_at' });
    await this.chain.ensureIndexes();
  }

  async recordEvent(event: GrantEventInput): Promise<void> {
    const grant = event.grant;
    const version = event.seq ?? grant.history.length;
    const creation = stringDetail(event.details, 'creationRequestId');
    const deletion = stringDetail(event.details, 'deletionRequestId');
    const record: Omit<GrantRecord, 'identityCenterRequests' | '_id'> = {
      requestId: grant.requestId,
      workflowId: event.workflowId,
      requester: { slackUserId: String(grant.requester.slackUserId), email: String(grant.requester.email) },
      reason: String(grant.reason),
      target: { accountId: String(grant.target.accountId), permissionSetArn: String(grant.target.permissionSetArn) },
      targetKey: targetKey(grant.target),
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
        'identityCenterRequests.creation': creation,
        'identityCenterRequests.deletion': deletion,
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
        reason: record.reason,
        state: record.state,
        ...defined({ approver: record.approver, grantedAt: record.grantedAt, expiresAt: record.expiresAt }),
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
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    });
  }

  private readonly writes = new OneAtATime();

  /**
   * Another active lease of the same person on the same target that ends later than this one (ties broken by
   * request id, so of two leases ending together exactly one revokes).
   */
  async laterLease(lease: { requestId: string; principalId: string; target: Target; expiresAt: string }) {
    const mine = new Date(lease.expiresAt);
    const others = await this.grants
      .find({
        principalId: String(lease.principalId),
        targetKey: targetKey(lease.target),
        state: 'active',
        requestId: { $ne: String(lease.requestId) },
      })
      .project<{ requestId: string; workflowId: string; expiresAt?: Date }>({
        requestId: 1,
        workflowId: 1,
        expiresAt: 1,
      })
      .toArray();
    const later = others
      .filter(
        (other) =>
          other.expiresAt &&
          (other.expiresAt > mine ||
            (other.expiresAt.getTime() === mine.getTime() && other.requestId > lease.requestId)),
      )
      .sort((a, b) => (b.expiresAt as Date).getTime() - (a.expiresAt as Date).getTime())[0];
    return later ? { workflowId: later.workflowId, expiresAt: (later.expiresAt as Date).toISOString() } : undefined;
  }

  /** Grants still marked active whose expiry is before `before`: the sweep's to-do list (index state_expiresAt). */
  async overdueGrants(before: Date): Promise<GrantRecord[]> {
    return this.grants.find({ state: 'active', expiresAt: { $lt: before } }).toArray();
  }

  /** Grants revoked since `since` (index state_revokedAt), to confirm Identity Center agrees. */
  async recentlyRevoked(since: Date): Promise<GrantRecord[]> {
    return this.grants.find({ state: 'revoked', revokedAt: { $gte: since } }).toArray();
  }

  /** principalId|targetKey of every grant that holds or is about to hold an assignment. */
  async liveLeaseKeys(): Promise<Set<string>> {
    const live = await this.grants
      .find({ state: { $in: ['active', 'pending'] }, principalId: { $exists: true } })
      .project<{ principalId: string; targetKey: string }>({ principalId: 1, targetKey: 1 })
      .toArray();
    return new Set(live.map((grant) => leaseKey(grant.principalId, grant.targetKey)));
  }

  /**
   * Another lease that holds (or is about to hold) the same assignment: a grant of the same person on the same target,
   * active with an expiry later than `now`, or pending, approved and with its principal resolved (its assignment is
   * on its way, or already shared). A request still waiting for its approval holds nothing yet. The active one that
   * ends last wins; a pending one counts only when no active one is left (it has no expiry yet).
   */
  async liveLeaseOn(
    grant: Pick<GrantRecord, 'requestId' | 'principalId' | 'targetKey'>,
    now: Date,
  ): Promise<{ workflowId: string; expiresAt?: Date } | undefined> {
    if (!grant.principalId) return undefined;
    const others = await this.grants
      .find({
        principalId: String(grant.principalId),
        targetKey: String(grant.targetKey),
        state: { $in: ['active', 'pending'] },
        requestId: { $ne: String(grant.requestId) },
      })
      .project<{ workflowId: string; state: GrantState; expiresAt?: Date; approver?: string }>({
        workflowId: 1,
        state: 1,
        expiresAt: 1,
        approver: 1,
      })
      .toArray();
    const active = others
      .filter((other) => other.state === 'active' && other.expiresAt && other.expiresAt > now)
      .sort((a, b) => (b.expiresAt as Date).getTime() - (a.expiresAt as Date).getTime())[0];
    if (active) return { workflowId: active.workflowId, expiresAt: active.expiresAt };
    const pending = others.find((other) => other.state === 'pending' && other.approver);
    return pending ? { workflowId: pending.workflowId } : undefined;
  }

  /** Whether any grant holds or is about to hold this assignment (what liveLeaseKeys says, for one of them). */
  async holdsLiveLease(principalId: string, targetKeyValue: string): Promise<boolean> {
    const found = await this.grants.findOne(
      { principalId: String(principalId), targetKey: String(targetKeyValue), state: { $in: ['active', 'pending'] } },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /** Active grants on a target that are not yet due, with their principal: what Identity Center should list. */
  async activeGrantsOn(targetKeyValue: string, now: Date): Promise<GrantRecord[]> {
    return this.grants
      .find({
        state: 'active',
        expiresAt: { $gt: now },
        targetKey: String(targetKeyValue),
        principalId: { $exists: true },
      })
      .toArray();
  }

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
    await this.appendAuditEvent({
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
    await this.appendAuditEvent({
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

  /** Appends an event to the chain; an event id already written (a retry) is left as it is. */
  async appendAuditEvent(event: AuditEvent): Promise<void> {
    await this.chain.append(event);
  }

  /**
   * Remembers a drift finding. `firstSight` is true only the first time, so it is reported once; `firstSeenAt` says
   * since when the standing access has been seen (enforce mode removes it only after RECONCILE_GRACE).
   */
  async recordDriftFinding(
    key: string,
    details: Record<string, unknown>,
    at: Date,
  ): Promise<{ firstSight: boolean; firstSeenAt: Date }> {
    try {
      await this.drift.insertOne({ _id: key, firstSeenAt: at, details });
      return { firstSight: true, firstSeenAt: at };
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      const existing = await this.drift.findOne({ _id: key });
      return { firstSight: false, firstSeenAt: existing?.firstSeenAt ?? at };
    }
  }

  async forgetDriftFinding(key: string): Promise<void> {
    await this.drift.deleteOne({ _id: key });
  }

  /**
   * Forgets the findings on a target whose standing access is no longer seen (removed, or now under a live grant),
   * so that access showing up again later is a new finding: reported again, and given the grace again.
   */
  async forgetDriftFindingsExcept(targetKeyValue: string, stillSeen: Set<string>): Promise<void> {
    const findings = await this.drift
      .find({ 'details.target': String(targetKeyValue) })
      .project<{ _id: string }>({ _id: 1 })
      .toArray();
    const gone = findings.map((finding) => finding._id).filter((key) => !stillSeen.has(key));
    if (gone.length > 0) await this.drift.deleteMany({ _id: { $in: gone } });
  }

  async grant(requestId: string): Promise<GrantRecord | null> {
    return this.grants.findOne({ _id: String(requestId) });
  }

  async events(requestId: string): Promise<AuditEvent[]> {
    return this.audit
      .find({ requestId: String(requestId) })
      .sort({ seq: 1 })
      .toArray();
  }
}

function toDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}

function stringDetail(details: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = details?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Drops undefined fields so $set never writes nulls over values. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
