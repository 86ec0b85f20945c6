/**
 * What the grant records say about leases (a person's grants on one assignment: an account and a permission set):
 * later leases, live ones, overdue and recently revoked grants. A grant of a catalog target is a lease on each of its
 * pairs, whatever key it publishes. Read-only; each query names the index it relies on where one matters.
 */
import type { Collection, Filter } from 'mongodb';
import { targetKey, type GrantState, type Target } from '../../domain/grant';
import { leaseKey, recordTargets, type GrantRecord } from './model';

/**
 * The records of grants that cover the pair `<account>/<permission set>`: those listing it in `targetKeys`, and
 * those written before catalog targets, whose `targetKey` is their one pair (a catalog key never has a slash, so it
 * never matches one).
 */
export function coveringPair(pairKey: string): Filter<GrantRecord> {
  const key = String(pairKey);
  return { $or: [{ targetKeys: key }, { targetKey: key }] };
}

export class LeaseQueries {
  constructor(private readonly grants: Collection<GrantRecord>) {}

  /**
   * Another active lease of the same person covering the same (account, permission set) that ends later than this
   * one (ties broken by request id, so of two leases ending together exactly one revokes), whatever its target key.
   */
  async laterLease(lease: { requestId: string; principalId: string; target: Target; expiresAt: string }) {
    const mine = new Date(lease.expiresAt);
    const others = await this.grants
      .find({
        ...coveringPair(targetKey(lease.target)),
        principalId: String(lease.principalId),
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

  /** principalId|`<account>/<permission set>` of every pair a grant holds or is about to hold. */
  async liveLeaseKeys(): Promise<Set<string>> {
    const live = await this.grants
      .find({ state: { $in: ['active', 'pending'] }, principalId: { $exists: true } })
      .project<Pick<GrantRecord, 'principalId' | 'target' | 'targets'>>({ principalId: 1, target: 1, targets: 1 })
      .toArray();
    return new Set(
      live.flatMap((grant) =>
        recordTargets(grant).map((target) => leaseKey(String(grant.principalId), targetKey(target))),
      ),
    );
  }

  /**
   * Another lease that holds (or is about to hold) the assignment `pairKey` (`<account>/<permission set>`) of
   * `grant`: a grant of the same person covering that pair, active with an expiry later than `now`, or pending,
   * approved and with its principal resolved (its assignment is on its way, or already shared). A request still
   * waiting for its approval holds nothing yet. The active one that ends last wins; a pending one counts only when no
   * active one is left (it has no expiry yet).
   */
  async liveLeaseOn(
    grant: Pick<GrantRecord, 'requestId' | 'principalId'>,
    pairKey: string,
    now: Date,
  ): Promise<{ workflowId: string; expiresAt?: Date } | undefined> {
    if (!grant.principalId) return undefined;
    const others = await this.grants
      .find({
        ...coveringPair(pairKey),
        principalId: String(grant.principalId),
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
  async holdsLiveLease(principalId: string, pairKey: string): Promise<boolean> {
    const found = await this.grants.findOne(
      { ...coveringPair(pairKey), principalId: String(principalId), state: { $in: ['active', 'pending'] } },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /**
   * Active grants covering a pair (`<account>/<permission set>`) that are not yet due, with their principal: what
   * Identity Center should list for it.
   */
  async activeGrantsOn(pairKey: string, now: Date): Promise<GrantRecord[]> {
    return this.grants
      .find({
        ...coveringPair(pairKey),
        state: 'active',
        expiresAt: { $gt: now },
        principalId: { $exists: true },
      })
      .toArray();
  }
}
