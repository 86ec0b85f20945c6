/**
 * A small fake of Slack's Web API (no Slack emulator exists): it answers the methods Keycard calls the way Slack
 * does, records every call, keeps the messages it was sent so tests can read what people would see, serves
 * response_url endpoints, and can fail calls on purpose. It refuses what Slack refuses (blocks past Block Kit's
 * limits, text past 40,000 characters, a channel it does not know or the bot is not in), so a message Slack would
 * drop fails the test that sent it. Socket Mode is served too (apps.connections.open + a
 * local WebSocket), see FakeSocketMode.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BLOCK_KIT_LIMITS, blockKitProblem } from './blockKitLimits';
import { blocksOf, FAKE_APP_ID, FAKE_TEAM_ID, parsed, parseParams, readBody, type StoredMessage } from './slackValues';
import { FakeSlackSurfaces } from './surfaces';

export { buttonValue, FAKE_APP_ID, FAKE_TEAM_ID, visibleText, type StoredMessage } from './slackValues';

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  token?: string;
}

/**
 * A Slack user as users.info describes them. Unset fields are a full member of the fake workspace with a confirmed
 * email; a test sets what makes someone a guest, a bot, an app, a user of another team or organisation.
 */
export interface FakeUser {
  id: string;
  email?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_workflow_bot?: boolean;
  /** A multi-channel guest. */
  is_restricted?: boolean;
  /** A single-channel guest (Slack sets is_restricted too). */
  is_ultra_restricted?: boolean;
  is_email_confirmed?: boolean;
  /** Defaults to the fake workspace's team. */
  team_id?: string;
  /** Users of an Enterprise Grid organisation. */
  enterprise_id?: string;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly users = new Map<string, FakeUser>();
  readonly userGroups = new Map<string, string[]>();
  /** The channels Slack knows, and whether the bot is in each; DMs join when conversations.open opens them. */
  readonly channels = new Map<string, { botIsMember: boolean }>([
    ['C0APPROVERS', { botIsMember: true }],
    ['C0GENERAL', { botIsMember: false }],
  ]);
  /** Every call Slack refused for what it carried, with why (for a test's failure message). */
  readonly refusals: { method: string; error: string; why: string }[] = [];
  /** What each person sees besides channels: ephemerals, the open modal, the App Home. */
  readonly surfaces = new FakeSlackSurfaces();
  socketModeUrl?: string;
  url = '';
  private server?: Server;
  private failures: { method: string; remaining: number; error: string; retryAfterSeconds: number }[] = [];
  private clock = 1_700_000_000;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      readBody(req)
        .then((raw) => this.handle(req, raw))
        .then(([status, body, headers]) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        })
        .catch((error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: error.message }));
        });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The Web API base to give the Slack SDK (`slackApiUrl`). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** A channel Slack knows; the bot can post only where it is a member. */
  addChannel(id: string, { botIsMember = true }: { botIsMember?: boolean } = {}): void {
    this.channels.set(id, { botIsMember });
  }

  /**
   * The next `times` calls of `method` answer `{ ok: false, error }` ('http_500' answers HTTP 500; 'ratelimited'
   * answers HTTP 429 with `Retry-After: retryAfterSeconds`, as Slack does past a method's rate limit).
   */
  fail(method: string, times: number, error = 'internal_error', retryAfterSeconds = 1): void {
    this.failures.push({ method, remaining: times, error, retryAfterSeconds });
  }

  /** Slack answers normally again. */
  clearFailures(): void {
    this.failures = [];
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages sent to a channel (or a DM with a user: 'D' + user id), in order. */
  messagesIn(channel: string): StoredMessage[] {
    return [...this.messages.values()].filter((message) => message.channel === channel);
  }

  private async handle(
    req: IncomingMessage,
    raw: string,
  ): Promise<[number, Record<string, unknown>, Record<string, string>?]> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/response/')) {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const refusal = this.contentRefusal('response_url', body, BLOCK_KIT_LIMITS.messageBlocks);
      // Slack's response_url answers a refused message with HTTP 400 and drops it.
      if (refusal) return [400, refusal];
      const id = url.pathname.slice('/response/'.length);
      this.responses.push({ id, body });
      this.surfaces.answered(id, body);
      return [200, { ok: true }];
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const params = parseParams(req.headers['content-type'] ?? '', raw);
    const token =
      String(req.headers.authorization ?? '').replace(/^Bearer /, '') || (params.token as string | undefined);
    this.calls.push({ method, params, token });
    const failure = this.failures.find((candidate) => candidate.method === method && candidate.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      if (failure.error === 'ratelimited') {
        return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds) }];
      }
      return failure.error === 'http_500'
        ? [500, { ok: false, error: 'internal_error' }]
        : [200, { ok: false, error: failure.error }];
    }
    return [200, this.refusal(method, params) ?? this.answer(method, params)];
  }

  /** Slack's answer to a call it refuses for what it carries or where it goes, or undefined when it takes it. */
  private refusal(method: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (method) {
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.update':
        return (
          this.channelRefusal(method, String(params.channel)) ??
          this.contentRefusal(
            method,
            { text: params.text, blocks: parsed(params.blocks) },
            BLOCK_KIT_LIMITS.messageBlocks,
          )
        );
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const view = parsed(params.view) as Record<string, unknown> | undefined;
        return this.contentRefusal(method, { blocks: view?.blocks }, BLOCK_KIT_LIMITS.viewBlocks);
      }
      default:
        return undefined;
    }
  }

  private channelRefusal(method: string, channel: string): Record<string, unknown> | undefined {
    // A user id is a DM Slack opens on its own.
    if (/^[UW]/.test(channel) && this.users.has(channel)) return undefined;
    const known = this.channels.get(channel);
    if (!known) return this.refuse(method, 'channel_not_found', `no channel ${channel}`);
    if (!known.botIsMember) return this.refuse(method, 'not_in_channel', `the bot is not in ${channel}`);
    return undefined;
  }

  private contentRefusal(
    method: string,
    content: { text?: unknown; blocks?: unknown },
    maxBlocks: number,
  ): Record<string, unknown> | undefined {
    if (typeof content.text === 'string' && content.text.length > BLOCK_KIT_LIMITS.messageText) {
      return this.refuse(method, 'msg_too_long', `text of ${content.text.length} characters`);
    }
    const problem = blockKitProblem(content.blocks, maxBlocks);
    return problem ? this.refuse(method, 'invalid_blocks', problem) : undefined;
  }

  private refuse(method: string, error: string, why: string): Record<string, unknown> {
    this.refusals.push({ method, error, why });
    return { ok: false, error, response_metadata: { messages: [`[ERROR] ${why}`] } };
  }

  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://keycard-test.slack.com/',
          team: 'Test',
          user: 'keycard',
          team_id: FAKE_TEAM_ID,
          user_id: 'UKEYCARD',
          bot_id: 'BKEYCARD',
          app_id: FAKE_APP_ID,
          app_name: 'Keycard',
        };
      case 'chat.postMessage': {
        const ts = `${this.clock++}.000100`;
        const channel = String(params.channel);
        const message = { channel, ts, text: String(params.text ?? ''), blocks: blocksOf(params), updates: 0 };
        this.messages.set(`${channel}/${ts}`, message);
        return { ok: true, channel, ts, message: { text: message.text, ts } };
      }
      case 'chat.update': {
        const key = `${params.channel}/${params.ts}`;
        const message = this.messages.get(key);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(params.text ?? message.text);
        message.blocks = blocksOf(params);
        message.updates += 1;
        return { ok: true, channel: params.channel, ts: params.ts };
      }
      case 'chat.postEphemeral': {
        const message_ts = this.surfaces.addEphemeral(String(params.user), {
          channel: String(params.channel),
          text: String(params.text ?? ''),
          blocks: blocksOf(params),
        });
        return { ok: true, message_ts };
      }
      case 'conversations.open': {
        const id = `D${String(params.users).split(',')[0]}`;
        this.channels.set(id, { botIsMember: true });
        return { ok: true, channel: { id } };
      }
      case 'users.info': {
        const user = this.users.get(String(params.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        const restricted = Boolean(user.is_restricted || user.is_ultra_restricted);
        return {
          ok: true,
          user: {
            id: user.id,
            team_id: user.team_id ?? FAKE_TEAM_ID,
            name: user.id.toLowerCase(),
            deleted: Boolean(user.deleted),
            is_bot: Boolean(user.is_bot),
            is_app_user: Boolean(user.is_app_user),
            ...(user.is_workflow_bot ? { is_workflow_bot: true } : {}),
            is_restricted: restricted,
            is_ultra_restricted: Boolean(user.is_ultra_restricted),
            is_email_confirmed: user.is_email_confirmed ?? Boolean(user.email),
            ...(user.enterprise_id
              ? {
                  enterprise_user: {
                    id: user.id,
                    enterprise_id: user.enterprise_id,
                    teams: [user.team_id ?? FAKE_TEAM_ID],
                  },
                }
              : {}),
            profile: { email: user.email },
          },
        };
      }
      case 'usergroups.users.list': {
        const members = this.userGroups.get(String(params.usergroup));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'views.open':
      case 'views.push': {
        const view = this.surfaces.openModal(params.trigger_id, viewOf(params), method === 'views.push');
        return { ok: true, view };
      }
      case 'views.update': {
        const view = this.surfaces.updateView(params.view_id, viewOf(params));
        return view ? { ok: true, view } : { ok: false, error: 'not_found' };
      }
      case 'views.publish':
        return { ok: true, view: this.surfaces.publishHome(String(params.user_id), viewOf(params)) };
      case 'apps.connections.open':
        return this.socketModeUrl ? { ok: true, url: this.socketModeUrl } : { ok: false, error: 'invalid_auth' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function viewOf(params: Record<string, unknown>): Record<string, unknown> {
  return (parsed(params.view) as Record<string, unknown> | undefined) ?? {};
}
