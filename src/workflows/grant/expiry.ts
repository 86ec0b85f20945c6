/**
 * The end of an active grant: a durable timer on an expiry that extensions may move, with one warning before it
 * (like samples-typescript's updatable timer). When the expiry moves, the timer is set again; nothing restarts.
 */
import { condition } from '@temporalio/workflow';
import type { Grant } from './state';

export class MovableExpiry {
  constructor(
    private readonly grant: Grant,
    /** How long before the end the requester is warned; only Slack grants are (there is nobody to tell otherwise). */
    private readonly warningMs: number,
  ) {}

  /** Returns at the expiry, whichever it is by then, or as soon as a revoke arrives. */
  async waitForTheEnd(): Promise<void> {
    const grant = this.grant;
    let warnedFor: string | undefined;
    for (;;) {
      const { status } = grant;
      // Only active access has an expiry to wait for (nothing else changes the state while it waits).
      if (status.state !== 'active') return;
      const watched = status.expiresAt;
      const expiresAt = Date.parse(watched);
      const now = Date.now();
      if (grant.revocation || now >= expiresAt) return;
      // A warning is due once per expiry.
      const warnAt = expiresAt - this.warningMs;
      const warningDue = grant.request.slack !== undefined && warnedFor !== watched;
      const wakeAt = warningDue && warnAt > now ? warnAt : expiresAt;
      await condition(
        () => grant.revocation !== undefined || grant.status.expiresAt !== watched,
        Math.max(1, wakeAt - now),
      );
      if (!grant.revocation && grant.status.expiresAt === watched && warningDue && Date.now() >= warnAt) {
        warnedFor = watched;
        if (Date.now() < expiresAt) grant.announcer.notify('expiry_warning', grant.status);
      }
    }
  }
}
