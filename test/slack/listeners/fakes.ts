/**
 * Fakes for the listeners' arguments: Bolt's ack, respond and client, and the workflow calls. Each records what it
 * was given, in one shared order, so a test can say what the person saw and that the ack came first.
 */
import { createLogger, type Logger } from '../../../src/logger';
import type { GrantWorkflows } from '../../../src/slack/grantWorkflows';
import type { Respond, SlackClient } from '../../../src/slack/listeners/types';
import type { SlackPerson } from '../../../src/slack/people';
import type { SlackWorkspace } from '../../../src/slack/workspace';

export const TEAM = 'T0TEST';
export const APPROVER_CHANNEL = 'C0APPROVERS';
export const APPROVER = 'U0APPROVER';
export const GROUP = 'S0ONCALL';
export const GROUP_MEMBER = 'U0ONCALL';
export const REQUESTER = 'U0REQUESTER';
export const WORKFLOW_ID = 'prod-access-0123456789abcdef01234567';

export interface Recorded {
  what: string;
  args: unknown[];
}

/** The order things happened in, across every fake of one test. */
export class Timeline {
  readonly entries: Recorded[] = [];
  record(what: string, ...args: unknown[]): void {
    this.entries.push({ what, args });
  }
  of(what: string): unknown[][] {
    return this.entries.filter((entry) => entry.what === what).map((entry) => entry.args);
  }
  order(): string[] {
    return this.entries.map((entry) => entry.what);
  }
}

/** Every workflow call accepted and empty unless a test says otherwise. */
export function fakeGrants(timeline: Timeline, answers: Partial<GrantWorkflows> = {}): GrantWorkflows {
  const recorded = <K extends keyof GrantWorkflows>(name: K, fallback: GrantWorkflows[K]): GrantWorkflows[K] =>
    ((...args: unknown[]) => {
      timeline.record(`grants.${name}`, ...args);
      return ((answers[name] ?? fallback) as (...a: unknown[]) => unknown)(...args);
    }) as GrantWorkflows[K];
  return {
    identityCenterUserFor: recorded('identityCenterUserFor', async () => ({
      principalId: 'principal-alice',
      user: { userName: 'alice', displayName: 'Alice Example' },
    })),
    start: recorded('start', async () => 'started'),
    approve: recorded('approve', async () => undefined),
    deny: recorded('deny', async () => undefined),
    extend: recorded('extend', async () => undefined),
    revoke: recorded('revoke', async () => undefined),
    existingLease: recorded('existingLease', async () => undefined),
    pendingOf: recorded('pendingOf', async () => []),
    withdraw: recorded('withdraw', async () => undefined),
    liveGrantsOf: recorded('liveGrantsOf', async () => []),
    listings: recorded('listings', async () => []),
  };
}

/** Keycard's app and workspace as the listeners are told them. */
export const WORKSPACE: SlackWorkspace = { appId: 'A0KEYCARD', teamId: TEAM };
export const workspace = async (): Promise<SlackWorkspace> => WORKSPACE;

/** A member of the workspace with a confirmed email, as users.info describes one. */
const member = (email?: string): SlackPerson => ({
  team_id: TEAM,
  is_email_confirmed: email !== undefined,
  profile: email === undefined ? {} : { email },
});

export const PEOPLE: Record<string, SlackPerson> = {
  [REQUESTER]: member('alice@example.com'),
  [APPROVER]: member('approver@example.com'),
  [GROUP_MEMBER]: member('oncall@example.com'),
  U0NOEMAIL: member(),
  U0BOT: { ...member('bot@example.com'), is_bot: true },
  U0GUEST: { ...member('guest@example.com'), is_restricted: true },
  U0FOREIGN: { ...member('foreign@example.com'), team_id: 'T0OTHER' },
  U0UNCONFIRMED: { ...member('unconfirmed@example.com'), is_email_confirmed: false },
};

/** Slack's Web API as the listeners call it: users and groups from PEOPLE, everything else recorded. */
export function fakeClient(
  timeline: Timeline,
  // A guest is in the approvers' group too: only the person check keeps them from deciding.
  groups: Record<string, string[]> = { [GROUP]: [GROUP_MEMBER, 'U0GUEST'] },
) {
  const client: SlackClient = {
    users: {
      info: async (args) => {
        timeline.record('users.info', args);
        const user = PEOPLE[args.user];
        if (!user)
          throw Object.assign(new Error('An API error occurred: user_not_found'), {
            data: { error: 'user_not_found' },
          });
        return { ok: true, user };
      },
    },
    usergroups: {
      users: {
        list: async (args) => {
          timeline.record('usergroups.users.list', args);
          return { ok: true, users: groups[args.usergroup] ?? [] };
        },
      },
    },
    views: {
      open: async (args) => {
        timeline.record('views.open', args);
        return { ok: true };
      },
      publish: async (args) => {
        timeline.record('views.publish', args);
        return { ok: true };
      },
      update: async (args) => {
        timeline.record('views.update', args);
        return { ok: true };
      },
    },
    conversations: {
      open: async (args) => {
        timeline.record('conversations.open', args);
        return { ok: true, channel: { id: `D${String((args as { users?: string }).users)}` } };
      },
    },
    chat: {
      postMessage: async (args) => {
        timeline.record('chat.postMessage', args);
        return { ok: true };
      },
    },
  };
  return client;
}

export function fakeAck<T = unknown>(timeline: Timeline): (response?: T) => Promise<void> {
  return async (...response: unknown[]) => timeline.record('ack', ...response);
}

export function fakeRespond(timeline: Timeline): Respond {
  return async (message) => timeline.record('respond', message);
}

/** A logger that keeps quiet: the listeners' errors are asserted through what the person sees. */
export function quietLogger(): Logger {
  return createLogger('silent');
}
