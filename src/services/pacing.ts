import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';

/**
 * A client-side budget for one AWS API quota: calls leave at most `perSecond` per second, evenly spaced, in the
 * order they asked. Identity Center throttles by API calls (about 20 TPS across its APIs), not by activities, and a
 * grant or revoke makes more than one call.
 */
export class CallPacer {
  private nextSlot = 0;
  private readonly spacingMs: number;

  constructor(perSecond: number) {
    if (!(perSecond > 0)) throw new Error(`a call rate must be positive, not ${perSecond}`);
    this.spacingMs = 1000 / perSecond;
  }

  /** Resolves when this call may go out; each caller gets its own slot. */
  async acquire(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.spacingMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

/**
 * Every HTTP attempt of `client` waits for a slot of `pacer`, retries included: the middleware sits after the SDK's
 * retry middleware (finalizeRequest, low priority), so a throttled call that the SDK retries spends a slot again.
 */
export function paceCalls(client: SSOAdminClient, pacer: CallPacer): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      await pacer.acquire();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'keycardCallPacing' },
  );
}
