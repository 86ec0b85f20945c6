/**
 * A grant's status as the `status` query returns it, for building messages without a workflow, and what a person
 * would see of a Block Kit message.
 */
import type { GrantStatus, GrantStatusFields } from '../../src/domain/grant';
import { blockTexts } from '../../src/demo/slack/slackValues';

export const REQUESTER = 'U0REQUESTER';
export const APPROVER = 'U0APPROVER';
export const WORKFLOW_ID = 'prod-access-0123456789abcdef01234567';

/** Everything a hostile requester might type to ping, mention, link or fake a line. */
export const HOSTILE =
  '<!channel> @here @everyone ping <@U0VICTIM> <#C0SECRET> see <https://evil.example|the runbook> & <!subteam^S0ALL>';

/**
 * A pending Slack request, with `overrides`. Any mix of fields is allowed, as a status from any version may hold
 * them (without `ending`, as older code's did), so the messages are tested on more than the shapes the workflow makes.
 */
export function grantStatus(overrides: Partial<GrantStatusFields> = {}): GrantStatus {
  const status: GrantStatusFields = {
    requestId: '0123456789abcdef01234567',
    state: 'pending',
    requester: { slackUserId: REQUESTER, email: 'alice@example.com' },
    target: { accountId: '123456789012', permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin' },
    reason: 'checking the queue backlog',
    duration: '4h',
    approvers: [APPROVER],
    history: [],
    ...overrides,
  };
  return status as GrantStatus;
}

interface MessageLike {
  text?: string;
  blocks: unknown[];
}

/** Every text Slack would render, block by block, then the notification text. */
export function visibleText(message: MessageLike): string {
  const texts = blockTexts(message.blocks);
  if (message.text !== undefined) texts.push(message.text);
  return texts.join('\n');
}

/** The mrkdwn control sequences in a text: mentions, channel links, broadcasts, links. */
export function controlSequences(text: string): string[] {
  return [...text.matchAll(/<[^>]*>/g)].map((match) => match[0]);
}

/** Bare @here/@channel/@everyone that Slack would broadcast. */
export function broadcasts(text: string): string[] {
  return [...text.matchAll(/@(here|channel|everyone)\b/gi)].map((match) => match[0]);
}

/** The buttons of a message: action id, label and value. */
export function buttons(message: MessageLike): { action: string; label: string; value: string; style?: string }[] {
  const found: { action: string; label: string; value: string; style?: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'button') {
        found.push({
          action: String(record.action_id),
          label: String((record.text as { text: string }).text),
          value: String(record.value),
          ...(record.style ? { style: String(record.style) } : {}),
        });
        return;
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(message.blocks);
  return found;
}
