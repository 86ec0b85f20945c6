/**
 * Text that reaches Slack. Whatever a requester types is escaped once, here, before it enters mrkdwn: it can never
 * ping a channel, mention anyone, link a channel, or hide a link.
 */
import { formatUtc } from '../domain/time';

/** Escapes user text for mrkdwn: control sequences (<!channel>, <@U…>, <#C…>, <url|label>) and bare @here/@channel. */
export function escapeText(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A zero-width joiner after @ keeps @here/@channel/@everyone readable but never a broadcast.
      .replace(/@(here|channel|everyone)\b/gi, '@\u2060$1')
  );
}

/**
 * Typed text on one line: line breaks, tabs, control characters and the invisible format characters that reorder or
 * hide text (bidi overrides, zero-width marks) become single spaces, so a reason can never start a line that looks
 * like one of Keycard's own (`*Target:* all accounts`). Escape the result as any other user text.
 */
export function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]+/gu, ' ').trim();
}

/** Typed text (a reason) as it enters mrkdwn in a message: on one line, escaped. */
export function escapeLine(text: string): string {
  return escapeText(oneLine(text));
}

/** A user mention, only for something that really is a Slack user id; anything else is shown escaped. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}

/** A channel link, only for a real channel id. */
export function channelLink(channelId: string): string {
  return /^[CG][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : escapeText(channelId);
}

/**
 * A moment the status holds for the message that shows it (an expiry, an end). Messages follow events, not states:
 * the event promises the moment is there, and one that is missing fails as formatUtc fails on any non-moment.
 */
export function shownMoment(at: string | undefined): string {
  return formatUtc(at ?? Number.NaN);
}
