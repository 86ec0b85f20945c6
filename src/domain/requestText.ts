/**
 * What people type after /prod-access: "<reason>" or "<duration> <reason>". Pure, so every refusal is tested here.
 */
import { formatDuration, InvalidDurationError, MIN_REQUESTED_DURATION_MS, parseRequestedDuration } from './duration';

export const MAX_REASON_LENGTH = 500;

export type ParsedRequest = { ok: true; reason: string; durationMs: number } | { ok: false; message: string };

const HOW_TO_ASK =
  'Ask like this: `/prod-access debugging the checkout 500s`, or with a duration: `/prod-access 2h debugging the checkout 500s`.';

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
  // A first word that starts with a digit and ends with a unit letter is meant as a duration.
  if (/^\d[\d.]*[a-z]+$/i.test(first)) {
    try {
      durationMs = parseRequestedDuration(first);
    } catch (error) {
      if (error instanceof InvalidDurationError && /shorter than/.test(error.message)) {
        return {
          ok: false,
          message: `"${first}" is shorter than the ${formatDuration(MIN_REQUESTED_DURATION_MS)} Keycard grants at least: write it like 30m or 2h.`,
        };
      }
      return {
        ok: false,
        message: `"${first}" is not a duration Keycard understands: write it like 2h, 90m or 1h30m.`,
      };
    }
    if (durationMs > limits.maxDurationMs) {
      return {
        ok: false,
        message: `${formatDuration(durationMs)} is longer than the ${formatDuration(limits.maxDurationMs)} Keycard grants at most. Ask for ${formatDuration(limits.maxDurationMs)} or less.`,
      };
    }
    reason = trimmed.slice(first.length).trim();
    if (rest.length === 0 || reason === '') {
      return { ok: false, message: `Include a reason after the duration. ${HOW_TO_ASK}` };
    }
  }
  if (reason.length > MAX_REASON_LENGTH) {
    return {
      ok: false,
      message: `Keep the reason to ${MAX_REASON_LENGTH} characters (yours has ${reason.length}); link a ticket for the details.`,
    };
  }
  return { ok: true, reason, durationMs };
}
