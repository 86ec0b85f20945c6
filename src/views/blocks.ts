/**
 * The few Block Kit pieces every Keycard message is made of. Text given to them is already escaped mrkdwn.
 */
import type { Button, KnownBlock } from '@slack/web-api';
import type { GrantStatus } from '../domain/grant';
import { ACTIONS } from './ids';
import { escapeText } from './text';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** `verbatim` keeps Slack from turning a bare channel name or URL into a link of its own. */
export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
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

/** `<permission set name> @ <account>`, escaped. */
export function targetLine(status: GrantStatus): string {
  const permissionSet = status.target.permissionSetArn.split('/').pop() ?? status.target.permissionSetArn;
  return `${escapeText(permissionSet)} @ ${escapeText(status.target.accountId)}`;
}
