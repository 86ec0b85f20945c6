/**
 * Bad and hostile input, one row each: what the person is told, and that nothing was started or changed.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../../src/domain/duration';
import { grantWorkflowId } from '../../src/domain/grant';
import { requestIdFor } from '../../src/slack/app';
import { ACTIONS, DENY_MODAL } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually, isAssignedInMoto, records } from '../support/keycard';
import {
  blockActionPayload,
  interactionBody,
  postSigned,
  sign,
  slashCommandBody,
  viewSubmissionPayload,
  type RequestOrigin,
} from '../support/slackRequests';
import { NOT_FOR_KEYCARD } from '../../src/slack/ownRequests';
import {
  APPROVER,
  APPROVER_CHANNEL,
  APPROVER_GROUP,
  GROUP_APPROVER,
  newRequester,
  OUTSIDER,
  SIGNING_SECRET,
  startSlackStand,
  type SlackStand,
} from '../support/slackStand';
import { stand, createIdentityStoreUser } from '../support/stand';

/**
 * Slack accounts that are no person of Keycard's workspace, each with an email Identity Center knows, so only the
 * Slack check stands between them and a request. The deciders among them are in the approvers' group too, so only
 * the Slack check stands between their click and the workflow.
 */
const NOT_PEOPLE = {
  guest: { id: 'U0GUEST', email: 'guest@example.com', is_restricted: true },
  singleChannelGuest: { id: 'U0SCGUEST', email: 'sc-guest@example.com', is_ultra_restricted: true },
  foreignTeam: { id: 'U0FOREIGN', email: 'foreign@example.com', team_id: 'T0OTHER' },
  otherEnterprise: { id: 'W0OTHERORG', email: 'other-org@example.com', enterprise_id: 'E0OTHER' },
  deleted: { id: 'U0DELETED', email: 'deleted@example.com', deleted: true },
  unconfirmed: { id: 'U0UNCONFIRMED', email: 'unconfirmed@example.com', is_email_confirmed: false },
  appUser: { id: 'U0APPUSER', email: 'app-user@example.com', is_app_user: true },
  botApprover: { id: 'U0BOTAPPROVER', email: 'bot-approver@example.com', is_bot: true },
  workflow: { id: 'U0WORKFLOW', email: 'workflow@example.com', is_workflow_bot: true },
  slackbot: { id: 'USLACKBOT', email: 'slackbot@example.com' },
} as const;

/** What the person saw: the HTTP status and every text Keycard sent them for this interaction. */
interface Answer {
  status: number;
  texts: string[];
}

describe('bad and hostile input changes nothing', function () {
  let s: SlackStand;
  const client = () => stand().devServer.env.client;

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
    await createIdentityStoreUser('approver@example.com');
    for (const user of Object.values(NOT_PEOPLE)) {
      s.slack.addUser(user);
      await createIdentityStoreUser(user.email);
    }
    const deciders = [NOT_PEOPLE.botApprover, NOT_PEOPLE.guest, NOT_PEOPLE.foreignTeam, NOT_PEOPLE.workflow];
    s.slack.userGroups.set(APPROVER_GROUP, [GROUP_APPROVER, ...deciders.map((user) => user.id)]);
  });
  after(async () => {
    await s?.stop();
  });

  /** The ack text, then what arrived on the response_url within a short settle time. */
  async function answerTo(
    response: { status: number; body: string },
    responseId: string,
    expectFollowUp: boolean,
    on: SlackStand = s,
  ): Promise<Answer> {
    const texts: string[] = [];
    if (response.status === 200 && response.body) {
      const ack = JSON.parse(response.body) as { text?: string };
      if (ack.text) texts.push(ack.text);
    }
    if (expectFollowUp) {
      await eventually(
        async () => on.slack.responses.filter((r) => r.id === responseId),
        (found) => found.length > 0,
      );
    }
    texts.push(...on.slack.responses.filter((r) => r.id === responseId).map((r) => String(r.body.text)));
    return { status: response.status, texts };
  }

  /**
   * Neither the grant workflow nor (unless the refusal needed it) the Identity Center lookup of this command was
   * started, whatever team it named.
   */
  async function notStarted(triggerId: string, team = 'T0TEST', { lookedUp = false } = {}): Promise<void> {
    const requestId = requestIdFor(team, triggerId);
    const lookup = lookedUp ? [] : [`prod-access-lookup-${requestId}`];
    for (const workflowId of [grantWorkflowId(requestId), ...lookup]) {
      await assert.rejects(client().workflow.getHandle(workflowId).describe(), WorkflowNotFoundError, workflowId);
    }
  }

  /** A live pending request (by a fresh requester unless one is given), and its approval message. */
  async function pendingRequest({
    requesterId,
    reason = 'checking the queue backlog',
    on = s,
  }: { requesterId?: string; reason?: string; on?: SlackStand } = {}) {
    const requester = requesterId ? { slackUserId: requesterId } : await newRequester(on.slack);
    const { triggerId } = await on.slash(requester.slackUserId, reason);
    const workflowId = grantWorkflowId(requestIdFor('T0TEST', triggerId));
    const message = (await eventually(
      async () => on.slack.messagesIn(APPROVER_CHANNEL).find((m) => buttonValue(m, ACTIONS.approve) === workflowId),
      (found) => found !== undefined,
    )) as StoredMessage;
    return { workflowId, message, requester };
  }

  /** The same, approved in Slack and active in Identity Center. */
  async function activeRequest() {
    const pending = await pendingRequest();
    await s.click(APPROVER, ACTIONS.approve, pending.workflowId);
    const status = await eventually(
      () => client().workflow.getHandle(pending.workflowId).query(statusQuery),
      (current) => current.state === 'active',
    );
    return { ...pending, principalId: status.principalId as string };
  }

  async function snapshot(workflowId: string) {
    const status = await client().workflow.getHandle(workflowId).query(statusQuery);
    return { state: status.state, history: status.history.length };
  }

  /** Runs a decision click and checks the clicker was refused with `expected` and the request did not change. */
  async function refusedDecision(workflowId: string, user: string, actionId: string, expected: RegExp) {
    const before = await snapshot(workflowId);
    const { response, responseId } = await s.click(user, actionId, workflowId);
    const answer = await answerTo(response, responseId, true);
    assert.equal(answer.status, 200);
    assert.match(answer.texts.join('\n'), expected);
    assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
  }

  /**
   * Runs a Deny the way Slack delivers it (the button opens the reason modal, the modal is submitted with a reason)
   * and checks the modal shows `expected` and the request did not change.
   */
  async function refusedDenial(workflowId: string, user: string, expected: RegExp) {
    const before = await snapshot(workflowId);
    const opened = s.slack.callsOf('views.open').length;
    const { response } = await s.click(user, ACTIONS.deny, workflowId);
    assert.equal(response.status, 200);
    const modal = await eventually(
      async () => s.slack.callsOf('views.open').slice(opened),
      (calls) => calls.length > 0,
    );
    const sent = modal[0].params.view;
    const view = (typeof sent === 'string' ? JSON.parse(sent) : sent) as {
      callback_id: string;
      private_metadata: string;
    };
    assert.deepEqual([view.callback_id, view.private_metadata], [DENY_MODAL.callbackId, workflowId]);
    const submitted = await s.submit(user, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: 'too risky today' },
    });
    assert.equal(submitted.status, 200);
    const answer = JSON.parse(submitted.body) as { response_action?: string; errors?: Record<string, string> };
    assert.equal(answer.response_action, 'errors', 'the modal stays open with the refusal');
    assert.match(answer.errors?.[DENY_MODAL.block] ?? '', expected);
    assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
  }

  const slashRows: {
    name: string;
    user?: string;
    text: string;
    sign?: 'forged' | 'stale' | 'missing';
    /** Another app, team or organisation than Keycard's (fields of the signed command). */
    origin?: { team_id?: string; api_app_id?: string; enterprise_id?: string };
    status: number;
    answer?: RegExp;
    followUp?: boolean;
    /** The refusal came from the Identity Center lookup, which therefore ran. */
    lookedUp?: boolean;
    /** Nothing to refuse yet: the request modal opens to ask for what is missing (the reason). */
    modal?: boolean;
  }[] = [
    { name: 'a forged signature', text: 'legit reason', sign: 'forged', status: 401 },
    { name: 'a timestamp older than 5 minutes', text: 'legit reason', sign: 'stale', status: 401 },
    { name: 'no signature at all', text: 'legit reason', sign: 'missing', status: 401 },
    { name: 'an empty reason', text: '', status: 200, modal: true },
    { name: 'a reason of only spaces', text: '    ', status: 200, modal: true },
    {
      name: 'a reason over 500 characters',
      text: 'x'.repeat(501),
      status: 200,
      answer: /Keep the reason to 500 characters \(yours has 501\)/,
    },
    { name: 'an unknown duration', text: '2x fix prod', status: 200, answer: /"2x" is not a duration/ },
    {
      name: 'a duration that rounds to 0 ms',
      text: '0.0001s x',
      status: 200,
      answer: /"0\.0001s" is shorter than the 1s Keycard grants at least/,
    },
    {
      name: 'a duration under 1s',
      text: '999ms x',
      status: 200,
      answer: /"999ms" is shorter than the 1s Keycard grants at least/,
    },
    {
      name: 'a duration over the maximum',
      text: '9h fix prod',
      status: 200,
      answer: /9h is longer than the 8h Keycard grants at most/,
    },
    { name: 'a duration and no reason', text: '2h', status: 200, modal: true },
    {
      name: 'an unknown Slack user',
      user: 'U0NOBODY',
      text: 'fix prod',
      status: 200,
      answer: /Slack does not know your user/,
      followUp: true,
    },
    {
      name: 'a user with no Identity Center account',
      user: OUTSIDER,
      text: 'fix prod',
      status: 200,
      answer: /matches no user in AWS IAM Identity Center/,
      followUp: true,
      lookedUp: true,
    },
    { name: 'a bot user', user: 'U0BOT', text: 'fix prod', status: 200, answer: /active people only/, followUp: true },
    {
      name: 'a user without a readable email',
      user: 'U0NOEMAIL',
      text: 'fix prod',
      status: 200,
      answer: /cannot read your email/,
      followUp: true,
    },
    ...(
      [
        ['a guest (is_restricted)', NOT_PEOPLE.guest.id, /Guests of this workspace cannot ask for production access/],
        [
          'a single-channel guest (is_ultra_restricted)',
          NOT_PEOPLE.singleChannelGuest.id,
          /Guests of this workspace cannot ask/,
        ],
        ['a requester of another team', NOT_PEOPLE.foreignTeam.id, /your account belongs to another team/],
        ['a requester of another enterprise', NOT_PEOPLE.otherEnterprise.id, /its own organisation only/],
        ['a deleted user', NOT_PEOPLE.deleted.id, /active people only/],
        ['an email Slack has not confirmed', NOT_PEOPLE.unconfirmed.id, /Your Slack email is not confirmed/],
        ['an app user', NOT_PEOPLE.appUser.id, /bots, apps and workflows cannot ask for access/],
        ['a workflow user', NOT_PEOPLE.workflow.id, /bots, apps and workflows cannot ask for access/],
        ['Slackbot', NOT_PEOPLE.slackbot.id, /bots, apps and workflows cannot ask for access/],
      ] as const
    ).map(([name, user, answer]) => ({ name, user, text: 'fix prod', status: 200, answer, followUp: true })),
    {
      name: "another app's api_app_id",
      text: 'fix prod',
      origin: { api_app_id: 'A0OTHERAPP' },
      status: 200,
      answer: new RegExp(NOT_FOR_KEYCARD.replace(/[.:]/g, '.')),
    },
    {
      name: "another team's team_id",
      text: 'fix prod',
      origin: { team_id: 'T0OTHER' },
      status: 200,
      answer: new RegExp(NOT_FOR_KEYCARD.replace(/[.:]/g, '.')),
    },
    {
      name: "another enterprise's enterprise_id",
      text: 'fix prod',
      origin: { enterprise_id: 'E0OTHER' },
      status: 200,
      answer: new RegExp(NOT_FOR_KEYCARD.replace(/[.:]/g, '.')),
    },
  ];

  for (const row of slashRows) {
    const expected = row.modal ? 'the request modal' : (row.answer ?? `HTTP ${row.status}`);
    it(`slash command with ${row.name}: ${expected}, nothing started`, async () => {
      s.slack.addUser({ id: 'U0BOT', email: 'bot@example.com', is_bot: true });
      s.slack.addUser({ id: 'U0NOEMAIL' });
      const triggerId = randomUUID();
      // A request from another app or team comes from a grantable person: only that check refuses it.
      const requesterId = row.origin ? (await newRequester(s.slack)).slackUserId : (row.user ?? APPROVER);
      const body = slashCommandBody({
        user_id: requesterId,
        text: row.text,
        trigger_id: triggerId,
        response_url: s.slack.responseUrl(triggerId),
        ...row.origin,
      });
      const now = Math.floor(Date.now() / 1000);
      const response =
        row.sign === 'missing'
          ? await fetch(s.eventsUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body,
            }).then(async (r) => ({ status: r.status, body: await r.text() }))
          : await postSigned(s.eventsUrl, body, {
              secret: SIGNING_SECRET,
              ...(row.sign === 'forged' ? { signature: sign('not-the-secret', now, body) } : {}),
              ...(row.sign === 'stale' ? { timestamp: now - 6 * 60 } : {}),
            });
      const answer = await answerTo(response, triggerId, Boolean(row.followUp));
      assert.equal(answer.status, row.status);
      if (row.answer) assert.match(answer.texts.join('\n'), row.answer);
      if (row.modal) {
        await eventually(
          async () => s.slack.callsOf('views.open').filter((call) => call.params.trigger_id === triggerId),
          (opened) => opened.length === 1,
        );
      }
      await notStarted(triggerId, row.origin?.team_id, { lookedUp: row.lookedUp });
      if (row.origin) {
        // Refused before any listener (none runs after that ack): Slack's API was not even asked who this is.
        assert.deepEqual(
          s.slack.callsOf('users.info').filter((call) => call.params.user === requesterId),
          [],
        );
      }
    });
  }

  it('a malformed interaction payload: refused, nothing changed', async () => {
    const response = await postSigned(s.eventsUrl, 'payload=%7Bnot-json', { secret: SIGNING_SECRET });
    assert.notEqual(response.status, 200);
  });

  it('a forged signature on an Approve click: 401, the request stays pending', async () => {
    const { workflowId } = await pendingRequest();
    const body = interactionBody(
      blockActionPayload({
        user: APPROVER,
        actionId: ACTIONS.approve,
        value: workflowId,
        responseUrl: s.slack.responseUrl('x'),
      }),
    );
    const response = await postSigned(s.eventsUrl, body, { secret: 'wrong-secret-wrong-secret' });
    assert.equal(response.status, 401);
    assert.equal((await snapshot(workflowId)).state, 'pending');
  });

  it('mention and channel-ping injection in the reason is shown as text, never as a ping, mention or link', async () => {
    const hostile =
      '<!channel> <!here> @here @channel <@U0APPROVER> <#C0GENERAL> <https://evil.example|click me> & more';
    const { workflowId, message } = await pendingRequest({ reason: hostile });
    const shown = visibleText(message) + message.text;
    for (const forbidden of [
      '<!channel>',
      '<!here>',
      '<@U0APPROVER>',
      '<#C0GENERAL>',
      '<https://evil',
      '@here',
      '@channel',
    ]) {
      assert.ok(!shown.includes(forbidden), `${forbidden} must not reach Slack as markup: ${shown}`);
    }
    assert.match(shown, /&lt;!channel&gt;/);
    assert.match(shown, /&amp; more/);
    const section = message.blocks[0] as { text: { verbatim: boolean } };
    assert.equal(section.text.verbatim, true, 'Slack does not auto-link the text');
    const status = await client().workflow.getHandle(workflowId).query(statusQuery);
    assert.equal(status.reason, hostile, 'the record keeps exactly what was typed');
  });

  it('an approval by a non-approver is refused and changes nothing', async () => {
    const { workflowId } = await pendingRequest();
    await refusedDecision(workflowId, OUTSIDER, ACTIONS.approve, /Only Keycard approvers can approve/);
  });

  const notDeciders: [name: string, user: string, expected: RegExp, inGroup: boolean][] = [
    ['a bot user', NOT_PEOPLE.botApprover.id, /bots, apps and workflows cannot decide on access/, true],
    ['a guest approver', NOT_PEOPLE.guest.id, /Guests of this workspace cannot decide on production access/, true],
    ['a user of another team', NOT_PEOPLE.foreignTeam.id, /your account belongs to another team/, true],
    ['a workflow', NOT_PEOPLE.workflow.id, /bots, apps and workflows cannot decide on access/, true],
    ['a deleted user', NOT_PEOPLE.deleted.id, /active people only/, false],
  ];
  for (const [name, user, expected, inGroup] of notDeciders) {
    it(`an Approve click by ${name}${inGroup ? ', though in the approvers’ group,' : ''} is refused before any update; the request stays pending`, async () => {
      const { workflowId, message } = await pendingRequest();
      const { approvers } = await client().workflow.getHandle(workflowId).query(statusQuery);
      assert.equal(approvers?.includes(user), inGroup, 'the workflow alone would take this click');
      await refusedDecision(workflowId, user, ACTIONS.approve, expected);
      assert.equal(message.updates, 0, 'the approval message did not change');
    });
  }

  it('a Deny submitted by a guest approver keeps the modal open with the refusal; the request stays pending', async () => {
    const { workflowId } = await pendingRequest();
    const before = await snapshot(workflowId);
    const submitted = await s.submit(NOT_PEOPLE.guest.id, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: 'too risky today' },
    });
    assert.equal(submitted.status, 200);
    const answer = JSON.parse(submitted.body) as { response_action?: string; errors?: Record<string, string> };
    assert.equal(answer.response_action, 'errors');
    assert.match(answer.errors?.[DENY_MODAL.block] ?? '', /Guests of this workspace cannot decide/);
    assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
  });

  it('a Revoke now by a bot user in the approvers’ group is refused; access stays', async () => {
    const { workflowId, principalId } = await activeRequest();
    const { response, responseId } = await s.click(NOT_PEOPLE.botApprover.id, ACTIONS.revoke, workflowId);
    const answer = await answerTo(response, responseId, true);
    assert.match(answer.texts.join('\n'), /bots, apps and workflows cannot decide on access/);
    assert.equal((await snapshot(workflowId)).state, 'active');
    assert.equal(await isAssignedInMoto(principalId), true);
    await s.click(APPROVER, ACTIONS.revoke, workflowId);
    await eventually(
      () => isAssignedInMoto(principalId),
      (assigned) => !assigned,
    );
  });

  /** A correctly signed interaction that says it is for `origin` (another app or team than Keycard's). */
  async function foreignInteraction(payload: Record<string, unknown>) {
    const warnings = s.appLog.lines.length;
    const response = await postSigned(s.eventsUrl, interactionBody(payload), { secret: SIGNING_SECRET });
    const refused = s.appLog.lines
      .slice(warnings)
      .filter((line) => String(line.msg).includes('not Keycard’s') && line.level === 'warn');
    return { response, refused };
  }

  const foreignOrigins: [name: string, origin: RequestOrigin, why: RegExp][] = [
    ['another api_app_id', { appId: 'A0OTHERAPP' }, /A0OTHERAPP/],
    ['another team', { teamId: 'T0OTHER' }, /T0OTHER/],
  ];
  for (const [name, origin, why] of foreignOrigins) {
    it(`an Approve click by an approver in an interaction for ${name} is acknowledged with nothing; the request stays pending`, async () => {
      const { workflowId } = await pendingRequest();
      const before = await snapshot(workflowId);
      const responseId = randomUUID();
      const { response, refused } = await foreignInteraction(
        blockActionPayload({
          user: APPROVER,
          actionId: ACTIONS.approve,
          value: workflowId,
          responseUrl: s.slack.responseUrl(responseId),
          origin,
        }),
      );
      assert.equal(response.status, 200);
      assert.equal(response.body, '', 'an empty acknowledgement');
      assert.equal(refused.length, 1, 'refused by the app and team check, before any listener');
      assert.match(String(refused[0].why), why);
      assert.deepEqual(s.answersTo(responseId), []);
      assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
    });
  }

  it('a Deny modal submitted in an interaction for another api_app_id is acknowledged with nothing; the request stays pending', async () => {
    const { workflowId } = await pendingRequest();
    const before = await snapshot(workflowId);
    const { response, refused } = await foreignInteraction(
      viewSubmissionPayload({
        user: APPROVER,
        callbackId: DENY_MODAL.callbackId,
        privateMetadata: workflowId,
        values: { [DENY_MODAL.block]: { [DENY_MODAL.action]: { type: 'plain_text_input', value: 'no' } } },
        origin: { appId: 'A0OTHERAPP' },
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.body, '');
    assert.equal(refused.length, 1);
    assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
  });

  it('a request flood: the 6th request of one person in a minute is refused in the ack; only 5 reach Slack and Temporal', async () => {
    const requester = await newRequester(s.slack);
    const triggers: string[] = [];
    const acks: string[] = [];
    for (let request = 0; request < 6; request += 1) {
      const { response, triggerId } = await s.slash(requester.slackUserId, `flood ${request}`);
      triggers.push(triggerId);
      acks.push(String(response.json().text));
    }
    assert.deepEqual(acks.slice(0, 5), Array(5).fill('Checking your Identity Center account…'));
    assert.match(
      acks[5],
      /You have made 5 requests in the last minute, the most Keycard takes from one person\. Wait a minute, then ask again\. Nothing was requested\./,
    );
    await notStarted(triggers[5]);
    // Each of the five was answered (one started, the others found it waiting); the sixth never asked Slack who it was.
    for (const triggerId of triggers.slice(0, 5)) {
      await eventually(
        async () => s.answersTo(triggerId),
        (texts) => texts.length > 0,
      );
    }
    const asked = s.slack.callsOf('users.info').filter((call) => call.params.user === requester.slackUserId);
    assert.equal(asked.length, 5);
    const started = await Promise.all(
      triggers.map((triggerId) =>
        client()
          .workflow.getHandle(s.workflowIdOf(triggerId))
          .describe()
          .then(
            () => true,
            () => false,
          ),
      ),
    );
    assert.ok(started[0], 'the first request started');
    assert.equal(started[5], false);
    const running = triggers.filter((_, index) => started[index]);
    for (const triggerId of running) await client().workflow.getHandle(s.workflowIdOf(triggerId)).terminate('test');
  });

  it('a flood from an email no Identity Center user has starts one lookup and asks Identity Center once, not five times', async () => {
    const ghost = {
      id: `U0GHOST${randomUUID().slice(0, 6).toUpperCase()}`,
      email: `ghost-${randomUUID().slice(0, 6)}@example.com`,
    };
    s.slack.addUser(ghost);
    const asked = () =>
      stand()
        .aws.callsOf('GetUserId')
        .filter((call) => JSON.stringify(call.input).includes(ghost.email)).length;
    const triggers: string[] = [];
    for (let request = 0; request < 5; request += 1) {
      const { triggerId } = await s.slash(ghost.id, `let me in ${request}`);
      triggers.push(triggerId);
      // One after the other, as a person (or a script) retrying would: each answered before the next.
      const [answer] = await eventually(
        async () => s.answersTo(triggerId),
        (texts) => texts.length > 0,
      );
      assert.match(answer, /matches no user in AWS IAM Identity Center/);
    }
    assert.equal(asked(), 1, 'Identity Center was asked once');
    const lookups = await Promise.all(
      triggers.map((triggerId) =>
        client()
          .workflow.getHandle(`prod-access-lookup-${requestIdFor('T0TEST', triggerId)}`)
          .describe()
          .then(
            () => 1,
            () => 0,
          ),
      ),
    );
    assert.deepEqual(lookups, [1, 0, 0, 0, 0], 'one lookup workflow, for the first request');
    for (const triggerId of triggers) await s.assertNotStarted(triggerId);
  });

  it('a reason that fakes lines renders as one line, last, after the facts in fields', async () => {
    const { message, requester } = await pendingRequest({ reason: 'fix\n*Target:* all accounts\n*Duration:* 1m' });
    const kinds = message.blocks.map((block) => block.type);
    // A Slack request names its catalog target (the implicit one here): the permission set follows the facts.
    assert.deepEqual(kinds, ['section', 'section', 'context', 'section', 'actions']);
    const fields = (message.blocks[1] as { fields: { text: string }[] }).fields.map((field) => field.text);
    assert.deepEqual(
      fields.map((text) => text.split('\n')[0]),
      ['*Requester*', '*Identity Center user*', '*Target*', '*Account*', '*Duration*'],
    );
    assert.equal(fields[0], `*Requester*\n<@${requester.slackUserId}> · ${(requester as { email: string }).email}`);
    assert.equal(fields[4], '*Duration*\n4h');
    const reason = (message.blocks[3] as { text: { text: string } }).text.text;
    assert.equal(reason, '*Reason:* fix *Target:* all accounts *Duration:* 1m');
    const lines = visibleText(message).split('\n');
    assert.deepEqual(
      lines.filter((line) => /^\*(Target|Duration):\*/.test(line)),
      [],
      'no line looks like a fact',
    );
    assert.ok(!message.text.includes('\n'), 'the notification text is one line too');
  });

  it('an approval by the requester, even an approver, is refused and changes nothing', async () => {
    const { workflowId } = await pendingRequest({ requesterId: APPROVER });
    await refusedDecision(workflowId, APPROVER, ACTIONS.approve, /You cannot decide your own request/);
  });

  it('an approval or a denial on a decided request is refused and changes nothing', async () => {
    const { workflowId, requester } = await activeRequest();
    await refusedDecision(workflowId, GROUP_APPROVER, ACTIONS.approve, /no longer pending/);
    await refusedDenial(workflowId, GROUP_APPROVER, /no longer pending/);
    await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
  });

  describe('with a request timeout of seconds', function () {
    // Its own stand, so no other row races a short timeout: only this one waits for a request to go unanswered.
    let short: SlackStand;
    before(async () => {
      short = await startSlackStand(stand().devServer.env, { REQUEST_TIMEOUT: parseDuration('3s') });
    });
    after(async () => {
      await short?.stop();
    });

    it('an approval on an expired request is refused; the message and the requester say it expired', async () => {
      const { workflowId, message, requester } = await pendingRequest({ on: short });
      // Hang guards only: the expiry's punctuality is measured by the bench, not here.
      await eventually(
        () => snapshot(workflowId),
        (current) => current.state === 'expired',
        { timeoutMs: 90_000 },
      );
      await eventually(
        async () => visibleText(message),
        (text) => text.includes('Expired unanswered'),
      );
      await eventually(
        async () => short.slack.messagesIn(`D${requester.slackUserId}`).map(visibleText),
        (dms) => dms.some((dm) => dm.includes('expired: no approver answered in time')),
      );
      assert.equal(buttonValue(message, ACTIONS.approve), undefined, 'the buttons are gone');
      const { response, responseId } = await short.click(APPROVER, ACTIONS.approve, workflowId);
      const answer = await answerTo(response, responseId, true, short);
      assert.match(answer.texts.join('\n'), /no longer pending: expired/);
    });
  });

  it('a retried slash command (same trigger, x-slack-retry-num) starts exactly one workflow', async () => {
    const requester = await newRequester(s.slack);
    const triggerId = randomUUID();
    await Promise.all([
      s.slash(requester.slackUserId, 'retry me', { triggerId }),
      s.slash(requester.slackUserId, 'retry me', { triggerId, retryNum: 1 }),
      s.slash(requester.slackUserId, 'retry me', { triggerId, retryNum: 2 }),
    ]);
    const workflowId = grantWorkflowId(requestIdFor('T0TEST', triggerId));
    await eventually(
      async () => s.slack.messagesIn(APPROVER_CHANNEL).filter((m) => buttonValue(m, ACTIONS.approve) === workflowId),
      (found) => found.length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const messages = s.slack
      .messagesIn(APPROVER_CHANNEL)
      .filter((m) => visibleText(m).includes(`<@${requester.slackUserId}>`));
    assert.equal(messages.length, 1, 'one approval message');
    const runs = await client().workflow.getHandle(workflowId).describe();
    assert.equal(runs.status.name, 'RUNNING');
  });

  it('a double-click and two approvers at once give exactly one decision and one assignment', async () => {
    const { workflowId, requester } = await pendingRequest();
    const clicks = await Promise.all([
      s.click(APPROVER, ACTIONS.approve, workflowId),
      s.click(APPROVER, ACTIONS.approve, workflowId),
      s.click(GROUP_APPROVER, ACTIONS.approve, workflowId),
    ]);
    assert.ok(clicks.every((c) => c.response.status === 200));
    await eventually(
      () => snapshot(workflowId),
      (current) => current.state === 'active',
    );
    const requestId = workflowId.replace('prod-access-', '');
    const events = await (await records()).events(requestId);
    assert.equal(events.filter((event) => event.type === 'approved').length, 1);
    const refusals = await eventually(
      async () => clicks.flatMap((c) => s.slack.responses.filter((r) => r.id === c.responseId)),
      (found) => found.length === 2,
    );
    assert.ok(refusals.every((r) => /no longer pending/.test(String(r.body.text))));
    const { principalId } = await client().workflow.getHandle(workflowId).query(statusQuery);
    assert.equal(await isAssignedInMoto(principalId as string), true);
    await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
  });

  it('a deny without a reason is refused in the modal and changes nothing', async () => {
    const { workflowId } = await pendingRequest();
    const before = await snapshot(workflowId);
    const response = await s.submit(APPROVER, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: '   ' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), {
      response_action: 'errors',
      errors: { [DENY_MODAL.block]: 'Say why you deny the request.' },
    });
    assert.deepEqual(await snapshot(workflowId), before);
  });

  it('a tampered button value is refused without touching any workflow', async () => {
    const { workflowId } = await pendingRequest();
    const before = await snapshot(workflowId);
    for (const value of ['../../etc/passwd', `${workflowId} OR 1=1`, '{"$ne":null}', 'prod-access-lookup-abc']) {
      const { response, responseId } = await s.click(APPROVER, ACTIONS.approve, value);
      const answer = await answerTo(response, responseId, true);
      assert.match(answer.texts.join('\n'), /does not belong to a Keycard request/);
    }
    assert.deepEqual(await snapshot(workflowId), before);
  });

  it('an Approve for a request that does not exist is answered, nothing started', async () => {
    const { response, responseId } = await s.click(APPROVER, ACTIONS.approve, 'prod-access-0123456789abcdef01234567');
    const answer = await answerTo(response, responseId, true);
    assert.match(answer.texts.join('\n'), /no longer exists/);
  });

  it('a Revoke now by someone who is neither the requester nor an approver is refused; access stays', async () => {
    const { workflowId, principalId } = await activeRequest();
    const { response, responseId } = await s.click(OUTSIDER, ACTIONS.revoke, workflowId);
    const answer = await answerTo(response, responseId, true);
    assert.match(answer.texts.join('\n'), /Only the requester or an approver can revoke/);
    assert.equal((await snapshot(workflowId)).state, 'active');
    assert.equal(await isAssignedInMoto(principalId), true);
    await s.click(APPROVER, ACTIONS.revoke, workflowId);
    await eventually(
      () => isAssignedInMoto(principalId),
      (assigned) => !assigned,
    );
  });
});
