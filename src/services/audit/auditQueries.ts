/**
 * Questions an auditor asks of the trail: who held access at a moment, which grants lived in a period, what happened.
 *
 * A grant's lifetime comes from its audit events (the hash-chained record), not from the mutable grant document:
 * `granted` starts it, `extended` moves its planned end, `revoked` (at expiry, early, or handed over to a later lease)
 * or `revoked_by_reconciler` ends it, and a later `revoke_redone` means the access really lasted until then.
 * Candidates come from the events too: a grant still active is one granted with no ending event, whatever its
 * grant document says (that document is not chained: anyone who can write it could hide or change a live grant).
 * Each event read is checked against its own hash, so an event edited by hand is reported (`altered`), not believed.
 */
import type { Filter } from 'mongodb';
import { endingOf } from '../../domain/ending';
import type { AuditEvent, GrantRecord, GrantRecords } from '../records';
import { chainHash } from './chainLinks';

export interface GrantLifetime {
  requestId: string;
  workflowId: string;
  /** The requester's email. */
  requester: string;
  slackUserId?: string;
  /** The grant's published key: `<account>/<permission set ARN>`, or its catalog target's key. */
  target: string;
  /** With a catalog target: the `<account>/<permission set ARN>` of every pair it covers. */
  targets?: string[];
  reason: string;
  approver?: string;
  /** When Identity Center confirmed the assignment. */
  from: Date;
  /** When the access ended; absent while it is still held. */
  to?: Date;
  /** The expiry as last set (extensions move it). */
  plannedUntil?: Date;
  extensions: number;
  ending?: 'expired' | 'revoked' | 'handed over' | 'revoked by reconciler' | 'revoke redone by reconciler';
  endedBy?: string;
  endReason?: string;
}

/** Narrows answers to one person (email or Slack user id) and/or one target (key, account, permission set or ps-id). */
export interface AuditFilter {
  user?: string;
  target?: string;
}

export interface EventQuery extends AuditFilter {
  since?: Date;
  until?: Date;
  types?: string[];
}

/** Events after which a grant no longer holds access (or, for revoke_redone, only from then on). */
const ENDING_TYPES = ['revoked', 'revoked_by_reconciler', 'revoke_redone'];

export class AuditQueries {
  constructor(private readonly records: GrantRecords) {}

  /**
   * Events read so far that do not match their own hash (edited by hand) or are outside the chain: left out of every
   * lifetime, listed by `events`, and named here so the caller can say so.
   */
  readonly altered: string[] = [];

  /** Who held access at `at`: grants granted at or before it and not yet ended (an end at `at` exactly is over). */
  async heldAt(at: Date, filter: AuditFilter = {}): Promise<GrantLifetime[]> {
    const lifetimes = await this.lifetimes(await this.candidatesHeldAt(at));
    return lifetimes
      .filter((grant) => grant.from <= at && (grant.to === undefined || grant.to > at))
      .filter((grant) => matches(grant, filter))
      .sort(byStart);
  }

  /** One lifetime per grant that held access at some moment in [since, until]. */
  async grants(query: EventQuery = {}): Promise<GrantLifetime[]> {
    const { since, until } = query;
    const started = await this.records.audit
      .find({ type: 'granted', ...(since || until ? { at: range(since, until) } : {}) } as Filter<AuditEvent>)
      .project<{ requestId: string }>({ requestId: 1 })
      .toArray();
    const ids = new Set(started.map((event) => event.requestId));
    if (since) for (const id of await this.candidatesHeldAt(since)) ids.add(id);
    const lifetimes = await this.lifetimes([...ids]);
    return lifetimes
      .filter((grant) => (!until || grant.from <= until) && (!since || grant.to === undefined || grant.to > since))
      .filter((grant) => matches(grant, query))
      .sort(byStart);
  }

  /** The events in [since, until] (index `at`), in the order they happened. */
  async events(query: EventQuery = {}): Promise<AuditEvent[]> {
    const { since, until, types } = query;
    const events = await this.records.audit
      .find({
        ...(since || until ? { at: range(since, until) } : {}),
        ...(types?.length ? { type: { $in: types } } : {}),
      } as Filter<AuditEvent>)
      .sort({ at: 1 })
      .toArray();
    // Events of the same moment in the order they were recorded.
    // Shown even when altered (a list hides nothing), and reported.
    for (const event of events) this.matchesItsHash(event);
    return events.sort(inRecordedOrder).filter((event) => eventMatches(event, query));
  }

  /** Whether a chained event still hashes to its `hash` (its link to the others is `keycard audit verify`'s to check). */
  private matchesItsHash(event: AuditEvent): boolean {
    const { prevHash, hash } = event;
    if (typeof prevHash === 'string' && typeof hash === 'string') {
      if (chainHash(prevHash, event as unknown as Record<string, unknown>) === hash) return true;
      this.altered.push(`event ${event.chainSeq ?? '?'} (${String(event._id)}) does not match its hash`);
    } else {
      this.altered.push(`event ${String(event._id)} is outside the chain`);
    }
    return false;
  }

  /**
   * Grants that may have held access at `at`, from the events alone (index type_at): those that ended after it, and
   * those granted by then that had not ended by then. A grant that ended before `at` cannot have held it.
   */
  private async candidatesHeldAt(at: Date): Promise<string[]> {
    const ids = (filter: Filter<AuditEvent>) =>
      this.records.audit
        .find(filter)
        .project<{ requestId: string }>({ requestId: 1 })
        .toArray()
        .then((found) => found.map((event) => event.requestId));
    const [endedAfter, granted, endedBefore] = await Promise.all([
      ids({ type: { $in: ENDING_TYPES }, at: { $gt: at } } as Filter<AuditEvent>),
      ids({ type: 'granted', at: { $lte: at } } as Filter<AuditEvent>),
      ids({ type: { $in: ENDING_TYPES }, at: { $lte: at } } as Filter<AuditEvent>),
    ]);
    const ended = new Set(endedBefore);
    return [...new Set([...endedAfter, ...granted.filter((id) => !ended.has(id))])];
  }

  /** The lifetimes of these grants, from their events (index requestId_seq); grants never granted have none. */
  async lifetimes(requestIds: string[]): Promise<GrantLifetime[]> {
    if (requestIds.length === 0) return [];
    const read = await this.records.audit.find({ requestId: { $in: requestIds.map(String) } }).toArray();
    const events = read.filter((event) => this.matchesItsHash(event)).sort(inRecordedOrder);
    const byRequest = new Map<string, AuditEvent[]>();
    for (const event of events) byRequest.set(event.requestId, [...(byRequest.get(event.requestId) ?? []), event]);
    // Events written before they carried the grant's snapshot: the grant document fills in who and what.
    const bare = [...byRequest.entries()].filter(([, list]) => !list.some((event) => event.grant)).map(([id]) => id);
    const documents = bare.length
      ? await this.records.grants.find({ _id: { $in: bare } }).toArray()
      : ([] as GrantRecord[]);
    const documentOf = new Map(documents.map((document) => [document.requestId, document]));
    return [...byRequest.entries()]
      .map(([requestId, list]) => lifetimeOf(list, documentOf.get(requestId)))
      .filter((lifetime): lifetime is GrantLifetime => lifetime !== undefined);
  }
}

/** A grant's lifetime from its events in the order they happened; nothing when it was never granted. */
export function lifetimeOf(events: AuditEvent[], document?: GrantRecord): GrantLifetime | undefined {
  const granted = events.find((event) => event.type === 'granted');
  if (!granted) return undefined;
  const after = events.filter((event) => event.at >= granted.at && event !== granted);
  const requested = events.find((event) => event.type === 'requested');
  const approved = events.find((event) => event.type === 'approved');
  const snapshot = [...events].reverse().find((event) => event.grant)?.grant;
  const end = after.find((event) => event.type === 'revoked' || event.type === 'revoked_by_reconciler');
  const redone = end
    ? [...after].reverse().find((event) => event.type === 'revoke_redone' && event.at > end.at)
    : undefined;
  const expiries = [granted, ...after.filter((event) => event.type === 'extended')]
    .map((event) => stringDetail(event, 'expiresAt'))
    .filter((value): value is string => value !== undefined);
  const plannedUntil = expiries.length
    ? new Date(expiries[expiries.length - 1])
    : (snapshot?.expiresAt ?? document?.expiresAt);
  const lifetime: GrantLifetime = {
    requestId: granted.requestId,
    workflowId: granted.workflowId,
    requester: snapshot?.requester.email ?? document?.requester.email ?? requested?.actor ?? '',
    target: snapshot?.target ?? document?.targetKey ?? '',
    reason: snapshot?.reason ?? requested?.reason ?? document?.reason ?? '',
    from: granted.at,
    extensions: after.filter((event) => event.type === 'extended').length,
  };
  const pairs = snapshot?.targets ?? document?.targetKeys;
  if (pairs && pairs.length > 0) lifetime.targets = pairs;
  const slackUserId = snapshot?.requester.slackUserId ?? document?.requester.slackUserId;
  const approver = approved?.actor ?? stringDetail(requested, 'approvedBy') ?? snapshot?.approver ?? document?.approver;
  if (slackUserId) lifetime.slackUserId = slackUserId;
  if (approver) lifetime.approver = approver;
  if (plannedUntil) lifetime.plannedUntil = plannedUntil;
  if (end) {
    lifetime.to = end.at;
    lifetime.ending = end.type === 'revoked_by_reconciler' ? 'revoked by reconciler' : lifetimeEnding(end);
    lifetime.endedBy = end.actor;
    if (end.reason) lifetime.endReason = end.reason;
  }
  if (redone) {
    // The revoke did not hold: Identity Center still listed the assignment until the reconciler removed it.
    lifetime.to = redone.at;
    lifetime.ending = 'revoke redone by reconciler';
    lifetime.endedBy = redone.actor;
    if (redone.reason) lifetime.endReason = redone.reason;
  }
  return lifetime;
}

/**
 * How a `revoked` event ended the access: said by the grant it recorded, or (events recorded before that) told from
 * its actor and reason, and its details for a hand-over.
 */
function lifetimeEnding(end: AuditEvent): 'expired' | 'handed over' | 'revoked' {
  const ending = endingOf({
    state: 'revoked',
    ending: end.grant?.ending ?? (end.details?.handedOverTo ? 'handed_over' : undefined),
    revokedBy: end.actor,
    revokeReason: end.reason,
  });
  if (ending === 'expired') return 'expired';
  return ending === 'handed_over' ? 'handed over' : 'revoked';
}

function stringDetail(event: AuditEvent | undefined, key: string): string | undefined {
  const value = event?.details?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function range(since?: Date, until?: Date): Record<string, Date> {
  return { ...(since ? { $gte: since } : {}), ...(until ? { $lte: until } : {}) };
}

function inRecordedOrder(a: AuditEvent, b: AuditEvent): number {
  return a.at.getTime() - b.at.getTime() || (a.chainSeq ?? 0) - (b.chainSeq ?? 0);
}

function byStart(a: GrantLifetime, b: GrantLifetime): number {
  return a.from.getTime() - b.from.getTime() || a.requestId.localeCompare(b.requestId);
}

function userMatches(query: string, email?: string, slackUserId?: string): boolean {
  const wanted = query.trim().toLowerCase();
  return wanted === (email ?? '').toLowerCase() || wanted === (slackUserId ?? '').toLowerCase();
}

/**
 * A target asked for by its key (a catalog key, or an older grant's `<account>/<permission set>`), an account id, a
 * permission set ARN, or the permission set's `ps-…` id. `pairs` are a catalog grant's `<account>/<permission set>`
 * pairs, so an account or a permission set finds it too. A catalog key is matched whole, never by a part of it.
 */
export function targetMatches(query: string, key: string, pairs: readonly string[] = []): boolean {
  const wanted = query.trim();
  if (!wanted) return false;
  return [key, ...pairs]
    .filter((one) => one !== '')
    .some((one) => {
      const slash = one.indexOf('/');
      if (slash < 0) return one === wanted;
      const permissionSetArn = one.slice(slash + 1);
      return [one, one.slice(0, slash), permissionSetArn, permissionSetArn.split('/').pop()].includes(wanted);
    });
}

function matches(grant: GrantLifetime, filter: AuditFilter): boolean {
  return (
    (!filter.user || userMatches(filter.user, grant.requester, grant.slackUserId)) &&
    (!filter.target || targetMatches(filter.target, grant.target, grant.targets))
  );
}

/** An event concerns a person when it is about their grant or they did it; a target when it is about it. */
function eventMatches(event: AuditEvent, filter: AuditFilter): boolean {
  const details = event.details ?? {};
  const target = event.grant?.target ?? (typeof details.target === 'string' ? details.target : '');
  return (
    (!filter.user ||
      userMatches(filter.user, event.grant?.requester.email, event.grant?.requester.slackUserId) ||
      userMatches(filter.user, event.actor, event.actor)) &&
    (!filter.target || targetMatches(filter.target, target, event.grant?.targets))
  );
}
