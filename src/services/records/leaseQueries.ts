/**
 * What the grant records say about leases (a person's grants on one target): later leases, live ones, overdue and
 * recently revoked grants. Read-only; each query names the index it relies on where one matters.
 */
import type { Collection } from 'mongodb';
import { targetKey, type GrantState, type Target } from '../../domain/grant';
import { leaseKey, type GrantRecord } from './model';

export class LeaseQueries {
  constructor(private readonly grants: Collection<GrantRecord>) {}

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
}
