/**
 * The few Block Kit pieces every Keycard message is made of. Text given to them is already escaped mrkdwn.
 */
import type { Button, KnownBlock } from '@slack/web-api';
import type { GrantStatus } from '../domain/grant';
import { ACTIONS } from './ids';
import { accountsText, catalogTargetText, singleTargetText, targetNameText } from './target';
import { escapeLine, escapeText, mention } from './text';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** `verbatim` keeps Slack from turning a bare channel name or URL into a link of its own. */
export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

/**
 * The facts of a request as Slack's two-column fields, each a bold label over its value (already escaped mrkdwn).
 * Facts come before anything a person typed, so typed text can never pass for one.
 */
export function factFields(facts: [label: string, value: string][]): KnownBlock {
  return {
    type: 'section',
    fields: facts.map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}`, verbatim: true })),
  };
}

/** A typed reason, last in its message, on one line. */
export function reasonSection(label: string, reason: string): KnownBlock {
  return section(`*${label}:* ${escapeLine(reason)}`);
}

/**
 * Who asks, as approvers must see it: the Slack user, their Slack email, and the Identity Center user that email was
 * bound to (the one access is granted to), when the lookup named it.
 */
export function requesterFacts(status: GrantStatus): [string, string][] {
  const { slackUserId, email, identityCenterUser } = status.requester;
  const facts: [string, string][] = [['Requester', `${mention(slackUserId)} · ${escapeText(email)}`]];
  if (identityCenterUser) {
    const { userName, displayName } = identityCenterUser;
    const shown = displayName && displayName !== userName ? `${userName} (${displayName})` : userName;
    facts.push(['Identity Center user', escapeLine(shown)]);
  }
  return facts;
}

/** A button whose value is the grant's workflow id and nothing else of the request. */
export function button(actionId: string, text: string, workflowId: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text },
    value: workflowId,
    ...(style ? { style } : {}),
  };
}

/** The "Revoke now" row under an active grant. */
export function revokeActions(workflowId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: 'grant',
    elements: [button(ACTIONS.revoke, 'Revoke now', workflowId, 'danger')],
  };
}

/** A message that is one section of text. */
export function plain(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/**
 * Where the grant is, on one line, escaped: `Production admin (prod-admin) in payments-prod (111122223333),
 * checkout-prod (444455556666)` for a catalog target, `<permission set name> @ <account>` otherwise.
 */
export function targetLine(status: Pick<GrantStatus, 'target' | 'catalogTarget'>): string {
  return status.catalogTarget ? catalogTargetText(status.catalogTarget) : singleTargetText(status.target);
}

/**
 * The target as facts: a catalog target's name and key, then its accounts one a line; otherwise the one `Target`
 * line it always was.
 */
export function targetFacts(status: Pick<GrantStatus, 'target' | 'catalogTarget'>): [string, string][] {
  const catalogTarget = status.catalogTarget;
  if (!catalogTarget) return [['Target', singleTargetText(status.target)]];
  return [
    ['Target', targetNameText(catalogTarget)],
    [catalogTarget.accounts.length === 1 ? 'Account' : 'Accounts', accountsText(catalogTarget.accounts, '\n')],
  ];
}

/** The permission set a catalog target grants, in full, small under the facts; nothing for other grants. */
export function permissionSetContext(status: Pick<GrantStatus, 'catalogTarget'>): KnownBlock[] {
  if (!status.catalogTarget) return [];
  return [
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `Permission set ${escapeText(status.catalogTarget.permissionSetArn)}`, verbatim: true },
      ],
    },
  ];
}
