/** The buttons, with a fake ack, respond, client and workflow calls: each acks first, then does one thing. */
import assert from 'node:assert/strict';
import type { GrantWorkflows } from '../../../src/slack/grantWorkflows';
import { approveButton } from '../../../src/slack/listeners/actions/approve';
import { denyButton } from '../../../src/slack/listeners/actions/deny';
import { requestExtensionButton } from '../../../src/slack/listeners/actions/requestExtension';
import { revokeButton } from '../../../src/slack/listeners/actions/revoke';
import type { ButtonClick } from '../../../src/slack/listeners/types';
import { denyModal, extensionModal } from '../../../src/views';
import { APPROVER, fakeAck, fakeClient, fakeGrants, fakeRespond, REQUESTER, Timeline, WORKFLOW_ID } from './fakes';

type Listener = (args: ButtonClick) => Promise<void>;

interface Click {
  value?: string;
  user?: string;
  /** Buttons in messages come with one; the App Home's come without. */
  responseUrl?: string;
  answers?: Partial<GrantWorkflows>;
}

async function click(listener: (grants: GrantWorkflows) => Listener, options: Click = {}) {
  const { user = APPROVER, answers = {} } = options;
  // An explicit `value: undefined` or `responseUrl: undefined` means none, not the default.
  const value = Object.hasOwn(options, 'value') ? options.value : WORKFLOW_ID;
  const responseUrl = Object.hasOwn(options, 'responseUrl') ? options.responseUrl : 'https://hooks.example/1';
  const timeline = new Timeline();
  await listener(fakeGrants(timeline, answers))({
    ack: fakeAck(timeline),
    body: { user: { id: user }, trigger_id: 'trigger-1', ...(responseUrl ? { response_url: responseUrl } : {}) },
    action: { value },
    respond: fakeRespond(timeline),
    client: fakeClient(timeline),
  });
  return timeline;
}

const approve = (grants: GrantWorkflows) => approveButton({ grants });
const revoke = (grants: GrantWorkflows) => revokeButton({ grants });

describe('the Approve button', function () {
  it('acks, then approves as the clicker, and says nothing more when the workflow takes it', async () => {
    const timeline = await click(approve);
    assert.deepEqual(timeline.order(), ['ack', 'grants.approve']);
    assert.deepEqual(timeline.of('grants.approve'), [[WORKFLOW_ID, { by: APPROVER }]]);
  });

  it('shows the workflow’s refusal to the clicker only, leaving the message as it is', async () => {
    const timeline = await click(approve, {
      user: REQUESTER,
      answers: { approve: async () => 'You cannot approve your own request.' },
    });
    assert.deepEqual(timeline.of('respond'), [
      [{ response_type: 'ephemeral', replace_original: false, text: 'You cannot approve your own request.' }],
    ]);
  });

  it('passes a value that is not a grant workflow id on as none, for the refusal to say so', async () => {
    for (const value of ['prod-access-../../etc', 'reconcile', undefined, `${WORKFLOW_ID} `]) {
      const timeline = await click(approve, { value });
      assert.deepEqual(timeline.of('grants.approve'), [['', { by: APPROVER }]], String(value));
    }
  });
});

describe('the Deny button', function () {
  it('acks, then opens the modal that asks why, for this grant', async () => {
    const timeline = await click(() => denyButton());
    assert.deepEqual(timeline.order(), ['ack', 'views.open']);
    assert.deepEqual(timeline.of('views.open'), [[{ trigger_id: 'trigger-1', view: denyModal(WORKFLOW_ID) }]]);
  });

  it('opens a modal that carries no workflow id for a forged value', async () => {
    const timeline = await click(() => denyButton(), { value: '<!channel>' });
    assert.equal((timeline.of('views.open')[0][0] as { view: { private_metadata: string } }).view.private_metadata, '');
  });
});

describe('the Request extension button', function () {
  it('acks, then opens the modal that asks how much longer and why', async () => {
    const timeline = await click(() => requestExtensionButton(), { user: REQUESTER });
    assert.deepEqual(timeline.order(), ['ack', 'views.open']);
    assert.deepEqual(timeline.of('views.open'), [[{ trigger_id: 'trigger-1', view: extensionModal(WORKFLOW_ID) }]]);
  });
});

describe('the Revoke now button', function () {
  it('acks, then revokes as the clicker, and says nothing more when it is taken', async () => {
    const timeline = await click(revoke, { user: REQUESTER });
    assert.deepEqual(timeline.order(), ['ack', 'grants.revoke']);
    assert.deepEqual(timeline.of('grants.revoke'), [[WORKFLOW_ID, REQUESTER]]);
  });

  it('answers a refusal in place under a message', async () => {
    const timeline = await click(revoke, {
      user: 'U0OUTSIDER',
      answers: { revoke: async () => 'Only the requester or an approver can revoke this access.' },
    });
    assert.deepEqual(timeline.of('respond'), [
      [
        {
          response_type: 'ephemeral',
          replace_original: false,
          text: 'Only the requester or an approver can revoke this access.',
        },
      ],
    ]);
    assert.deepEqual(timeline.of('chat.postMessage'), []);
  });

  it('answers a refusal from the App Home (no response_url) by direct message', async () => {
    const timeline = await click(revoke, {
      user: REQUESTER,
      responseUrl: undefined,
      answers: { revoke: async () => 'This grant no longer exists.' },
    });
    assert.deepEqual(timeline.of('respond'), []);
    assert.deepEqual(timeline.of('conversations.open'), [[{ users: REQUESTER }]]);
    assert.deepEqual(timeline.of('chat.postMessage'), [
      [{ channel: `D${REQUESTER}`, text: 'This grant no longer exists.' }],
    ]);
  });
});
