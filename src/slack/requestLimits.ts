/**
 * What keeps one person from filling the Identity Center queue that revokes also use: at most a few requests a
 * minute each, and a short memory of emails Identity Center does not know. Both live in the Slack app's process (one
 * Slack app per deployment; a restart forgets them, which only lets a few more through). Pure, with the clock given.
 */

/** At most `limit` events per key in any rolling `windowMs`; an event seen again (a retried delivery) counts once. */
export class RollingLimit {
  private readonly seen = new Map<string, { at: number; id?: string }[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one event for `key` and says whether it is within the limit; a refused event is not counted. An `id`
   * already counted in the window (Slack retrying the same command) is within the limit and not counted again.
   */
  take(key: string, id?: string): boolean {
    const now = this.now();
    const recent = (this.seen.get(key) ?? []).filter((event) => now - event.at < this.windowMs);
    const again = id !== undefined && recent.some((event) => event.id === id);
    const allowed = again || recent.length < this.limit;
    if (allowed && !again) recent.push({ at: now, id });
    if (recent.length > 0) this.seen.set(key, recent);
    else this.seen.delete(key);
    this.forgetIdle(now);
    return allowed;
  }

  /** Keys with no event in the window are dropped, so the map holds only the last minute's people. */
  private forgetIdle(now: number): void {
    if (this.seen.size < 1_000) return;
    for (const [key, events] of this.seen) {
      if (events.every((event) => now - event.at >= this.windowMs)) this.seen.delete(key);
    }
  }
}

/** Keys remembered for `ttlMs` each (here: emails no Identity Center user has). */
export class ShortMemory {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  remember(key: string): void {
    this.until.set(key, this.now() + this.ttlMs);
  }

  has(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.until.delete(key);
    return false;
  }
}

/** Requests a person may make per rolling minute unless REQUEST_RATE_LIMIT says otherwise. */
export const DEFAULT_REQUEST_RATE_LIMIT = 5;
export const REQUEST_RATE_WINDOW_MS = 60_000;
/** How long "no Identity Center user has this email" is believed without asking again. */
export const UNKNOWN_EMAIL_TTL_MS = 60_000;
