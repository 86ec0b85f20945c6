/**
 * The grant records and the append-only audit trail in MongoDB. Stays inside what FerretDB supports:
 * no transactions, TTL indexes or $lookup. Every write is idempotent so activity retries never duplicate anything.
 *
 * One object over the collections, so callers hold one store; each concern lives in its own module beside this one
 * (recording events, lease queries, the reconciler's marks, drift findings).
 */
import type { Collection, Db } from 'mongodb';
import type { Target } from '../../domain/grant';
import { AuditChain } from '../audit/auditChain';
import type { HeadPointer } from '../audit/chainLinks';
import { DriftFindings } from './driftFindings';
import { LeaseQueries } from './leaseQueries';
import type { AuditEvent, DriftFinding, GrantEventInput, GrantRecord } from './model';
import { ReconcilerMarks } from './reconcilerMarks';
import { GrantEventRecorder } from './recordGrantEvent';

export class GrantRecords {
  readonly grants: Collection<GrantRecord>;
  readonly audit: Collection<AuditEvent>;
  readonly drift: Collection<DriftFinding>;
  /** Every audit write goes through the chain: sequence number, link, hash. */
  readonly chain: AuditChain<AuditEvent>;
  private readonly recorder: GrantEventRecorder;
  private readonly leases: LeaseQueries;
  private readonly marks: ReconcilerMarks;
  private readonly findings: DriftFindings;

  constructor(db: Db) {
    this.grants = db.collection<GrantRecord>('grants');
    this.audit = db.collection<AuditEvent>('audit');
    this.drift = db.collection<DriftFinding>('drift_findings');
    this.chain = new AuditChain(this.audit, db.collection<HeadPointer>('audit_head'));
    this.recorder = new GrantEventRecorder(this.grants, this.chain);
    this.leases = new LeaseQueries(this.grants);
    this.marks = new ReconcilerMarks(this.grants, (event) => this.appendAuditEvent(event));
    this.findings = new DriftFindings(this.drift);
  }

  /** Made at start-up; creating an index that exists is a no-op. */
  async ensureIndexes(): Promise<void> {
    await this.grants.createIndex({ requestId: 1 }, { unique: true, name: 'requestId_unique' });
    await this.grants.createIndex({ state: 1, expiresAt: 1 }, { name: 'state_expiresAt' });
    await this.grants.createIndex({ 'requester.email': 1, requestedAt: -1 }, { name: 'requester_requestedAt' });
    await this.grants.createIndex({ principalId: 1, targetKey: 1, state: 1 }, { name: 'lease' });
    await this.grants.createIndex({ principalId: 1, targetKeys: 1, state: 1 }, { name: 'lease_pairs' });
    await this.grants.createIndex({ state: 1, revokedAt: 1 }, { name: 'state_revokedAt' });
    await this.audit.createIndex({ requestId: 1, seq: 1 }, { name: 'requestId_seq' });
    await this.audit.createIndex({ at: 1 }, { name: 'at' });
    await this.audit.createIndex({ type: 1, at: 1 }, { name: 'type_at' });
    await this.chain.ensureIndexes();
  }

  recordEvent(event: GrantEventInput): Promise<void> {
    return this.recorder.record(event);
  }

  laterLease(lease: { requestId: string; principalId: string; target: Target; expiresAt: string }) {
    return this.leases.laterLease(lease);
  }

  overdueGrants(before: Date): Promise<GrantRecord[]> {
    return this.leases.overdueGrants(before);
  }

  recentlyRevoked(since: Date): Promise<GrantRecord[]> {
    return this.leases.recentlyRevoked(since);
  }

  liveLeaseKeys(): Promise<Set<string>> {
    return this.leases.liveLeaseKeys();
  }

  /** The live lease that holds the pair `pairKey` (`<account>/<permission set>`) of `grant` after it, if any. */
  liveLeaseOn(grant: Pick<GrantRecord, 'requestId' | 'principalId'>, pairKey: string, now: Date) {
    return this.leases.liveLeaseOn(grant, pairKey, now);
  }

  holdsLiveLease(principalId: string, pairKey: string): Promise<boolean> {
    return this.leases.holdsLiveLease(principalId, pairKey);
  }

  activeGrantsOn(pairKey: string, now: Date): Promise<GrantRecord[]> {
    return this.leases.activeGrantsOn(pairKey, now);
  }

  markRevokedByReconciler(grant: GrantRecord, reason: string, runId: string, at: Date): Promise<void> {
    return this.marks.markRevokedByReconciler(grant, reason, runId, at);
  }

  markHandedOverByReconciler(grant: GrantRecord, reason: string, handedOverTo: string, runId: string, at: Date) {
    return this.marks.markHandedOverByReconciler(grant, reason, handedOverTo, runId, at);
  }

  markChangedOutsideKeycard(grant: GrantRecord, detail: string, runId: string, at: Date): Promise<boolean> {
    return this.marks.markChangedOutsideKeycard(grant, detail, runId, at);
  }

  /** Appends an event to the chain; an event id already written (a retry) is left as it is. */
  async appendAuditEvent(event: AuditEvent): Promise<void> {
    await this.chain.append(event);
  }

  recordDriftFinding(key: string, details: Record<string, unknown>, at: Date) {
    return this.findings.record(key, details, at);
  }

  forgetDriftFinding(key: string): Promise<void> {
    return this.findings.forget(key);
  }

  forgetDriftFindingsExcept(targetKeyValue: string, stillSeen: Set<string>): Promise<void> {
    return this.findings.forgetAllExcept(targetKeyValue, stillSeen);
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
