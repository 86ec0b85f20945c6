/** Standing access the reconciler has seen (drift): remembered so it is reported once and removed only after a grace. */
import type { Collection } from 'mongodb';
import type { DriftFinding } from './model';
import { isDuplicateKey } from './mongoHelpers';

export class DriftFindings {
  constructor(private readonly drift: Collection<DriftFinding>) {}

  /**
   * Remembers a drift finding. `firstSight` is true only the first time, so it is reported once; `firstSeenAt` says
   * since when the standing access has been seen (enforce mode removes it only after RECONCILE_GRACE).
   */
  async record(
    key: string,
    details: Record<string, unknown>,
    at: Date,
  ): Promise<{ firstSight: boolean; firstSeenAt: Date }> {
    try {
      await this.drift.insertOne({ _id: key, firstSeenAt: at, details });
      return { firstSight: true, firstSeenAt: at };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.drift.findOne({ _id: key });
      return { firstSight: false, firstSeenAt: existing?.firstSeenAt ?? at };
    }
  }

  async forget(key: string): Promise<void> {
    await this.drift.deleteOne({ _id: key });
  }

  /**
   * Forgets the findings on a target whose standing access is no longer seen (removed, or now under a live grant),
   * so that access showing up again later is a new finding: reported again, and given the grace again.
   */
  async forgetAllExcept(targetKeyValue: string, stillSeen: Set<string>): Promise<void> {
    const findings = await this.drift
      .find({ 'details.target': String(targetKeyValue) })
      .project<{ _id: string }>({ _id: 1 })
      .toArray();
    const gone = findings.map((finding) => finding._id).filter((key) => !stillSeen.has(key));
    if (gone.length > 0) await this.drift.deleteMany({ _id: { $in: gone } });
  }
}
