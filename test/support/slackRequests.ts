/** Requests as Slack sends them: form-encoded, signed with the signing secret (v0 HMAC-SHA256). */
import { createHmac } from 'node:crypto';

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

export interface SlashCommand {
  user_id: string;
  text: string;
  trigger_id: string;
  response_url: string;
  team_id?: string;
  channel_id?: string;
}

export function slashCommandBody(command: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: command.team_id ?? 'T0TEST',
    team_domain: 'keycard-test',
    channel_id: command.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: command.user_id,
    user_name: command.user_id.toLowerCase(),
    command: '/prod-access',
    text: command.text,
    api_app_id: 'A0KEYCARD',
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
}

/** What every interaction payload says about its sender: team, user, app, and a fresh trigger id. */
function interactionFrom(user: string) {
  return {
    team: { id: 'T0TEST', domain: 'keycard-test' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0KEYCARD',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${Math.random().toString(16).slice(2)}`,
  };
}

export function blockActionPayload(click: ButtonClick): Record<string, unknown> {
  return {
    type: 'block_actions',
    ...interactionFrom(click.user),
    response_url: click.responseUrl,
    container: { type: 'message', message_ts: click.messageTs ?? '1.1', channel_id: click.channel ?? 'C0APPROVERS' },
    channel: { id: click.channel ?? 'C0APPROVERS', name: 'approvers' },
    message: { ts: click.messageTs ?? '1.1', text: '' },
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: 'decision',
        value: click.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

export function viewSubmissionPayload(options: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: string; value: string }>>;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...interactionFrom(options.user),
    view: {
      id: 'V0DENY',
      type: 'modal',
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
    team_id: 'T0TEST',
    api_app_id: 'A0KEYCARD',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(16).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: String(Date.now() / 1000) },
  });
}
