/** `/prod-access` and its subcommands, with a fake ack, respond, client and workflow calls: what the person sees. */
import assert from 'node:assert/strict';
import type { RespondArguments } from '@slack/bolt';
import type { AccessRequest } from '../../../src/domain/grant';
import type { GrantWorkflows } from '../../../src/slack/grantWorkflows';
import { prodAccessCommand } from '../../../src/slack/listeners/commands';
import type { RequestSettings } from '../../../src/slack/listeners/commands/request';
import { requestIdFor } from '../../../src/slack/requestId';
import { GroupMembersCache } from '../../../src/slack/groupMembers';
import { CANCEL_REQUEST_ACTION, REQUEST_MODAL } from '../../../src/views/requestModal';
import type { ModalView } from '@slack/web-api';
import type { Catalog, CatalogTarget } from '../../../src/domain/catalog';
import {
  APPROVER,
  APPROVER_CHANNEL,
  fakeAck,
  fakeClient,
  fakeGrants,
  fakeRespond,
  GROUP,
  GROUP_MEMBER,
  quietLogger,
  REQUESTER,
  TEAM,
  Timeline,
  WORKFLOW_ID,
  workspace,
} from './fakes';

const HOUR = 3_600_000;
const SETTINGS: RequestSettings = {
  APPROVER_CHANNEL,
  APPROVERS: [APPROVER, GROUP],
  REQUEST_TIMEOUT: HOUR,
  GRANT_TTL: 4 * HOUR,
  MAX_GRANT_DURATION: 8 * HOUR,
  MAX_TOTAL_GRANT_DURATION: 12 * HOUR,
  EXPIRY_WARNING: 15 * 60_000,
  TARGET_ACCOUNT_ID: '123456789012',
  PERMISSION_SET_ARN: 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
  REQUEST_RATE_LIMIT: 5,
};
const NOW = new Date('2026-01-05T10:00:00.000Z');

async function slash(
  text: string,
  {
    user = REQUESTER,
    answers = {} as Partial<GrantWorkflows>,
    settings = SETTINGS,
    groups = undefined as Record<string, string[]> | undefined,
  } = {},
) {
  const timeline = new Timeline();
  const grants = fakeGrants(timeline, answers);
  const listener = prodAccessCommand({
    settings,
    grants,
    logger: quietLogger(),
    workspace,
    groups: new GroupMembersCache(quietLogger()),
    now: () => NOW,
  });
  await listener({
    command: { text, user_id: user, team_id: TEAM, trigger_id: 'trigger-1' },
    ack: fakeAck(timeline),
    respond: fakeRespond(timeline),
    client: fakeClient(timeline, groups),
  });
  const seen = timeline.entries
    .filter((entry) => entry.what === 'ack' || entry.what === 'respond')
    .map((entry) => (entry.args[0] as RespondArguments | undefined)?.text);
  return { timeline, seen, responses: timeline.of('respond').map((args) => args[0] as RespondArguments) };
}

describe('/prod-access <reason>', function () {
  it('with no reason, acks at once and opens the request modal, asking nothing of Temporal', async () => {
    const { timeline } = await slash('   ');
    assert.deepEqual(timeline.order(), ['ack', 'views.open']);
    const { trigger_id, view } = timeline.of('views.open')[0][0] as { trigger_id: string; view: ModalView };
    assert.equal(trigger_id, 'trigger-1');
    assert.equal(view.callback_id, REQUEST_MODAL.callbackId);
    assert.equal(view.private_metadata, requestIdFor(TEAM, 'trigger-1'));
  });

  it('refuses a duration over the maximum in the ack', async () => {
    const { timeline, seen } = await slash('9h fix prod');
    assert.deepEqual(timeline.order(), ['ack']);
    assert.match(String(seen[0]), /8h/);
  });

  it('acks at once, then starts the grant and says where the approvers decide', async () => {
    const { timeline, seen } = await slash('2h fix the checkout 500s');
    const request = timeline.of('grants.start')[0][0] as AccessRequest;
    assert.equal(timeline.order()[0], 'ack');
    assert.deepEqual(seen, [
      'Checking your Identity Center account…',
      `Your request for 2h of production access is waiting for an approver in <#${APPROVER_CHANNEL}>. You will get a DM when it is decided.`,
    ]);
    const confirmation = timeline.of('respond')[0][0] as { blocks?: unknown };
    assert.match(
      JSON.stringify(confirmation.blocks),
      new RegExp(`"${CANCEL_REQUEST_ACTION}".*"value":"prod-access-${request.requestId}"`),
      'the Cancel request button carries the workflow id',
    );
    assert.equal(request.requestId, requestIdFor(TEAM, 'trigger-1'));
    assert.deepEqual(request.requester, {
      slackUserId: REQUESTER,
      email: 'alice@example.com',
      identityCenterUser: { userName: 'alice', displayName: 'Alice Example' },
    });
    assert.equal(request.reason, 'fix the checkout 500s');
    assert.equal(request.duration, '2h');
    assert.equal(request.principalId, 'principal-alice');
    assert.deepEqual(request.target, {
      accountId: SETTINGS.TARGET_ACCOUNT_ID,
      permissionSetArn: SETTINGS.PERMISSION_SET_ARN,
    });
    assert.deepEqual(request.slack, {
      approverChannel: APPROVER_CHANNEL,
      approvers: [APPROVER, GROUP],
      requestTimeout: '1h',
    });
    assert.deepEqual(request.limits, { maxTotalDuration: '12h', expiryWarning: '15m' });
    assert.equal(request.requestedAt, NOW.toISOString());
    assert.deepEqual(request.catalogTarget, {
      key: 'default',
      name: 'Production access',
      permissionSetArn: SETTINGS.PERMISSION_SET_ARN,
      accounts: [{ id: SETTINGS.TARGET_ACCOUNT_ID, name: SETTINGS.TARGET_ACCOUNT_ID }],
      requesterRule: 'everyone',
    });
    assert.deepEqual(timeline.of('grants.existingLease')[0], [
      'alice@example.com',
      ['default', `${SETTINGS.TARGET_ACCOUNT_ID}/${SETTINGS.PERMISSION_SET_ARN}`],
    ]);
    assert.deepEqual(timeline.of('grants.identityCenterUserFor')[0], ['alice@example.com', request.requestId]);
  });

  it('asks for the default duration when none is written', async () => {
    const { timeline } = await slash('fix prod');
    assert.equal((timeline.of('grants.start')[0][0] as AccessRequest).duration, '4h');
  });

  it('says nothing more for a retried delivery that was already asked', async () => {
    const { seen } = await slash('fix prod', { answers: { start: async () => 'already_started' } });
    assert.deepEqual(seen, ['Checking your Identity Center account…']);
  });

  it('asks nothing new when a request for this access already waits', async () => {
    const { timeline, seen } = await slash('fix prod', {
      answers: { existingLease: async () => ({ workflowId: WORKFLOW_ID, state: 'pending' }) },
    });
    assert.equal(
      seen[1],
      `You already have a request for production access waiting for an approver in <#${APPROVER_CHANNEL}>. Nothing new was requested.`,
    );
    assert.deepEqual(timeline.of('grants.start'), []);
    assert.deepEqual(timeline.of('grants.extend'), []);
  });

  it('turns a request for access already held into an extension request of the live grant', async () => {
    const { timeline, seen } = await slash('2h still debugging', {
      answers: { existingLease: async () => ({ workflowId: WORKFLOW_ID, state: 'active' }) },
    });
    assert.deepEqual(timeline.of('grants.extend'), [
      [WORKFLOW_ID, { by: REQUESTER, duration: '2h', reason: 'still debugging' }],
    ]);
    assert.equal(
      seen[1],
      `You already have production access; your request went to the approvers in <#${APPROVER_CHANNEL}> as an extension of 2h.`,
    );
    assert.deepEqual(timeline.of('grants.start'), []);
  });

  it('passes on why the live grant could not be extended', async () => {
    const { seen } = await slash('2h still debugging', {
      answers: {
        existingLease: async () => ({ workflowId: WORKFLOW_ID, state: 'active' }),
        extend: async () => 'An extension is already waiting for the approvers.',
      },
    });
    assert.equal(
      seen[1],
      'You already have production access. Keycard could not ask for more: An extension is already waiting for the approvers.',
    );
  });

  it('tells a person Identity Center does not know what to ask for, and starts nothing', async () => {
    const { timeline, seen } = await slash('fix prod', { answers: { identityCenterUserFor: async () => undefined } });
    assert.equal(
      seen[1],
      'Your Slack email alice@example.com matches no user in AWS IAM Identity Center, so Keycard cannot grant you access. Ask an Identity Center admin to add that email to your user. Nothing was requested.',
    );
    assert.deepEqual(timeline.of('grants.start'), []);
  });

  const people: { name: string; user: string; says: string }[] = [
    {
      name: 'a bot',
      user: 'U0BOT',
      says: 'Keycard acts for active people only: bots, apps and workflows cannot ask for access. Nothing was requested.',
    },
    {
      name: 'a guest',
      user: 'U0GUEST',
      says: 'Guests of this workspace cannot ask for production access. Nothing was requested.',
    },
    {
      name: 'a user of another team',
      user: 'U0FOREIGN',
      says: 'Keycard serves the members of its own workspace only, and your account belongs to another team. Nothing was requested.',
    },
    {
      name: 'a user whose email Slack has not confirmed',
      user: 'U0UNCONFIRMED',
      says: 'Your Slack email is not confirmed, so Keycard cannot tie it to an Identity Center user. Confirm it in Slack, then ask again. Nothing was requested.',
    },
    {
      name: 'a user without a readable email',
      user: 'U0NOEMAIL',
      says: 'Keycard cannot read your email from Slack (the app needs users:read.email). Nothing was requested.',
    },
    {
      name: 'a user Slack does not know',
      user: 'U0GHOST',
      says: 'Slack does not know your user. Nothing was requested.',
    },
  ];
  for (const person of people) {
    it(`refuses ${person.name}: "${person.says}"`, async () => {
      const { timeline, seen } = await slash('fix prod', { user: person.user });
      assert.deepEqual(seen, ['Checking your Identity Center account…', person.says]);
      assert.deepEqual(timeline.of('grants.existingLease'), []);
    });
  }

  it('refuses the 6th request of one person within a minute in the ack, asking nothing of Slack or Temporal', async () => {
    const timeline = new Timeline();
    let now = NOW.getTime();
    const listener = prodAccessCommand({
      settings: SETTINGS,
      grants: fakeGrants(timeline),
      logger: quietLogger(),
      workspace,
      groups: new GroupMembersCache(quietLogger()),
      now: () => new Date(now),
    });
    const ask = (user: string) =>
      listener({
        command: { text: 'fix prod', user_id: user, team_id: TEAM, trigger_id: `trigger-${now}` },
        ack: fakeAck(timeline),
        respond: fakeRespond(timeline),
        client: fakeClient(timeline),
      });
    for (let request = 0; request < 5; request += 1) {
      await ask(REQUESTER);
      now += 1_000;
    }
    assert.equal(timeline.of('grants.start').length, 5);
    const before = timeline.entries.length;
    await ask(REQUESTER);
    assert.deepEqual(
      timeline.entries.slice(before).map((entry) => entry.what),
      ['ack'],
      'nothing but the ack: no users.info, no workflow',
    );
    assert.match(String((timeline.entries.at(-1)?.args[0] as RespondArguments).text), /5 requests in the last minute/);
    await ask(APPROVER);
    assert.equal(timeline.of('grants.start').length, 6, 'another person is not limited');
    now += 60_000;
    await ask(REQUESTER);
    assert.equal(timeline.of('grants.start').length, 7, 'a minute later the person may ask again');
  });

  it('reads "who cares" as a reason, not as the who subcommand', async () => {
    const { timeline } = await slash('who cares');
    assert.equal((timeline.of('grants.start')[0][0] as AccessRequest).reason, 'who cares');
  });
});

describe('/prod-access who', function () {
  it('refuses a person who is not an approver, pointing at history', async () => {
    const { timeline, responses } = await slash('who');
    assert.deepEqual(timeline.order()[0], 'ack');
    assert.deepEqual(timeline.of('ack'), [[]]);
    assert.deepEqual(responses, [
      {
        response_type: 'ephemeral',
        text: 'Only Keycard approvers can see who holds production access. `/prod-access history` shows your own grants.',
      },
    ]);
    assert.deepEqual(timeline.of('grants.listings'), []);
  });

  it('lists the live grants for an approver in a user group, whatever the case of the word', async () => {
    const { timeline, responses } = await slash(' WHO ', {
      user: GROUP_MEMBER,
      answers: {
        listings: async () => [
          { workflowId: WORKFLOW_ID, state: 'active', running: true, requesterSlackId: REQUESTER, reason: 'fix' },
        ],
      },
    });
    assert.deepEqual(timeline.of('grants.listings'), [[{ state: 'active' }, 100]]);
    assert.equal(responses[0].text, '1 live production access grant');
    assert.equal(responses[0].response_type, 'ephemeral');
    assert.equal((responses[0] as { blocks?: unknown[] }).blocks?.length, 2);
  });

  it('refuses a guest, though in an approvers’ group, and lists nothing', async () => {
    const { timeline, responses } = await slash('who', { user: 'U0GUEST' });
    assert.deepEqual(responses, [
      { response_type: 'ephemeral', text: 'Guests of this workspace cannot decide on production access.' },
    ]);
    assert.deepEqual(timeline.of('grants.listings'), []);
  });

  it('says the grants cannot be read when Temporal fails', async () => {
    const { responses } = await slash('who', {
      user: APPROVER,
      answers: {
        listings: async () => {
          throw new Error('visibility unavailable');
        },
      },
    });
    assert.deepEqual(responses, [
      { response_type: 'ephemeral', text: 'Keycard could not read the live grants just now. Try again in a minute.' },
    ]);
  });
});

describe('/prod-access history', function () {
  it('lists the person’s own last ten requests', async () => {
    const { timeline, responses } = await slash('history');
    assert.deepEqual(timeline.of('ack'), [[]]);
    assert.deepEqual(timeline.of('grants.listings'), [[{ requester: 'alice@example.com' }, 10]]);
    assert.deepEqual(responses, [
      {
        response_type: 'ephemeral',
        text: 'You have not asked for production access through Keycard yet.',
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: 'You have not asked for production access through Keycard yet.',
              verbatim: true,
            },
          },
        ],
      },
    ]);
  });

  it('says why it cannot look, without "Nothing was requested"', async () => {
    const { responses } = await slash('history', { user: 'U0NOEMAIL' });
    assert.deepEqual(responses, [
      {
        response_type: 'ephemeral',
        text: 'Keycard cannot read your email from Slack (the app needs users:read.email).',
      },
    ]);
  });

  it('refuses a guest, though in an approvers’ group, and lists nothing', async () => {
    const { timeline, responses } = await slash('who', { user: 'U0GUEST' });
    assert.deepEqual(responses, [
      { response_type: 'ephemeral', text: 'Guests of this workspace cannot decide on production access.' },
    ]);
    assert.deepEqual(timeline.of('grants.listings'), []);
  });

  it('says the grants cannot be read when Temporal fails', async () => {
    const { responses } = await slash('history', {
      answers: {
        listings: async () => {
          throw new Error('visibility unavailable');
        },
      },
    });
    assert.equal(responses[0].text, 'Keycard could not read your grants just now. Try again in a minute.');
  });
});

/** Two targets: admin for the engineers' group, read-only for everyone, each with its approvers and channel. */
const ENGINEERS = 'S0ENGINEERS';
function catalogTarget(key: string, name: string, overrides: Partial<CatalogTarget> = {}): CatalogTarget {
  return {
    key,
    name,
    accounts: [
      { id: '111122223333', name: 'payments-prod' },
      { id: '444455556666', name: 'checkout-prod' },
    ],
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${key}`,
    duration: { defaultMs: HOUR, maxMs: 8 * HOUR, choicesMs: [HOUR, 2 * HOUR] },
    approvers: ['U0SRE'],
    ...overrides,
  };
}
const ADMIN = catalogTarget('prod-admin', 'Production admin', {
  requesters: [ENGINEERS],
  approvers: ['S0SRE', 'U0BOB'],
  channel: 'C0PAYMENTS',
});
const READ = catalogTarget('prod-read', 'Production read-only', {
  accounts: [{ id: '111122223333', name: 'payments-prod' }],
});
const CATALOG: Catalog = { targets: [ADMIN, READ] };
const WITH_CATALOG: RequestSettings = { ...SETTINGS, catalog: CATALOG };
const ENGINEER_GROUPS = { [ENGINEERS]: [REQUESTER] };

describe('/prod-access with a catalog', function () {
  it('without a target word, opens the modal with only the targets the person may request', async () => {
    const { timeline } = await slash('fix the queue', {
      settings: WITH_CATALOG,
      user: APPROVER,
      groups: ENGINEER_GROUPS,
    });
    assert.deepEqual(timeline.order(), ['ack', 'usergroups.users.list', 'views.open']);
    const { view } = timeline.of('views.open')[0][0] as { view: ModalView };
    assert.match(JSON.stringify(view), /"prod-read"/);
    assert.doesNotMatch(JSON.stringify(view), /"prod-admin"/, 'the approver is no engineer');
    assert.match(JSON.stringify(view), /"initial_value":"fix the queue"/);
  });

  it('tells the person how to ask in one line when Slack will not open the modal in time', async () => {
    const timeline = new Timeline();
    const client = fakeClient(timeline);
    client.views.open = async () => {
      throw Object.assign(new Error('An API error occurred: expired_trigger_id'), {
        data: { error: 'expired_trigger_id' },
      });
    };
    await prodAccessCommand({
      settings: WITH_CATALOG,
      grants: fakeGrants(timeline),
      logger: quietLogger(),
      workspace,
      groups: new GroupMembersCache(quietLogger()),
    })({
      command: { text: 'fix', user_id: REQUESTER, team_id: TEAM, trigger_id: 'trigger-1' },
      ack: fakeAck(timeline),
      respond: fakeRespond(timeline),
      client,
    });
    const [[answer]] = timeline.of('respond') as [[RespondArguments]];
    assert.match(String(answer.text), /^Keycard could not open the request form in time\. .*Nothing was requested\.$/);
    assert.deepEqual(timeline.of('grants.start'), []);
  });

  it('routes a named target to its approvers and channel, with every account and the rule that let the person ask', async () => {
    const { timeline, seen } = await slash('prod-admin 2h fix the queue', {
      settings: WITH_CATALOG,
      groups: ENGINEER_GROUPS,
    });
    const request = timeline.of('grants.start')[0][0] as AccessRequest;
    assert.deepEqual(request.slack, {
      approverChannel: 'C0PAYMENTS',
      approvers: ['S0SRE', 'U0BOB'],
      requestTimeout: '1h',
    });
    assert.equal(request.duration, '2h');
    assert.deepEqual(request.target, { accountId: '111122223333', permissionSetArn: ADMIN.permissionSetArn });
    assert.deepEqual(request.catalogTarget, {
      key: 'prod-admin',
      name: 'Production admin',
      permissionSetArn: ADMIN.permissionSetArn,
      accounts: ADMIN.accounts,
      requesterRule: ENGINEERS,
    });
    assert.deepEqual(timeline.of('grants.existingLease')[0][1], [
      'prod-admin',
      `111122223333/${ADMIN.permissionSetArn}`,
      `444455556666/${ADMIN.permissionSetArn}`,
    ]);
    assert.equal(
      seen[1],
      'Your request for 2h of Production admin is waiting for an approver in <#C0PAYMENTS>. You will get a DM when it is decided.',
    );
  });

  it('a target without a channel is decided in APPROVER_CHANNEL, for its default duration', async () => {
    const { timeline } = await slash('prod-read look at logs', { settings: WITH_CATALOG });
    const request = timeline.of('grants.start')[0][0] as AccessRequest;
    assert.equal(request.slack?.approverChannel, APPROVER_CHANNEL);
    assert.equal(request.duration, '1h');
    assert.equal(request.catalogTarget?.requesterRule, 'everyone');
  });

  it('refuses a person outside the target’s requesters with what they may ask for, and starts nothing', async () => {
    const { timeline, seen } = await slash('prod-admin fix the queue', { settings: WITH_CATALOG, user: APPROVER });
    assert.equal(
      seen[1],
      'You cannot request Production admin (prod-admin). You can request: Production read-only (prod-read). Nothing was requested.',
    );
    assert.deepEqual(timeline.of('grants.start'), []);
    assert.deepEqual(timeline.of('users.info'), [], 'refused before anything about the person is read');
  });

  it('refuses a target word that is no target, with the known ones', async () => {
    const { timeline, seen } = await slash('prod-amdin 2h fix', { settings: WITH_CATALOG });
    assert.match(String(seen[0]), /^There is no target "prod-amdin"\. Known targets: prod-admin, prod-read\./);
    assert.deepEqual(timeline.order(), ['ack']);
  });

  it('refuses a duration above the target’s max', async () => {
    const { seen } = await slash('prod-read 9h fix', { settings: WITH_CATALOG });
    assert.equal(seen[0], 'Production read-only is granted for at most 8h; ask for 8h or less.');
  });
});

describe('/prod-access who with a catalog', function () {
  it('lets a target’s approver see the live grants', async () => {
    const { timeline } = await slash('who', { settings: { ...WITH_CATALOG, APPROVERS: undefined }, user: APPROVER });
    assert.equal(timeline.of('grants.listings').length, 0, 'U0APPROVER decides no target here');
    const { timeline: bob } = await slash('who', {
      settings: { ...WITH_CATALOG, APPROVERS: undefined, catalog: { targets: [{ ...ADMIN, approvers: [APPROVER] }] } },
      user: APPROVER,
    });
    assert.equal(bob.of('grants.listings').length, 1);
  });
});

describe('/prod-access help', function () {
  it('lists only the targets the person may request', async () => {
    const { responses } = await slash('help', { settings: WITH_CATALOG, user: APPROVER, groups: ENGINEER_GROUPS });
    assert.match(String(responses[0].text), /Production read-only\* \(`prod-read`\)/);
    assert.doesNotMatch(String(responses[0].text), /prod-admin/);
  });
});

describe('/prod-access cancel', function () {
  it('withdraws each of the person’s pending requests', async () => {
    const { timeline, responses } = await slash('cancel', {
      answers: { pendingOf: async () => [WORKFLOW_ID, `${WORKFLOW_ID}0`] },
    });
    assert.deepEqual(timeline.of('grants.pendingOf'), [['alice@example.com']]);
    assert.deepEqual(timeline.of('grants.withdraw'), [
      [WORKFLOW_ID, REQUESTER],
      [`${WORKFLOW_ID}0`, REQUESTER],
    ]);
    assert.equal(responses[0].text, 'Cancelled 2 of your requests waiting for an approver; nothing was granted.');
  });

  it('says when there is nothing to cancel', async () => {
    const { timeline, responses } = await slash('cancel');
    assert.equal(responses[0].text, 'You have no request waiting for an approver; nothing was cancelled.');
    assert.deepEqual(timeline.of('grants.withdraw'), []);
  });
});
