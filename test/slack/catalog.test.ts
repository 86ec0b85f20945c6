/**
 * The Slack front door with a target catalog, end to end over HTTP on the real stack (Bolt + worker + Temporal dev
 * server + FerretDB + moto + fake Slack): the modal, help, cancel, the requester policy, per-target routing, and a
 * two-account target granted and revoked in both accounts. CATALOG_FILE is a temp file read by loadConfig.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config';
import type { AccessRequest } from '../../src/domain/grant';
import { endingOf } from '../../src/domain/ending';
import { ACTIONS } from '../../src/views';
import { CANCEL_REQUEST_ACTION, REQUEST_MODAL } from '../../src/views/requestModal';
import { statusQuery } from '../../src/workflows/definitions';
import { writeCatalogFile } from '../support/catalogs';
import { REQUIRED_ENV } from '../support/configEnv';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { CHECKOUT_ACCOUNT, eventually, isAssignedInMoto } from '../support/keycard';
import {
  APPROVER,
  APPROVER_CHANNEL,
  GROUP_APPROVER,
  newRequester,
  startSlackStand,
  type SlackStand,
} from '../support/slackStand';
import { createPermissionSet, stand } from '../support/stand';

const ENGINEERS = 'S0ENGINEERS';
const PAYMENTS_CHANNEL = 'C0PAYMENTS';

type Person = Awaited<ReturnType<typeof newRequester>>;

describe('the Slack front door with a target catalog, end to end', function () {
  let s: SlackStand;
  let adminArn: string;
  let readArn: string;
  /** Members of S0ENGINEERS from the start (the app keeps a group's members 30 s): one per test, none shared. */
  const engineers: Person[] = [];
  let outsider: Person;

  before(async () => {
    adminArn = (await createPermissionSet('catalog-admin')).permissionSetArn;
    readArn = (await createPermissionSet('catalog-read')).permissionSetArn;
    const { seed } = stand();
    const file = writeCatalogFile([
      'targets:',
      '  payments-admin:',
      '    name: Payments admin',
      '    accounts:',
      `      - { id: '${seed.accountId}', name: payments-prod }`,
      `      - { id: '${CHECKOUT_ACCOUNT}', name: checkout-prod }`,
      `    permissionSet: ${adminArn}`,
      '    duration: { default: 1h, max: 4h, choices: [1h, 2h, 4h] }',
      `    requesters: [${ENGINEERS}]`,
      `    approvers: [${APPROVER}]`,
      `    channel: ${PAYMENTS_CHANNEL}`,
      '  payments-read:',
      '    name: Payments read-only',
      '    accounts:',
      `      - { id: '${seed.accountId}', name: payments-prod }`,
      `    permissionSet: ${readArn}`,
      '    duration: { default: 2h, max: 8h }',
      '    approvers: [S0APPROVERS]',
    ]);
    const { catalog } = loadConfig({ ...REQUIRED_ENV, CATALOG_FILE: file });
    assert.equal(catalog?.targets.length, 2);
    s = await startSlackStand(stand().devServer.env, { catalog });
    s.slack.addChannel(PAYMENTS_CHANNEL);
    for (let i = 0; i < 4; i += 1) engineers.push(await newRequester(s.slack));
    outsider = await newRequester(s.slack);
    s.slack.userGroups.set(
      ENGINEERS,
      engineers.map((engineer) => engineer.slackUserId),
    );
  });
  afterEach(() => {
    // Every answer above came from a listener that finished: none failed on the way (a refused views.update, …).
    assert.deepEqual(s.appLog.errors(), []);
  });
  after(async () => {
    await s?.stop();
  });

  function approvalIn(channel: string, userId: string): Promise<StoredMessage> {
    return eventually(
      async () => s.slack.messagesIn(channel).find((message) => visibleText(message).includes(`<@${userId}>`)),
      (message) => message !== undefined,
    ) as Promise<StoredMessage>;
  }

  /** The request the workflow was started with, from its history's first event. */
  async function startedWith(workflowId: string): Promise<AccessRequest> {
    const history = await stand().devServer.env.client.workflow.getHandle(workflowId).fetchHistory();
    const payload = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return JSON.parse(Buffer.from(payload?.data as Uint8Array).toString('utf8')) as AccessRequest;
  }

  function targetOptions(view: Record<string, unknown>): string[] {
    const blocks = view.blocks as { block_id: string; element: { options: { value: string }[] } }[];
    return (
      blocks.find((block) => block.block_id === REQUEST_MODAL.targetBlock)?.element.options.map((o) => o.value) ?? []
    );
  }

  it('/prod-access alone opens the modal with the targets the person may request; its submission starts that target’s grant, which its DM’s Cancel request withdraws', async () => {
    const [engineer] = engineers;
    const { response, triggerId } = await s.slash(engineer.slackUserId, '');
    assert.equal(response.status, 200);
    const view = await s.openedView(triggerId);
    assert.deepEqual(targetOptions(view), ['payments-admin', 'payments-read']);

    const other = await s.slash(outsider.slackUserId, 'need to look at a refund');
    const outsiderView = await s.openedView(other.triggerId);
    assert.deepEqual(targetOptions(outsiderView), ['payments-read'], 'only what the outsider may request');
    assert.match(JSON.stringify(outsiderView), /"initial_value":"need to look at a refund"/);

    // Choosing a target redraws the modal with that target's durations.
    const durationsAfter = async (key: string): Promise<string[]> => {
      const before = s.slack.callsOf('views.update').length;
      await s.choose(engineer.slackUserId, view, {
        blockId: REQUEST_MODAL.targetBlock,
        actionId: REQUEST_MODAL.targetAction,
        value: key,
      });
      const update = await eventually(
        async () => s.slack.callsOf('views.update').slice(before)[0],
        (found) => found !== undefined,
      );
      assert.equal(update?.params.view_id, view.id);
      const blocks = JSON.parse(String(update?.params.view)).blocks as {
        block_id: string;
        element: { options: { value: string }[] };
      }[];
      return blocks.find((b) => b.block_id === REQUEST_MODAL.durationBlock)?.element.options.map((o) => o.value) ?? [];
    };
    assert.deepEqual(await durationsAfter('payments-read'), ['2h', '8h'], 'its default and its max');
    assert.deepEqual(await durationsAfter('payments-admin'), ['1h', '2h', '4h'], 'its choices');

    const submitted = await s.submitView(engineer.slackUserId, view, {
      [REQUEST_MODAL.targetBlock]: {
        [REQUEST_MODAL.targetAction]: { type: 'static_select', selected_option: { value: 'payments-admin' } },
      },
      [REQUEST_MODAL.durationBlock]: {
        [REQUEST_MODAL.durationAction]: { type: 'static_select', selected_option: { value: '2h' } },
      },
      [REQUEST_MODAL.reasonBlock]: {
        [REQUEST_MODAL.reasonAction]: { type: 'plain_text_input', value: 'refund stuck' },
      },
    });
    assert.equal(submitted.status, 200);
    assert.equal(submitted.body, '', 'the modal closes');

    const approval = await approvalIn(PAYMENTS_CHANNEL, engineer.slackUserId);
    assert.match(visibleText(approval), /refund stuck/);
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    assert.equal(workflowId, s.workflowIdOf(triggerId), 'the request id the command made');
    const request = await startedWith(workflowId);
    assert.equal(request.duration, '2h');
    assert.deepEqual(request.slack?.approvers, [APPROVER]);
    assert.equal(request.slack?.approverChannel, PAYMENTS_CHANNEL);
    assert.deepEqual(request.target, { accountId: stand().seed.accountId, permissionSetArn: adminArn });
    assert.deepEqual(request.catalogTarget, {
      key: 'payments-admin',
      name: 'Payments admin',
      permissionSetArn: adminArn,
      accounts: [
        { id: stand().seed.accountId, name: 'payments-prod' },
        { id: CHECKOUT_ACCOUNT, name: 'checkout-prod' },
      ],
      requesterRule: ENGINEERS,
    });
    // The modal has no response URL: the answer comes by DM, with the button that withdraws the request.
    const dm = await eventually(
      async () => s.slack.messagesIn(`D${engineer.slackUserId}`).find((m) => buttonValue(m, CANCEL_REQUEST_ACTION)),
      (found) => found !== undefined,
    );
    assert.equal(
      dm?.text,
      `Your request for 2h of Payments admin is waiting for an approver in <#${PAYMENTS_CHANNEL}>. You will get a DM when it is decided.`,
    );
    assert.equal(buttonValue(dm as StoredMessage, CANCEL_REQUEST_ACTION), workflowId);
    assert.equal(
      s.slack.messagesIn(APPROVER_CHANNEL).filter((m) => buttonValue(m, ACTIONS.approve) === workflowId).length,
      0,
    );

    // The requester's own Cancel request, from that DM, withdraws it: nothing was assigned.
    const cancelled = await s.click(engineer.slackUserId, CANCEL_REQUEST_ACTION, workflowId);
    await eventually(
      async () => s.answersTo(cancelled.responseId),
      (texts) => texts.includes('You cancelled this request; nothing was granted.'),
    );
    const status = await eventually(
      async () => stand().devServer.env.client.workflow.getHandle(workflowId).query(statusQuery),
      (current) => current.state === 'revoked',
    );
    assert.equal(endingOf(status), 'withdrawn');
    assert.equal(
      await isAssignedInMoto(engineer.principalId, { accountId: stand().seed.accountId, permissionSetArn: adminArn }),
      false,
    );
  });

  it('help lists only the targets the person may request', async () => {
    const engineer = engineers[1];
    const asEngineer = await s.slash(engineer.slackUserId, 'help');
    const asOutsider = await s.slash(outsider.slackUserId, 'help');
    const answer = (triggerId: string) =>
      eventually(
        async () => s.answersTo(triggerId),
        (texts) => texts.length > 0,
      );
    const [engineerHelp] = await answer(asEngineer.triggerId);
    const [outsiderHelp] = await answer(asOutsider.triggerId);
    assert.match(engineerHelp, /\*Payments admin\* \(`payments-admin`\): default 1h, at most 4h; choices 1h, 2h, 4h/);
    assert.match(engineerHelp, /\*Payments read-only\* \(`payments-read`\): default 2h, at most 8h/);
    assert.match(outsiderHelp, /payments-read/);
    assert.doesNotMatch(outsiderHelp, /payments-admin|Payments admin/);
  });

  it('cancel withdraws the person’s pending request; another person’s Cancel request click is refused', async () => {
    const engineer = engineers[2];
    const { triggerId } = await s.slash(engineer.slackUserId, 'payments-read 1h check the ledger');
    const approval = await approvalIn(APPROVER_CHANNEL, engineer.slackUserId);
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    const confirmation = await eventually(
      async () =>
        s.slack.responses.find((r) => r.id === triggerId && JSON.stringify(r.body).includes(CANCEL_REQUEST_ACTION)),
      (found) => found !== undefined,
    );
    assert.match(JSON.stringify(confirmation?.body.blocks), new RegExp(`"value":"${workflowId}"`));
    assert.match(String(confirmation?.body.text), /Payments read-only is waiting for an approver in <#C0APPROVERS>/);

    const forged = await s.click(GROUP_APPROVER, CANCEL_REQUEST_ACTION, workflowId);
    await eventually(
      async () => s.answersTo(forged.responseId),
      (texts) => texts.some((text) => text.includes('Only the person who asked can cancel this request')),
    );
    const handle = stand().devServer.env.client.workflow.getHandle(workflowId);
    assert.equal((await handle.query(statusQuery)).state, 'pending', 'still waiting after the other person’s click');

    const cancel = await s.slash(engineer.slackUserId, 'cancel');
    await eventually(
      async () => s.answersTo(cancel.triggerId),
      (texts) => texts.includes('Cancelled your request waiting for an approver; nothing was granted.'),
    );
    const status = await eventually(
      async () => handle.query(statusQuery),
      (current) => current.state === 'revoked',
    );
    assert.equal(endingOf(status), 'withdrawn');
    assert.equal(
      await isAssignedInMoto(engineer.principalId, { accountId: stand().seed.accountId, permissionSetArn: readArn }),
      false,
    );
  });

  it('a person outside the target’s requesters is told what they may request; nothing starts, nothing is posted', async () => {
    const before = s.slack.messagesIn(PAYMENTS_CHANNEL).length;
    const { triggerId } = await s.slash(outsider.slackUserId, 'payments-admin 1h fix the refunds');
    const [answer] = await eventually(
      async () => s.answersTo(triggerId),
      (texts) => texts.length > 0,
    );
    assert.equal(
      answer,
      'You cannot request Payments admin (payments-admin). You can request: Payments read-only (payments-read). Nothing was requested.',
    );
    await s.assertNotStarted(triggerId);

    // The modal's choice is checked again on the server: a submission naming a target the person may not request.
    const modal = await s.slash(outsider.slackUserId, '');
    const view = await s.openedView(modal.triggerId);
    const refused = await s.submitView(outsider.slackUserId, view, {
      [REQUEST_MODAL.targetBlock]: {
        [REQUEST_MODAL.targetAction]: { type: 'static_select', selected_option: { value: 'payments-admin' } },
      },
      [REQUEST_MODAL.durationBlock]: {
        [REQUEST_MODAL.durationAction]: { type: 'static_select', selected_option: null },
      },
      [REQUEST_MODAL.reasonBlock]: { [REQUEST_MODAL.reasonAction]: { type: 'plain_text_input', value: 'fix' } },
    });
    assert.equal(refused.json().response_action, 'errors');
    assert.match(
      String((refused.json().errors as Record<string, string>)[REQUEST_MODAL.targetBlock]),
      /^You cannot request Payments admin \(payments-admin\)\./,
    );
    await s.assertNotStarted(modal.triggerId);
    assert.equal(s.slack.messagesIn(PAYMENTS_CHANNEL).length, before, 'nothing reached the approvers');
    assert.ok(
      s.slack
        .messagesIn(PAYMENTS_CHANNEL)
        .every((message) => !visibleText(message).includes(`<@${outsider.slackUserId}>`)),
    );
  });

  it('a two-account target requested and approved in Slack is granted in both accounts, and revoked in both', async () => {
    const engineer = engineers[3];
    const accounts = [stand().seed.accountId, CHECKOUT_ACCOUNT].map((accountId) => ({
      accountId,
      permissionSetArn: adminArn,
    }));
    await s.slash(engineer.slackUserId, 'payments-admin 1h rotate the payment keys');
    const approval = await approvalIn(PAYMENTS_CHANNEL, engineer.slackUserId);
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    await s.click(APPROVER, ACTIONS.approve, workflowId);
    const handle = stand().devServer.env.client.workflow.getHandle(workflowId);
    await eventually(
      async () => (await handle.query(statusQuery)).state,
      (state) => state === 'active' || state === 'failed',
    );
    const granted = await Promise.all(accounts.map((account) => isAssignedInMoto(engineer.principalId, account)));
    assert.deepEqual(granted, [true, true], 'assigned in payments-prod and checkout-prod');

    await s.click(engineer.slackUserId, ACTIONS.revoke, workflowId);
    await eventually(
      async () => (await handle.query(statusQuery)).state,
      (state) => state === 'revoked',
    );
    const left = await Promise.all(accounts.map((account) => isAssignedInMoto(engineer.principalId, account)));
    assert.deepEqual(left, [false, false], 'removed from both');
  });
});
