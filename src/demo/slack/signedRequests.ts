/** Requests as Slack sends them: form-encoded, signed with the signing secret (v0 HMAC-SHA256). */
import { createHmac } from 'node:crypto';
import { FAKE_APP_ID, FAKE_TEAM_DOMAIN, FAKE_TEAM_ID } from './slackValues';

export interface SignedResponse {
  status: number;
  body: string;
  json(): Record<string, unknown>;
}

export interface SigningOptions {
  secret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Replaces the computed signature (forgery tests). */
  signature?: string;
  retryNum?: number;
  /** Events API requests are JSON; commands and interactions are form-encoded. */
  contentType?: string;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(url: string, body: string, options: SigningOptions): Promise<SignedResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? sign(options.secret, timestamp, body),
      ...(options.retryNum
        ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
        : {}),
    },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text,
    json: () => (text ? JSON.parse(text) : {}),
  };
}

/** Where a request says it comes from; Slack's own requests carry the fake workspace and Keycard's app. */
export interface RequestOrigin {
  teamId?: string;
  appId?: string;
  enterpriseId?: string;
}

export interface SlashCommand {
  user_id: string;
  text: string;
  trigger_id: string;
  response_url: string;
  team_id?: string;
  api_app_id?: string;
  enterprise_id?: string;
  channel_id?: string;
}

export function slashCommandBody(command: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: command.team_id ?? FAKE_TEAM_ID,
    team_domain: FAKE_TEAM_DOMAIN,
    ...(command.enterprise_id ? { enterprise_id: command.enterprise_id, enterprise_name: 'Other org' } : {}),
    channel_id: command.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: command.user_id,
    user_name: command.user_id.toLowerCase(),
    command: '/prod-access',
    text: command.text,
    api_app_id: command.api_app_id ?? FAKE_APP_ID,
    is_enterprise_install: 'false',
    response_url: command.response_url,
    trigger_id: command.trigger_id,
  }).toString();
}

export interface ButtonClick {
  user: string;
  actionId: string;
  value: string;
  responseUrl: string;
  channel?: string;
  messageTs?: string;
  /** The button as the message or view carried it (defaults: block `decision`, text `x`). */
  blockId?: string;
  text?: Record<string, unknown>;
  /** The message the button is on, as Slack sends it back. */
  message?: Record<string, unknown>;
  /** A button in a modal or App Home: the payload carries the view instead of a message. */
  view?: Record<string, unknown>;
  triggerId?: string;
  /** Another team or app than the fake workspace's Keycard (hostile tests). */
  origin?: RequestOrigin;
}

/** What every interaction payload says about its sender: team, user, app, and a fresh trigger id. */
function interactionFrom(user: string, triggerId = newTriggerId(), origin: RequestOrigin = {}) {
  const teamId = origin.teamId ?? FAKE_TEAM_ID;
  return {
    team: { id: teamId, domain: teamId === FAKE_TEAM_ID ? FAKE_TEAM_DOMAIN : 'other-team' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: teamId },
    api_app_id: origin.appId ?? FAKE_APP_ID,
    token: 'deprecated-verification-token',
    trigger_id: triggerId,
    is_enterprise_install: false,
    enterprise: origin.enterpriseId ? { id: origin.enterpriseId, name: 'Other org' } : null,
  };
}

/** A trigger id as Slack makes one per interaction: a modal may be opened with it once. */
export function newTriggerId(): string {
  return `trigger-${Math.random().toString(16).slice(2)}`;
}

export function blockActionPayload(click: ButtonClick): Record<string, unknown> {
  const action = {
    type: 'button',
    action_id: click.actionId,
    block_id: click.blockId ?? 'decision',
    value: click.value,
    text: click.text ?? { type: 'plain_text', text: 'x' },
    action_ts: String(Date.now() / 1000),
  };
  if (click.view) {
    return {
      type: 'block_actions',
      ...interactionFrom(click.user, click.triggerId, click.origin),
      container: { type: 'view', view_id: click.view.id },
      view: click.view,
      actions: [action],
    };
  }
  const channel = click.channel ?? 'C0APPROVERS';
  return {
    type: 'block_actions',
    ...interactionFrom(click.user, click.triggerId, click.origin),
    response_url: click.responseUrl,
    container: { type: 'message', message_ts: click.messageTs ?? '1.1', channel_id: channel },
    channel: { id: channel, name: channel === 'C0APPROVERS' ? 'approvers' : 'directmessage' },
    message: click.message ?? { ts: click.messageTs ?? '1.1', text: '' },
    actions: [action],
  };
}

/** One input's state in a view_submission, as Slack sends it. */
export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: { value: string; text?: Record<string, unknown> } | null;
}

export function viewSubmissionPayload(options: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  /** Per input block, per action: what was typed (`value`) or chosen (a select's `selected_option`). */
  values: Record<string, Record<string, ViewStateValue>>;
  /** The modal as it was opened (its id, title, blocks); the fields above win. */
  view?: Record<string, unknown>;
  origin?: RequestOrigin;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...interactionFrom(options.user, undefined, options.origin),
    view: {
      id: 'V0DENY',
      type: 'modal',
      team_id: options.origin?.teamId ?? FAKE_TEAM_ID,
      app_id: options.origin?.appId ?? FAKE_APP_ID,
      app_installed_team_id: options.origin?.teamId ?? FAKE_TEAM_ID,
      bot_id: 'BKEYCARD',
      ...options.view,
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      state: { values: options.values },
      hash: 'h',
    },
  };
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function appHomeOpenedBody(user: string): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM_ID,
    api_app_id: FAKE_APP_ID,
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(16).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: String(Date.now() / 1000) },
    authorizations: [
      { enterprise_id: null, team_id: FAKE_TEAM_ID, user_id: 'UKEYCARD', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  });
}
