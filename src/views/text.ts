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
