/** The modals' submissions, with a fake ack and workflow calls: errors show under the input they are about. */
import assert from 'node:assert/strict';
import type { GrantWorkflows } from '../../../src/slack/grantWorkflows';
import type { ModalSubmission } from '../../../src/slack/listeners/types';
import { denyReasonSubmitted } from '../../../src/slack/listeners/views/denyReason';
import { extensionSubmitted } from '../../../src/slack/listeners/views/extension';
import { DENY_MODAL, EXTENSION_MODAL } from '../../../src/views';
import { APPROVER, fakeAck, fakeGrants, REQUESTER, Timeline, WORKFLOW_ID } from './fakes';

const HOUR = 3_600_000;

async function submit(
  listener: (grants: GrantWorkflows) => (args: ModalSubmission) => Promise<void>,
  values: Record<string, Record<string, { value?: string | null }>>,
  { user = APPROVER, metadata = WORKFLOW_ID, answers = {} as Partial<GrantWorkflows> } = {},
) {
  const timeline = new Timeline();
  await listener(fakeGrants(timeline, answers))({
    ack: fakeAck(timeline),
    body: { user: { id: user } },
    view: { private_metadata: metadata, state: { values } },
  });
  return timeline;
}

const deny = (grants: GrantWorkflows) => denyReasonSubmitted({ grants });
const reasonValues = (value: string | null | undefined) => ({ [DENY_MODAL.block]: { [DENY_MODAL.action]: { value } } });

describe('the deny modal, submitted', function () {
  it('denies as the submitter with the trimmed reason, then closes', async () => {
    const timeline = await submit(deny, reasonValues('  use staging  '));
    assert.deepEqual(timeline.of('grants.deny'), [[WORKFLOW_ID, { by: APPROVER, reason: 'use staging' }]]);
    assert.deepEqual(timeline.order(), ['grants.deny', 'ack']);
    assert.deepEqual(timeline.of('ack'), [[]]);
  });

  for (const [name, value] of [
    ['empty', ''],
    ['missing', undefined],
    ['null', null],
  ] as const) {
    it(`keeps the modal open with "Say why you deny the request." for a ${name} reason`, async () => {
      const timeline = await submit(deny, reasonValues(value));
      assert.deepEqual(timeline.order(), ['ack']);
      assert.deepEqual(timeline.of('ack'), [
        [{ response_action: 'errors', errors: { [DENY_MODAL.block]: 'Say why you deny the request.' } }],
      ]);
    });
  }

  it('refuses a reason over 500 characters under the input, denying nothing', async () => {
    const timeline = await submit(deny, reasonValues('x'.repeat(501)));
    assert.deepEqual(timeline.of('grants.deny'), []);
    assert.match(String((timeline.of('ack')[0][0] as { errors: Record<string, string> }).errors.reason), /500/);
  });

  it('shows the workflow’s refusal under the reason', async () => {
    const timeline = await submit(deny, reasonValues('no'), {
      answers: { deny: async () => 'This request is no longer pending: active (decided by U0OTHER).' },
    });
    assert.deepEqual(timeline.of('ack'), [
      [
        {
          response_action: 'errors',
          errors: { [DENY_MODAL.block]: 'This request is no longer pending: active (decided by U0OTHER).' },
        },
      ],
    ]);
  });

  it('passes forged metadata on as no workflow id', async () => {
    const timeline = await submit(deny, reasonValues('no'), { metadata: 'prod-access-<!channel>' });
    assert.deepEqual(timeline.of('grants.deny')[0][0], '');
  });
});

const extend = (grants: GrantWorkflows) =>
  extensionSubmitted({ settings: { MAX_TOTAL_GRANT_DURATION: 12 * HOUR }, grants });
const extensionValues = (duration: string | undefined, reason: string | undefined) => ({
  [EXTENSION_MODAL.durationBlock]: { [EXTENSION_MODAL.durationAction]: { value: duration } },
  [EXTENSION_MODAL.reasonBlock]: { [EXTENSION_MODAL.reasonAction]: { value: reason } },
});

describe('the extension modal, submitted', function () {
  it('asks for the extension as the submitter, written the way Keycard writes durations', async () => {
    const timeline = await submit(extend, extensionValues(' 90m ', 'migration still running'), { user: REQUESTER });
    assert.deepEqual(timeline.of('grants.extend'), [
      [WORKFLOW_ID, { by: REQUESTER, duration: '1h30m', reason: 'migration still running' }],
    ]);
    assert.deepEqual(timeline.of('ack'), [[]]);
  });

  const refusals: { name: string; duration?: string; reason?: string; block: string; says: RegExp }[] = [
    { name: 'no duration', duration: '', reason: 'x', block: EXTENSION_MODAL.durationBlock, says: /Write how long/ },
    { name: 'not a duration', duration: 'soon', reason: 'x', block: EXTENSION_MODAL.durationBlock, says: /"soon"/ },
    {
      name: 'more than the maximum in all',
      duration: '13h',
      reason: 'x',
      block: EXTENSION_MODAL.durationBlock,
      says: /12h/,
    },
    {
      name: 'no reason',
      duration: '1h',
      reason: ' ',
      block: EXTENSION_MODAL.reasonBlock,
      says: /^Say why the access must last longer\.$/,
    },
  ];
  for (const row of refusals) {
    it(`keeps the modal open for ${row.name}, under the ${row.block} input`, async () => {
      const timeline = await submit(extend, extensionValues(row.duration, row.reason));
      assert.deepEqual(timeline.of('grants.extend'), []);
      const [response] = timeline.of('ack')[0] as [{ response_action: string; errors: Record<string, string> }];
      assert.equal(response.response_action, 'errors');
      assert.deepEqual(Object.keys(response.errors), [row.block]);
      assert.match(response.errors[row.block], row.says);
    });
  }

  it('shows the workflow’s refusal under the reason', async () => {
    const timeline = await submit(extend, extensionValues('1h', 'more'), {
      answers: { extend: async () => 'An extension is already waiting for the approvers.' },
    });
    assert.deepEqual(timeline.of('ack'), [
      [
        {
          response_action: 'errors',
          errors: { [EXTENSION_MODAL.reasonBlock]: 'An extension is already waiting for the approvers.' },
        },
      ],
    ]);
  });
});
