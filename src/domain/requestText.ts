/**
 * What people type into Keycard: "<reason>" or "<duration> <reason>" after /prod-access, and the duration and reason
 * of an extension or a denial. Pure, so every refusal is tested here; the Slack edge answers with these messages
 * before anything reaches a workflow.
 */
import { IMPLICIT_TARGET_KEY, type Catalog, type CatalogTarget } from './catalog';
import { durationFor, targetByKey } from './catalogPolicy';
import { formatDuration, InvalidDurationError, MIN_REQUESTED_DURATION_MS, parseRequestedDuration } from './duration';

export const MAX_REASON_LENGTH = 500;

export type ParsedRequest = { ok: true; reason: string; durationMs: number } | { ok: false; message: string };
export type ReadDuration = { ok: true; durationMs: number } | { ok: false; message: string };
export type ReadReason = { ok: true; reason: string } | { ok: false; message: string };

const HOW_TO_ASK =
  'Ask like this: `/prod-access debugging the checkout 500s`, or with a duration: `/prod-access 2h debugging the checkout 500s`.';

/**
 * Durations as duration.ts reads them (at most 32 characters); only to tell "too short" and "too long" from "not a
 * duration" in a refusal.
 */
const WELL_FORMED_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/i;
const MAX_DURATION_TEXT = 32;

export function parseRequestText(
  text: string,
  limits: { defaultDurationMs: number; maxDurationMs: number },
): ParsedRequest {
  const trimmed = (text ?? '').trim();
  if (trimmed === '')
    return { ok: false, message: `Include a reason: why do you need production access? ${HOW_TO_ASK}` };

  let durationMs = limits.defaultDurationMs;
  let reason = trimmed;
  const [first, ...rest] = trimmed.split(/\s+/);
  // A first word that starts with a digit and ends with a unit letter (2h, 90m, 1h30m) is meant as a duration.
  if (/^\d[\d.a-z]*[a-z]$/i.test(first)) {
    const duration = readRequestedDuration(first, limits.maxDurationMs);
    if (!duration.ok) return duration;
    durationMs = duration.durationMs;
    reason = trimmed.slice(first.length).trim();
    if (rest.length === 0 || reason === '') {
      return { ok: false, message: `Include a reason after the duration. ${HOW_TO_ASK}` };
    }
  }
  const bounded = readReason(reason, `Include a reason: why do you need production access? ${HOW_TO_ASK}`);
  return bounded.ok ? { ok: true, reason: bounded.reason, durationMs } : bounded;
}

/**
 * A duration a person asks for (a grant, an extension): at least 1s, at most `maxDurationMs`, with a refusal that
 * says which of the three was wrong.
 */
export function readRequestedDuration(text: unknown, maxDurationMs: number): ReadDuration {
  const written = typeof text === 'string' ? text.trim() : '';
  if (written === '') return { ok: false, message: 'Write how long, like 30m or 2h.' };
  const wellFormed = written.length <= MAX_DURATION_TEXT && WELL_FORMED_DURATION.test(written);
  const shown = written.length > MAX_DURATION_TEXT ? `${written.slice(0, MAX_DURATION_TEXT)}…` : written;
  const most = formatDuration(maxDurationMs);
  let durationMs: number;
  try {
    durationMs = parseRequestedDuration(written);
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    if (/shorter than/.test(error.message) || (wellFormed && everyNumberBelowOne(written))) {
      return {
        ok: false,
        message: `"${shown}" is shorter than the ${formatDuration(MIN_REQUESTED_DURATION_MS)} Keycard grants at least: write it like 30m or 2h.`,
      };
    }
    if (wellFormed) {
      return {
        ok: false,
        message: `"${shown}" is longer than the ${most} Keycard grants at most. Ask for ${most} or less.`,
      };
    }
    return { ok: false, message: `"${shown}" is not a duration Keycard understands: write it like 2h, 90m or 1h30m.` };
  }
  if (durationMs > maxDurationMs) {
    return {
      ok: false,
      message: `${formatDuration(durationMs)} is longer than the ${most} Keycard grants at most. Ask for ${most} or less.`,
    };
  }
  return { ok: true, durationMs };
}

/**
 * A reason people will read (the approvers, the requester, the audit): not empty, at most MAX_REASON_LENGTH
 * characters, trimmed. `whenMissing` says what to write when there is none.
 */
export function readReason(text: unknown, whenMissing: string): ReadReason {
  const reason = typeof text === 'string' ? text.trim() : '';
  if (reason === '') return { ok: false, message: whenMissing };
  if (reason.length > MAX_REASON_LENGTH) {
    return {
      ok: false,
      message: `Keep the reason to ${MAX_REASON_LENGTH} characters (yours has ${reason.length}); link a ticket for the details.`,
    };
  }
  return { ok: true, reason };
}

/**
 * parseDuration refuses a well-formed duration only when it rounds to 0 ms or passes a year. Written with every
 * number below 1 (0.0001s, 0s, 0.4ms) it cannot pass a year, so it was too short.
 */
function everyNumberBelowOne(written: string): boolean {
  return (written.match(/\d+(?:\.\d+)?/g) ?? []).every((number) => Number(number) < 1);
}

/**
 * `/prod-access [target] [duration] <reason>` read against the catalog:
 * - complete: one target (named, or the only one), its duration (durationFor) and a reason: the request can start;
 * - incomplete: the request modal must ask what is missing (several targets and none named, or no reason), with
 *   what was typed carried into it;
 * - a refusal: a target word that names no target, a duration the target does not grant, a reason too long.
 * Who may ask for the target is decided after (mayRequestTarget), once the person's groups are known.
 */
export type CatalogRequestText =
  | { ok: true; complete: true; target: CatalogTarget; durationMs: number; reason: string }
  | { ok: true; complete: false; target?: CatalogTarget; durationMs?: number; reason: string }
  | { ok: false; message: string };

const CATALOG_HOW_TO_ASK =
  'Ask like this: `/prod-access prod-admin 2h debugging the checkout 500s`, or `/prod-access help` for the targets you can request.';

/** A first word that starts with a digit and ends with a unit letter (2h, 90m, 1h30m) is meant as a duration. */
const LOOKS_LIKE_DURATION = /^\d[\d.a-z]*[a-z]$/i;

export function parseCatalogRequest(text: string, catalog: Catalog): CatalogRequestText {
  let rest = (text ?? '').trim();
  let target: CatalogTarget | undefined = catalog.targets.length === 1 ? catalog.targets[0] : undefined;
  const first = (words: string) => words.split(/\s+/)[0] ?? '';
  const after = (words: string, word: string) => words.slice(word.length).trim();

  const word = first(rest);
  // The implicit target's key is never typed: "default settings broke" is a reason, not a target and a reason.
  const named = catalog.targets.find(
    (candidate) => candidate.key === word.toLowerCase() && candidate.key !== IMPLICIT_TARGET_KEY,
  );
  if (named) {
    target = named;
    rest = after(rest, word);
  } else if (
    !isImplicit(catalog) &&
    word !== '' &&
    !LOOKS_LIKE_DURATION.test(word) &&
    LOOKS_LIKE_DURATION.test(first(after(rest, word)))
  ) {
    // With a catalog, "<word> <duration> …" is meant as a target; without one there is no target word to mistype.
    const unknown = targetByKey(catalog, word.toLowerCase());
    if (!unknown.allowed) return { ok: false, message: `${unknown.message} ${CATALOG_HOW_TO_ASK}` };
  }

  let durationMs: number | undefined;
  const durationWord = first(rest);
  if (durationWord !== '' && LOOKS_LIKE_DURATION.test(durationWord)) {
    if (target?.key === IMPLICIT_TARGET_KEY) {
      // Without a catalog, the refusals of before, which repeat what was typed; a catalog target's name its own max.
      const duration = readRequestedDuration(durationWord, target.duration.maxMs);
      if (!duration.ok) return duration;
      durationMs = duration.durationMs;
    } else if (target) {
      const duration = durationFor(target, durationWord);
      if (!duration.allowed) return { ok: false, message: duration.message };
      durationMs = duration.durationMs;
    } else {
      // Which target's limits apply is chosen in the modal; here it need only be a duration Keycard can grant.
      const duration = readRequestedDuration(durationWord, Math.max(...catalog.targets.map((t) => t.duration.maxMs)));
      if (!duration.ok) return duration;
      durationMs = duration.durationMs;
    }
    rest = after(rest, durationWord);
  }

  if (rest === '')
    return { ok: true, complete: false, ...(target ? { target } : {}), ...optionalDuration(durationMs), reason: '' };
  const reason = readReason(rest, `Include a reason: why do you need production access? ${HOW_TO_ASK}`);
  if (!reason.ok) return reason;
  if (!target) return { ok: true, complete: false, ...optionalDuration(durationMs), reason: reason.reason };
  return {
    ok: true,
    complete: true,
    target,
    durationMs: durationMs ?? target.duration.defaultMs,
    reason: reason.reason,
  };
}

function isImplicit(catalog: Catalog): boolean {
  return catalog.targets.length === 1 && catalog.targets[0].key === IMPLICIT_TARGET_KEY;
}

function optionalDuration(durationMs: number | undefined): { durationMs?: number } {
  return durationMs === undefined ? {} : { durationMs };
}
