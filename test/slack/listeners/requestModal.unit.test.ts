/**
 * The request modal's submission and the Cancel request button, with fakes: refusals under the input they are about,
 * nothing started for them; a valid submission closes the modal, starts the request and answers by DM.
 */
import assert from 'node:assert/strict';
import type { RespondArguments } from '@slack/bolt';
import type { ModalView } from '@slack/web-api';
import type { Catalog, CatalogTarget } from '../../../src/domain/catalog';
import type { AccessRequest } from '../../../src/domain/grant';
import type { GrantWorkflows } from '../../../src/slack/grantWorkflows';
import { GroupMembersCache } from '../../../src/slack/groupMembers';
import { cancelRequestButton } from '../../../src/slack/listeners/actions/cancelRequest';
import { targetChosen } from '../../../src/slack/listeners/actions/targetChosen';
import { requestSubmitted } from '../../../src/slack/listeners/views/requestModal';
import { requestStarter } from '../../../src/slack/startRequest';
import { REQUEST_MODAL } from '../../../src/views/requestModal';
import {
  APPROVER,
  APPROVER_CHANNEL,
  fakeAck,
  fakeClient,
  fakeGrants,
  fakeRespond,
  quietLogger,
  REQUESTER,
  Timeline,
  WORKFLOW_ID,
  workspace,
} from './fakes';

const HOUR = 3_600_000;
const REQUEST_ID = '0123456789abcdef01234567';
const ADMIN: CatalogTarget = {
  key: 'prod-admin',
  name: 'Production admin',
  accounts: [
    { id: '111122223333', name: 'payments-prod' },
    { id: '444455556666', name: 'checkout-prod' },
  ],
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
  duration: { defaultMs: HOUR, maxMs: 4 * HOUR, choicesMs: [HOUR, 4 * HOUR] },
  requesters: ['S0ENGINEERS'],
  approvers: ['S0SRE'],
  channel: 'C0PAYMENTS',
};
const CATALOG: Catalog = {
  targets: [ADMIN, { ...ADMIN, key: 'prod-read', name: 'Production read-only', requesters: undefined }],
};
const SETTINGS = {
  APPROVER_CHANNEL,
  APPROVERS: [APPROVER],
  REQUEST_TIMEOUT: HOUR,
  GRANT_TTL: 4 * HOUR,
  MAX_GRANT_DURATION: 8 * HOUR,
  MAX_TOTAL_GRANT_DURATION: 12 * HOUR,
  EXPIRY_WARNING: 15 * 60_000,
  TARGET_ACCOUNT_ID: '123456789012',
  PERMISSION_SET_ARN: 'arn:aws:sso:::permissionSet/ssoins-1/ps-x',
  catalog: CATALOG,
};

interface Chosen {
  target?: string;
  duration?: string;
  reason?: string;
}

async function submit(chosen: Chosen, { user = REQUESTER, metadata = REQUEST_ID, engineers = [REQUESTER] } = {}) {
  const timeline = new Timeline();
  const grants = fakeGrants(timeline);
  const start = requestStarter({ settings: SETTINGS, grants, workspace, now: () => new Date(0) });
  const listener = requestSubmitted({
    catalog: CATALOG,
    groups: new GroupMembersCache(quietLogger()),
    start,
    logger: quietLogger(),
  });
  const select = (value?: string) => ({ selected_option: value ? { value } : null });
  await listener({
    ack: fakeAck(timeline),
    body: { user: { id: user } },
    view: {
      private_metadata: metadata,
      state: {
        values: {
          [REQUEST_MODAL.targetBlock]: { [REQUEST_MODAL.targetAction]: select(chosen.target) },
          [REQUEST_MODAL.durationBlock]: { [REQUEST_MODAL.durationAction]: select(chosen.duration) },
          [REQUEST_MODAL.reasonBlock]: { [REQUEST_MODAL.reasonAction]: { value: chosen.reason } },
        },
      },
    },
    client: fakeClient(timeline, { S0ENGINEERS: engineers }),
  });
  return timeline;
}

function errorsOf(timeline: Timeline): Record<string, string> | undefined {
  return (timeline.of('ack')[0][0] as { errors?: Record<string, string> } | undefined)?.errors;
}

describe('the request modal, submitted', function () {
  it('closes, then starts the chosen target for the chosen duration and answers by DM with Cancel request', async () => {
    const timeline = await submit({ target: 'prod-admin', duration: '4h', reason: ' fix the queue ' });
    assert.deepEqual(timeline.of('ack'), [[]]);
    assert.ok(
      timeline.order().indexOf('ack') < timeline.order().indexOf('grants.start'),
      'closed before the slow part',
    );
    const request = timeline.of('grants.start')[0][0] as AccessRequest;
    assert.equal(request.requestId, REQUEST_ID);
    assert.equal(request.duration, '4h');
    assert.equal(request.reason, 'fix the queue');
    assert.equal(request.catalogTarget?.key, 'prod-admin');
    assert.equal(request.catalogTarget?.requesterRule, 'S0ENGINEERS');
    assert.deepEqual(request.slack?.approvers, ['S0SRE']);
    const dm = timeline.of('chat.postMessage')[0][0] as { channel: string; text: string; blocks: unknown };
    assert.equal(dm.channel, `D${REQUESTER}`);
    assert.equal(
      dm.text,
      'Your request for 4h of Production admin is waiting for an approver in <#C0PAYMENTS>. You will get a DM when it is decided.',
    );
    assert.match(JSON.stringify(dm.blocks), /keycard_cancel_request/);
  });

  it('takes the target’s default when no duration is chosen', async () => {
    const timeline = await submit({ target: 'prod-read', reason: 'look' });
    assert.equal((timeline.of('grants.start')[0][0] as AccessRequest).duration, '1h');
  });

  const refusals: [string, Chosen, { engineers?: string[]; metadata?: string }, string, RegExp][] = [
    ['no target chosen', { reason: 'x' }, {}, REQUEST_MODAL.targetBlock, /^Choose what you need access to\.$/],
    [
      'a target the person left the group of while the modal was open',
      { target: 'prod-admin', reason: 'x' },
      { engineers: [] },
      REQUEST_MODAL.targetBlock,
      /^You cannot request Production admin \(prod-admin\)\. You can request: Production read-only \(prod-read\)\.$/,
    ],
    ['a target that is no more', { target: 'gone', reason: 'x' }, {}, REQUEST_MODAL.targetBlock, /no target "gone"/],
    [
      'a duration above the target’s max',
      { target: 'prod-admin', duration: '8h', reason: 'x' },
      {},
      REQUEST_MODAL.durationBlock,
      /at most 4h/,
    ],
    [
      'no reason',
      { target: 'prod-admin', reason: '  ' },
      {},
      REQUEST_MODAL.reasonBlock,
      /^Say why you need this access/,
    ],
    [
      'metadata that is no request id',
      { target: 'prod-admin', reason: 'x' },
      { metadata: 'prod-access-x' },
      REQUEST_MODAL.targetBlock,
      /does not belong to a Keycard request/,
    ],
  ];
  for (const [name, chosen, options, block, message] of refusals) {
    it(`keeps the modal open on ${name}, starting nothing`, async () => {
      const timeline = await submit(chosen, options);
      const errors = errorsOf(timeline);
      assert.deepEqual(Object.keys(errors ?? {}), [block]);
      assert.match(String(errors?.[block]), message);
      assert.deepEqual(timeline.of('grants.start'), []);
    });
  }
});

describe('Cancel request', function () {
  async function click(user: string, answers: Partial<GrantWorkflows> = {}) {
    const timeline = new Timeline();
    await cancelRequestButton({ grants: fakeGrants(timeline, answers) })({
      ack: fakeAck(timeline),
      body: { user: { id: user }, trigger_id: 't', response_url: 'https://hooks.example/1' },
      action: { value: WORKFLOW_ID },
      respond: fakeRespond(timeline),
      client: fakeClient(timeline),
    });
    return timeline;
  }

  it('withdraws as the clicker and replaces the confirmation', async () => {
    const timeline = await click(REQUESTER);
    assert.deepEqual(timeline.order(), ['ack', 'grants.withdraw', 'respond']);
    assert.deepEqual(timeline.of('grants.withdraw'), [[WORKFLOW_ID, REQUESTER]]);
    assert.equal((timeline.of('respond')[0][0] as RespondArguments).replace_original, true);
  });

  it('shows the refusal to the clicker only, leaving the confirmation', async () => {
    const timeline = await click(APPROVER, {
      withdraw: async () => 'Only the person who asked can cancel this request.',
    });
    const answer = timeline.of('respond')[0][0] as RespondArguments;
    assert.equal(answer.replace_original, false);
    assert.equal(answer.response_type, 'ephemeral');
    assert.match(String(answer.text), /Only the person who asked/);
  });
});

describe('a target chosen in the open request modal', function () {
  async function choose(key: string, { user = REQUESTER, duration = undefined as string | undefined } = {}) {
    const timeline = new Timeline();
    await targetChosen({ catalog: CATALOG, groups: new GroupMembersCache(quietLogger()) })({
      ack: fakeAck(timeline),
      body: {
        user: { id: user },
        view: {
          id: 'V0REQUEST',
          hash: 'h1',
          private_metadata: REQUEST_ID,
          state: {
            values: {
              [REQUEST_MODAL.durationBlock]: {
                [REQUEST_MODAL.durationAction]: { selected_option: duration ? { value: duration } : null },
              },
              [REQUEST_MODAL.reasonBlock]: { [REQUEST_MODAL.reasonAction]: { value: 'typed so far' } },
            },
          },
        },
      },
      action: { selected_option: { value: key } },
      client: fakeClient(timeline, { S0ENGINEERS: [REQUESTER] }),
    });
    return timeline;
  }

  it('redraws the modal with that target chosen, its durations, the reason kept', async () => {
    const timeline = await choose('prod-admin', { duration: '4h' });
    assert.equal(timeline.order()[0], 'ack');
    const [[update]] = timeline.of('views.update') as [[{ view_id: string; hash: string; view: ModalView }]];
    assert.equal(update.view_id, 'V0REQUEST');
    assert.equal(update.hash, 'h1', 'a modal changed since is not overwritten');
    assert.equal(update.view.private_metadata, REQUEST_ID);
    const json = JSON.stringify(update.view);
    assert.match(
      json,
      /"initial_option":\{"text":\{"type":"plain_text","text":"Production admin"\},"value":"prod-admin"\}/,
    );
    assert.match(json, /"initial_option":\{"text":\{"type":"plain_text","text":"4h"\},"value":"4h"\}/);
    assert.match(json, /"initial_value":"typed so far"/);
  });

  it('draws nothing for a target the person may not request', async () => {
    const timeline = await choose('prod-admin', { user: APPROVER });
    assert.deepEqual(timeline.of('views.update'), []);
  });
});
