/**
 * Two checks every incoming Slack request passes before any listener runs (Bolt global middleware):
 * - it is Keycard's own: its api_app_id is Keycard's app and its team (and organisation) Keycard's workspace;
 * - a click or a modal submission comes from a person of that workspace (users.info), never from a bot, an app, a
 *   workflow, a guest, a deleted account or a user of another team, so no update reaches a workflow for them.
 * The workflows' own validators still decide who may approve; these only keep out who is no person of the workspace.
 */
import type { AnyMiddlewareArgs, Middleware, RespondArguments } from '@slack/bolt';
import type { Logger } from '../logger';
import type { SlackClient } from './listeners/types';
import { deciderProblem } from './people';
import { foreignRequest, requestOrigin, type SlackWorkspace } from './workspace';

/** What a global middleware is given, as far as these checks read it. */
export interface IncomingRequest {
  body: unknown;
  ack?: (response?: unknown) => Promise<void>;
  respond?: (message: RespondArguments) => Promise<unknown>;
  client: SlackClient;
  next: () => Promise<void>;
}

/** One of these checks as Bolt global middleware: Bolt's arguments are a union by request kind; the checks read them as one. */
export function boltMiddleware(check: (request: IncomingRequest) => Promise<void>): Middleware<AnyMiddlewareArgs> {
  return (args) => check(args as unknown as IncomingRequest);
}

export const NOT_FOR_KEYCARD =
  'This request was not sent to Keycard: it came for another Slack app or workspace. Nothing was done.';
const WORKSPACE_UNKNOWN = 'Keycard cannot confirm its own Slack app right now. Nothing was done; try again shortly.';

/** Requests for another app, team or organisation stop here, acknowledged (Slack would retry) and logged. */
export function ownRequestsOnly(workspace: () => Promise<SlackWorkspace>, logger: Logger) {
  return async ({ body, ack, next }: IncomingRequest): Promise<void> => {
    const fields = (body ?? {}) as Record<string, unknown>;
    let why: string | undefined;
    let answer = NOT_FOR_KEYCARD;
    try {
      why = foreignRequest(requestOrigin(fields), await workspace());
    } catch (error) {
      // Until Keycard knows its own workspace, it cannot tell its requests from others: it serves none.
      logger.error({ err: error }, 'Keycard cannot confirm its own Slack app and workspace; the request is refused');
      why = 'Keycard cannot confirm its own Slack app and workspace';
      answer = WORKSPACE_UNKNOWN;
    }
    if (!why) {
      await next();
      return;
    }
    logger.warn({ why, type: fields.type ?? fields.command }, 'a Slack request that is not Keycard’s was refused');
    if (!ack) return;
    // A slash command's acknowledgement is what the person sees; other kinds show nothing of it.
    if (typeof fields.command === 'string') await ack({ response_type: 'ephemeral', text: answer });
    else await ack();
  };
}

/** Clicks and modal submissions by anyone who is not a person of the workspace are refused before any update. */
export function peopleOnly(workspace: () => Promise<SlackWorkspace>, logger: Logger) {
  return async ({ body, ack, respond, client, next }: IncomingRequest): Promise<void> => {
    const fields = (body ?? {}) as {
      type?: string;
      user?: { id?: string };
      view?: { state?: { values?: Record<string, unknown> } };
    };
    if (fields.type !== 'block_actions' && fields.type !== 'view_submission') {
      await next();
      return;
    }
    const problem = await deciderProblem(client, fields.user?.id ?? '', await workspace());
    if (!problem) {
      await next();
      return;
    }
    logger.warn({ user: fields.user?.id, type: fields.type }, 'a click by someone who is no person of the workspace');
    if (fields.type === 'view_submission') {
      // The modal stays open with the refusal under its first input.
      const block = Object.keys(fields.view?.state?.values ?? {})[0];
      await ack?.(block ? { response_action: 'errors', errors: { [block]: problem } } : undefined);
      return;
    }
    await ack?.();
    if (respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: problem });
      return;
    }
    // A click in the App Home has no response_url: the answer goes by DM, as the listeners' refusals do.
    const { channel } = await client.conversations.open({ users: fields.user?.id ?? '' });
    if (channel?.id) await client.chat.postMessage({ channel: channel.id, text: problem });
  };
}
