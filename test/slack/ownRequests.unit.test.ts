/**
 * Keycard's own app and workspace, learned from auth.test, and the two checks every request passes before a
 * listener: for Keycard's app and team, and (clicks, submissions) by a person of the workspace.
 */
import assert from 'node:assert/strict';
import type { WebClient } from '@slack/web-api';
import { NOT_FOR_KEYCARD, ownRequestsOnly, peopleOnly } from '../../src/slack/ownRequests';
import { foreignRequest, keycardWorkspace, requestOrigin, WorkspaceMismatchError } from '../../src/slack/workspace';
import { fakeAck, fakeClient, fakeRespond, quietLogger, Timeline, WORKSPACE, workspace } from './listeners/fakes';

type AuthTest = Awaited<ReturnType<WebClient['auth']['test']>>;

function authClient(answers: (() => Promise<AuthTest>)[]) {
  let calls = 0;
  const client = {
    auth: { test: async () => answers[Math.min(calls++, answers.length - 1)]() },
  } as unknown as Pick<WebClient, 'auth'>;
  return { client, calls: () => calls };
}

const KEYCARD: AuthTest = { ok: true, team_id: 'T0TEST', app_id: 'A0KEYCARD', user_id: 'UKEYCARD', bot_id: 'B0' };

describe("Keycard's own Slack app and workspace", function () {
  it('is learned once from auth.test: team, app and organisation', async () => {
    const { client, calls } = authClient([async () => ({ ...KEYCARD, enterprise_id: 'E0ORG' })]);
    const learned = keycardWorkspace(client, {});
    assert.deepEqual(await learned(), { appId: 'A0KEYCARD', teamId: 'T0TEST', enterpriseId: 'E0ORG' });
    await learned();
    assert.equal(calls(), 1);
  });

  it('refuses a SLACK_TEAM_ID or SLACK_APP_ID the bot token does not belong to', async () => {
    const team = keycardWorkspace(authClient([async () => KEYCARD]).client, { SLACK_TEAM_ID: 'T0OTHER' });
    await assert.rejects(
      team(),
      (error: Error) => error instanceof WorkspaceMismatchError && /T0OTHER/.test(error.message),
    );
    const app = keycardWorkspace(authClient([async () => KEYCARD]).client, { SLACK_APP_ID: 'A0OTHER' });
    await assert.rejects(app(), /SLACK_APP_ID is A0OTHER but SLACK_BOT_TOKEN belongs to app A0KEYCARD/);
  });

  it('takes SLACK_APP_ID when auth.test names no app, and refuses to guess without either', async () => {
    const withoutApp: AuthTest = { ...KEYCARD, app_id: undefined };
    const configured = keycardWorkspace(authClient([async () => withoutApp]).client, { SLACK_APP_ID: 'A0KEYCARD' });
    assert.equal((await configured()).appId, 'A0KEYCARD');
    const unknown = keycardWorkspace(authClient([async () => withoutApp]).client, {});
    await assert.rejects(unknown(), /set SLACK_APP_ID/);
  });

  it('asks auth.test again after a failure, instead of remembering it', async () => {
    const { client, calls } = authClient([
      async () => {
        throw new Error('slack down');
      },
      async () => KEYCARD,
    ]);
    const learned = keycardWorkspace(client, {});
    await assert.rejects(learned(), /slack down/);
    assert.equal((await learned()).teamId, 'T0TEST');
    assert.equal(calls(), 2);
  });

  const origins: { name: string; body: Record<string, unknown>; foreign: RegExp | undefined }[] = [
    { name: 'a slash command of Keycard', body: { api_app_id: 'A0KEYCARD', team_id: 'T0TEST' }, foreign: undefined },
    {
      name: 'an interaction of Keycard',
      body: { api_app_id: 'A0KEYCARD', team: { id: 'T0TEST' }, user: { team_id: 'T0TEST' } },
      foreign: undefined,
    },
    { name: 'another app of the workspace', body: { api_app_id: 'A0OTHER', team_id: 'T0TEST' }, foreign: /A0OTHER/ },
    { name: 'no app at all', body: { team_id: 'T0TEST' }, foreign: /\(none\)/ },
    { name: 'another team', body: { api_app_id: 'A0KEYCARD', team_id: 'T0OTHER' }, foreign: /T0OTHER/ },
    {
      name: 'an interaction from another team',
      body: { api_app_id: 'A0KEYCARD', team: { id: 'T0OTHER' } },
      foreign: /T0OTHER/,
    },
    {
      name: 'an org-wide install with no team',
      body: { api_app_id: 'A0KEYCARD', team: null, user: { team_id: 'T0OTHER' } },
      foreign: /T0OTHER/,
    },
    {
      name: 'another organisation',
      body: { api_app_id: 'A0KEYCARD', team_id: 'T0TEST', enterprise_id: 'E0OTHER' },
      foreign: /E0OTHER/,
    },
  ];
  for (const origin of origins) {
    it(`tells ${origin.name} ${origin.foreign ? 'is not Keycard’s' : 'is Keycard’s'}`, () => {
      const why = foreignRequest(requestOrigin(origin.body), WORKSPACE);
      if (origin.foreign) assert.match(why ?? '', origin.foreign);
      else assert.equal(why, undefined);
    });
  }
});

describe('the checks before any listener', function () {
  async function through(
    check: typeof ownRequestsOnly | typeof peopleOnly,
    body: Record<string, unknown>,
    learned = workspace,
  ) {
    const timeline = new Timeline();
    await check(
      learned,
      quietLogger(),
    )({
      body,
      ack: fakeAck(timeline),
      respond: fakeRespond(timeline),
      client: fakeClient(timeline),
      next: async () => timeline.record('next'),
    });
    return timeline;
  }

  it('passes a request of Keycard on to the listeners', async () => {
    const timeline = await through(ownRequestsOnly, {
      command: '/prod-access',
      api_app_id: 'A0KEYCARD',
      team_id: 'T0TEST',
    });
    assert.deepEqual(timeline.order(), ['next']);
  });

  it('answers a slash command for another app in its ack, and runs no listener', async () => {
    const timeline = await through(ownRequestsOnly, {
      command: '/prod-access',
      api_app_id: 'A0OTHER',
      team_id: 'T0TEST',
    });
    assert.deepEqual(timeline.entries, [
      { what: 'ack', args: [{ response_type: 'ephemeral', text: NOT_FOR_KEYCARD }] },
    ]);
  });

  it('acknowledges a click for another team with nothing, and runs no listener', async () => {
    const timeline = await through(ownRequestsOnly, {
      type: 'block_actions',
      api_app_id: 'A0KEYCARD',
      team: { id: 'T0OTHER' },
    });
    assert.deepEqual(timeline.entries, [{ what: 'ack', args: [] }]);
  });

  it('refuses everything while Keycard cannot learn its own workspace', async () => {
    const timeline = await through(
      ownRequestsOnly,
      { command: '/prod-access', api_app_id: 'A0KEYCARD', team_id: 'T0TEST' },
      async () => {
        throw new Error('auth.test failed');
      },
    );
    assert.deepEqual(timeline.order(), ['ack']);
    assert.match(String((timeline.entries[0].args[0] as { text: string }).text), /cannot confirm its own Slack app/);
  });

  it('passes a click by a person of the workspace on, after asking users.info', async () => {
    const timeline = await through(peopleOnly, { type: 'block_actions', user: { id: 'U0APPROVER' } });
    assert.deepEqual(timeline.order(), ['users.info', 'next']);
  });

  it('refuses a click by a bot with an ephemeral answer and runs no listener', async () => {
    const timeline = await through(peopleOnly, { type: 'block_actions', user: { id: 'U0BOT' } });
    assert.deepEqual(timeline.order(), ['users.info', 'ack', 'respond']);
    assert.match(
      String((timeline.of('respond')[0][0] as { text: string }).text),
      /bots, apps and workflows cannot decide/,
    );
  });

  it('refuses a guest’s click in the App Home (no response_url) by DM', async () => {
    const timeline = new Timeline();
    await peopleOnly(
      workspace,
      quietLogger(),
    )({
      body: { type: 'block_actions', user: { id: 'U0GUEST' }, view: { type: 'home' } },
      ack: fakeAck(timeline),
      client: fakeClient(timeline),
      next: async () => timeline.record('next'),
    });
    assert.deepEqual(timeline.order(), ['users.info', 'ack', 'conversations.open', 'chat.postMessage']);
    const posted = timeline.of('chat.postMessage')[0][0] as { channel: string; text: string };
    assert.equal(posted.channel, 'DU0GUEST');
    assert.match(posted.text, /^Guests of this workspace cannot decide/);
  });

  it('keeps a guest’s modal open with the refusal under its first input', async () => {
    const timeline = await through(peopleOnly, {
      type: 'view_submission',
      user: { id: 'U0GUEST' },
      view: { state: { values: { reason: { reason_input: { value: 'no' } } } } },
    });
    assert.deepEqual(timeline.order(), ['users.info', 'ack']);
    const answer = timeline.of('ack')[0][0] as { response_action: string; errors: Record<string, string> };
    assert.equal(answer.response_action, 'errors');
    assert.match(answer.errors.reason, /^Guests of this workspace cannot decide/);
  });

  it('asks nothing of Slack for a slash command or an event (the listeners check the requester)', async () => {
    const timeline = await through(peopleOnly, { command: '/prod-access', user_id: 'U0BOT' });
    assert.deepEqual(timeline.order(), ['next']);
  });
});
