/**
 * Which target a person may ask for, and for how long: pure functions over the catalog (catalog.ts), returning a
 * decision like policy.ts's, so the slash command, the request modal and the workflow's validators never disagree.
 */
import { SLACK_GROUP_PATTERN, type Catalog, type CatalogTarget } from './catalog';
import { formatDuration, InvalidDurationError, MIN_REQUESTED_DURATION_MS, parseDuration } from './duration';
import { Refusal, type RefusalType } from './errors';
import type { PolicyDecision } from './policy';

type Refused = Extract<PolicyDecision, { allowed: false }>;

function refused(refusal: RefusalType, message: string): Refused {
  return { allowed: false, refusal, message };
}

/**
 * The members of the Slack user groups a catalog names, already expanded by the caller (usergroups.users.list). A
 * group missing here has no members as far as the policy knows: it refuses rather than guesses.
 */
export type GroupMembers = ReadonlyMap<string, ReadonlySet<string> | readonly string[]>;

export interface RequesterFacts {
  /** The Slack user id of the person asking. */
  person: string;
  groupMembers: GroupMembers;
}

function isAmong(principals: readonly string[], facts: RequesterFacts): boolean {
  return principals.some((principal) => {
    if (principal === facts.person) return true;
    const members = facts.groupMembers.get(principal);
    if (!members) return false;
    return 'has' in members ? members.has(facts.person) : members.includes(facts.person);
  });
}

/** The targets this person may ask for, in the catalog's order. */
export function requestableTargets(catalog: Catalog, facts: RequesterFacts): CatalogTarget[] {
  return catalog.targets.filter((target) => !target.requesters || isAmong(target.requesters, facts));
}

/**
 * May this person ask for this target: a user listed in its requesters, or a member of a group listed there; every
 * one when it lists none. A refusal says which targets they may ask for instead.
 */
export function mayRequestTarget(catalog: Catalog, target: CatalogTarget, facts: RequesterFacts): PolicyDecision {
  if (!target.requesters || isAmong(target.requesters, facts)) return { allowed: true };
  const others = requestableTargets(catalog, facts);
  return refused(
    Refusal.notARequester,
    others.length === 0
      ? `You cannot request ${target.name} (${target.key}), nor any other target. Ask an approver to add you.`
      : `You cannot request ${target.name} (${target.key}). You can request: ${others.map(named).join(', ')}.`,
  );
}

function named(target: CatalogTarget): string {
  return `${target.name} (${target.key})`;
}

/** The target a key names; a refusal lists the catalog's keys. */
export function targetByKey(catalog: Catalog, key: string): { allowed: true; target: CatalogTarget } | Refused {
  const target = catalog.targets.find((candidate) => candidate.key === key);
  if (target) return { allowed: true, target };
  // What a person typed is repeated only when it could be a key: nothing else of theirs reaches the reply.
  const asked = /^[a-z0-9-]{1,63}$/.test(key) ? `"${key}"` : 'that';
  return refused(
    Refusal.unknownTarget,
    `There is no target ${asked}. Known targets: ${catalog.targets.map((known) => known.key).join(', ')}.`,
  );
}

/**
 * How long a grant of this target lasts: its default when none is asked; any duration up to its max otherwise. The
 * target's choices are what the request modal offers, not an allow-list: a duration typed in the slash command is
 * accepted when it is within the max.
 */
export function durationFor(target: CatalogTarget, asked?: string): { allowed: true; durationMs: number } | Refused {
  if (asked === undefined || asked.trim() === '') return { allowed: true, durationMs: target.duration.defaultMs };
  let durationMs: number;
  try {
    durationMs = parseDuration(asked);
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    return refused(Refusal.invalidDuration, 'That is not a duration; write it like 4h, 90m, 1h30m or 45s.');
  }
  // The same floor as every other requested duration (parseRequestedDuration), with words that repeat nothing typed.
  if (durationMs < MIN_REQUESTED_DURATION_MS) {
    return refused(Refusal.invalidDuration, 'That is shorter than 1s; ask for at least 1s, like 30m or 2h.');
  }
  const max = formatDuration(target.duration.maxMs);
  if (durationMs > target.duration.maxMs) {
    return refused(
      Refusal.maxDurationExceeded,
      `${target.name} is granted for at most ${max}; ask for ${max} or less.`,
    );
  }
  return { allowed: true, durationMs };
}

/**
 * The rule that lets this person ask for this target, for the audit trail (RequestedTarget.requesterRule):
 * 'everyone' when the target lists no requesters, else the entry that matched (the person's own id before a group
 * holding them, in the catalog's order); undefined when none does (mayRequestTarget refuses them).
 */
export function requesterRuleFor(target: CatalogTarget, facts: RequesterFacts): string | undefined {
  if (!target.requesters) return 'everyone';
  if (target.requesters.includes(facts.person)) return facts.person;
  return target.requesters.find((principal) => isAmong([principal], facts));
}

/** The Slack user groups a catalog names as requesters: what must be expanded before requestableTargets can answer. */
export function requesterGroups(catalog: Catalog): string[] {
  const groups = catalog.targets
    .flatMap((target) => target.requesters ?? [])
    .filter((id) => SLACK_GROUP_PATTERN.test(id));
  return [...new Set(groups)];
}
