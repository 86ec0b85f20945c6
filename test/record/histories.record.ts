/**
 * Records the histories the replay test runs through the current workflow code. Not part of `npm test`:
 * run `npm run record-histories` after a deliberate, versioned change to the workflow, and commit the files.
 * Every recording keeps its name for good: a history recorded by an older version stays, so the replay test proves
 * that grants started under that version still replay. `npm run record-histories -- --grep <name>` records one.
 * `prod-access-expired.json` was recorded before the first `patched` branch and is never re-recorded.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { grantWorkflowId, type AccessRequest } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { approveUpdate, denyUpdate, extendUpdate, statusQuery } from '../../src/workflows/definitions';
import { awsError } from '../support/awsFaultProxy';
import { FakeSlack } from '../support/fakeSlack';
import {
  assignInMoto,
  CHECKOUT_ACCOUNT,
  continuedTwoAccountRevoke,
  eventually,
  forCatalogTarget,
  newRequest,
  newSlackRequest,
  sendUpdate,
  startWorker,
  testSigner,
  twoAccountTarget,
  type TestWorker,
} from '../support/keycard';
import { PROJECT_ROOT, tool } from '../support/processes';
import { APPROVER } from '../support/slackStand';
import { createIdentityStoreUser, stand } from '../support/stand';

const HISTORIES = path.join(PROJECT_ROOT, 'test/histories');
/**
 * The workflow version the recordings are named for: bump it with each `patched` story change, so the new version's
 * paths are recorded beside the older ones (v1: before 'revoke-needs-only-identity-center'; v2: after it; v3: after
 * 'front-door-proofs'; v4: after 'catalog-targets').
 */
const VERSION = 'v4';
/** The same for the short lookupRequester workflow (v1: the principal only; v2: after 'requester-user-name'). */
const LOOKUP_VERSION = 'v2';

/** The CLI writes the standard proto JSON that Worker.runReplayHistory reads. */
async function save(env: TestWorkflowEnvironment, workflowId: string, name: string) {
  const { stdout } = await promisify(execFile)(
    tool('temporal'),
    ['workflow', 'show', '-w', workflowId, '--address', env.address, '-o', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(path.join(HISTORIES, `${name}.json`), stdout);
}

describe('recording workflow histories for the replay test', function () {
  let slack: FakeSlack;
  let worker: TestWorker;
  const env = () => stand().timeSkipping;

  before(async () => {
    slack = new FakeSlack();
    await slack.start();
    worker = await startWorker(env(), { slackApiUrl: slack.apiUrl, groupMembersCacheMs: 0 });
  });
  after(async () => {
    stand().aws.clearFaults();
    await worker?.stop();
    await slack?.stop();
  });

  /**
   * Records `name` from the workflow `run` ran to its end, unless a recording of that name exists (histories of older
   * versions are kept as they are; RERECORD=1 overwrites).
   */
  function recordOnce(name: string, run: () => Promise<string>) {
    it(`records ${name}`, async function () {
      if (existsSync(path.join(HISTORIES, `${name}.json`)) && !process.env.RERECORD) this.skip();
      await save(env(), await run(), name);
    });
  }

  /** A grant's story, recorded as `prod-access-<version>-<story>`. */
  function recording(story: string, tell: (start: typeof startRequest) => Promise<WorkflowHandle>) {
    recordOnce(`prod-access-${VERSION}-${story}`, async () => {
      const handle = await tell(startRequest);
      await handle.result().catch(() => undefined);
      return handle.workflowId;
    });
  }

  async function startRequest(overrides: Partial<AccessRequest> = {}, slackRouted = false) {
    const requestId = `recorded-${randomUUID().slice(0, 8)}`;
    const { request } = await (slackRouted ? newSlackRequest : newRequest)({ requestId, ...overrides });
    const handle = await startAccessRequest(env().client, worker.taskQueue, request, testSigner(env()));
    if (slackRouted) {
      await eventually(
        () => handle.query(statusQuery),
        (status) => status.approvers !== undefined,
      );
    }
    return { handle, request };
  }

  const active = (handle: WorkflowHandle) =>
    eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );

  recording('denied', async (start) => {
    const { handle } = await start({ duration: '1h' }, true);
    await sendUpdate(handle, denyUpdate, { by: APPROVER, reason: 'not during the freeze' }, env());
    return handle;
  });

  recording('expired-unanswered', async (start) => (await start({ duration: '1h' }, true)).handle);

  recording('approved-expired', async (start) => {
    const { handle } = await start({ duration: '1h' }, true);
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env());
    return handle;
  });

  recording('revoked-early', async (start) => {
    const { handle } = await start({ duration: '4h' }, true);
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env());
    await active(handle);
    await handle.signal('revoke', { by: 'ops@example.com', reason: 'incident closed' });
    return handle;
  });

  recording('extended', async (start) => {
    const { handle } = await start({ duration: '1h' });
    await active(handle);
    await sendUpdate(handle, extendUpdate, { by: 'ops', duration: '30m', reason: 'still debugging' }, env());
    return handle;
  });

  recording('extension-denied', async (start) => {
    const { handle, request } = await start({ duration: '1h' }, true);
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env());
    await active(handle);
    await sendUpdate(
      handle,
      extendUpdate,
      { by: request.requester.slackUserId, duration: '30m', reason: 'need a bit more' },
      env(),
    );
    await sendUpdate(handle, denyUpdate, { by: APPROVER, reason: 'wrap it up' }, env());
    return handle;
  });

  recording('revoke-failing', async (start) => {
    const { handle } = await start({ duration: '1h' });
    await active(handle);
    // v2 retries a refusal within a round: 10 refusals outlast the first round, so it closes with an alert.
    stand().aws.inject(
      'DeleteAccountAssignment',
      10,
      awsError(400, 'AccessDeniedException', 'injected: not authorized'),
    );
    return handle;
  });

  recording('handed-over', async (start) => {
    const first = await start({ duration: '1h' });
    await active(first.handle);
    const later = await start({
      duration: '2h',
      requester: first.request.requester,
      requestId: `recorded-later-${randomUUID().slice(0, 8)}`,
    });
    await active(later.handle);
    await first.handle.result();
    await later.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await later.handle.result();
    return first.handle;
  });

  recording('cancelled', async (start) => {
    const { handle } = await start({ duration: '1h' });
    await active(handle);
    await handle.cancel();
    return handle;
  });

  recording(
    'grant-failed',
    async (start) => (await start({ requester: { slackUserId: 'UNOBODY', email: 'nobody@example.com' } })).handle,
  );

  recording('withdrawn-while-pending', async (start) => {
    const { handle } = await start({ duration: '1h' }, true);
    await handle.signal('revoke', { by: 'U0REQUESTER', reason: 'not needed any more' });
    return handle;
  });

  recording('unusable-start', async (start) => (await start({ duration: '0.0001s' })).handle);

  recording('refused-unsigned-request', async () => {
    // Started straight through Temporal, approved in its own input, with no proof: refused, nothing assigned.
    const { request } = await newRequest({ requestId: `recorded-${randomUUID().slice(0, 8)}` });
    return env().client.workflow.start('prodAccess', {
      taskQueue: worker.taskQueue,
      workflowId: grantWorkflowId(request.requestId),
      args: [request],
    });
  });

  recording('refused-forged-decision', async (start) => {
    const { handle, request } = await start({ duration: '1h' }, true);
    // An approval sent straight through Temporal with an approver's id: refused, audited, alerted.
    await handle.executeUpdate(approveUpdate, { args: [{ by: APPROVER }] }).catch(() => undefined);
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env());
    await active(handle);
    await handle
      .executeUpdate(extendUpdate, { args: [{ by: 'ops', duration: '1h', reason: 'forged' }] })
      .catch(() => undefined);
    await sendUpdate(
      handle,
      extendUpdate,
      { by: request.requester.slackUserId, duration: '30m', reason: 'more' },
      env(),
    );
    return handle;
  });

  // v4's own paths: a catalog target in two accounts, and approvers read when they click.
  recording('two-accounts-revoked', async (start) => {
    const { handle } = await start({ ...forCatalogTarget(twoAccountTarget().catalogTarget), duration: '4h' }, true);
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env());
    await active(handle);
    await handle.signal('revoke', { by: 'ops@example.com', reason: 'incident closed' });
    return handle;
  });

  recording('two-accounts-rolled-back', async (start) => {
    const refused = awsError(400, 'AccessDeniedException', 'injected: no access to this account');
    stand().aws.inject('CreateAccountAssignment', 2, (call, forward) =>
      call.input.TargetId === CHECKOUT_ACCOUNT ? refused(call, forward) : forward(),
    );
    return (await start({ ...forCatalogTarget(twoAccountTarget().catalogTarget), duration: '1h' })).handle;
  });

  recording('two-accounts-revoke-failing-in-one', async (start) => {
    const { handle } = await start({ ...forCatalogTarget(twoAccountTarget().catalogTarget), duration: '1h' });
    await active(handle);
    const refused = awsError(400, 'AccessDeniedException', 'injected: not authorized in this account');
    // The checkout account refuses past the first round (an alert), the payments account is removed at once.
    stand().aws.inject('DeleteAccountAssignment', 11, (call, forward) =>
      call.input.TargetId === CHECKOUT_ACCOUNT ? refused(call, forward) : forward(),
    );
    return handle;
  });

  recording('two-accounts-carried-on', async (start) => {
    const { catalogTarget } = twoAccountTarget();
    const first = await start({ ...forCatalogTarget(catalogTarget), duration: '1h' });
    await active(first.handle);
    // A later grant of the same person covers the payments account only: at the first's expiry it stays.
    const paymentsOnly = { ...catalogTarget, key: 'payments-admin', accounts: [catalogTarget.accounts[0]] };
    const later = await start({
      ...forCatalogTarget(paymentsOnly),
      duration: '2h',
      requester: first.request.requester,
      requestId: `recorded-later-${randomUUID().slice(0, 8)}`,
    });
    await active(later.handle);
    await first.handle.result();
    await later.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await later.handle.result();
    return first.handle;
  });

  recording('two-accounts-continued-revoke', async () => {
    // A run as a long failing two-account revoke continues it: payments went already, checkout is still assigned.
    const { catalogTarget, targets } = twoAccountTarget();
    const requestId = `recorded-${randomUUID().slice(0, 8)}`;
    const { request, userId } = await newRequest({ requestId, ...forCatalogTarget(catalogTarget), duration: '1h' });
    await assignInMoto(targets[1], userId);
    const at = new Date(await env().currentTimeMs()).toISOString();
    const continuedRevoke = continuedTwoAccountRevoke(request, userId, targets, at);
    const handle = await env().client.workflow.start('prodAccess', {
      taskQueue: worker.taskQueue,
      workflowId: grantWorkflowId(requestId),
      args: [{ ...request, continuedRevoke }],
    });
    return handle;
  });

  recording('approver-refused-at-click', async (start) => {
    slack.userGroups.set('S0RECORDED', ['U0STAYS', 'U0LEAVES']);
    const { handle } = await start(
      { duration: '1h', slack: { approverChannel: 'C0APPROVERS', approvers: ['S0RECORDED'], requestTimeout: '1h' } },
      true,
    );
    slack.userGroups.set('S0RECORDED', ['U0STAYS']);
    await sendUpdate(handle, approveUpdate, { by: 'U0LEAVES' }, env()).catch(() => undefined);
    await sendUpdate(handle, approveUpdate, { by: 'U0STAYS' }, env());
    await active(handle);
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    return handle;
  });

  /** Records `lookup-requester-<version>-<story>` unless it exists: a lookup of `email` run to its end. */
  function lookupRecording(story: string, email: () => Promise<string>) {
    recordOnce(`lookup-requester-${LOOKUP_VERSION}-${story}`, async () => {
      const workflowId = `prod-access-lookup-recorded-${randomUUID().slice(0, 8)}`;
      await env().client.workflow.execute('lookupRequester', {
        taskQueue: worker.taskQueue,
        workflowId,
        args: [await email()],
      });
      return workflowId;
    });
  }

  lookupRecording('found', async () => {
    const email = `recorded-${randomUUID().slice(0, 8)}@example.com`;
    await createIdentityStoreUser(email);
    return email;
  });

  lookupRecording('not-found', async () => 'nobody-recorded@example.com');
});
