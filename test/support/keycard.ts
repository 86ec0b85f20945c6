/** Helpers that run Keycard's own worker against the stand, the way production runs it. */
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  paginateListAccountAssignments,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../src/activities';
import { laterLeaseFrom, laterLeasesFrom } from '../../src/activities/leases';
import { Reconciler, type ReconcileMode, type ReconcilePolicy } from '../../src/services/reconcile';
import { createSlackClient, SlackNotifier } from '../../src/activities/slack';
import { GrantRecords } from '../../src/services/records';
import { createIdentityCenter } from '../../src/runtime/identityCenter';
import { createKeycardWorker, DEFAULT_IDENTITY_CENTER_RATE, type KeycardWorker } from '../../src/runtime/keycardWorker';
import { signalRevokeFrom, workflowStateFrom } from '../../src/runtime/temporalPorts';
import {
  grantedTargets,
  type AccessRequest,
  type ContinuedRevoke,
  type Decision,
  type Extension,
  type RequestedTarget,
  type Target,
} from '../../src/domain/grant';
import type { Protection } from '../../src/domain/protection';
import { signedUpdate, type RequestSigner } from '../../src/requests';
import { FrontDoorKey } from '../../src/services/frontDoor';
import type { UpdateDefinition } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { createLogger } from '../../src/logger';
import { connectMongo } from '../../src/mongo';
import { CapturedLog } from './capturedLog';
import { FakeSlack } from './fakeSlack';
import { TEST_SIGNING_KEY } from './configEnv';
import { AWS_REGION, awsClientConfig, createIdentityStoreUser, stand, TEST_USER_DOMAIN } from './stand';

export { CapturedLog };

export const TEST_SLACK_BOT_TOKEN = 'xoxb-test-bot-token-not-a-secret';
export const TEST_APPROVER_CHANNEL = 'C0APPROVERS';

/** The tests' front door: the key every test worker checks proofs with. */
export const testFrontDoor = new FrontDoorKey(TEST_SIGNING_KEY);

/**
 * Signs as the `keycard` CLI would, on `env`'s clock: a time-skipping server's clock runs ahead of the machine's, and
 * a proof is checked against the workflow's time.
 */
export function testSigner(env?: Pick<TestWorkflowEnvironment, 'currentTimeMs'>): RequestSigner {
  return {
    frontDoor: testFrontDoor,
    signer: 'cli:test',
    now: env ? async () => new Date(await env.currentTimeMs()) : undefined,
  };
}

/** An `approve`, `deny` or `extend` update as Keycard's front door sends it: signed for the grant's current run. */
export function sendUpdate<Result, Input extends Decision | Extension>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Result, [Input]>,
  input: Input,
  env?: Pick<TestWorkflowEnvironment, 'currentTimeMs'>,
): Promise<Result> {
  return signedUpdate(handle.client, handle.workflowId, update, input, testSigner(env));
}

const recordsByUrl = new Map<string, Promise<GrantRecords>>();

/** Records in a database of the stand's MongoDB server: one connection per database, indexes made once. */
export function recordsIn(url: string): Promise<GrantRecords> {
  let grantRecords = recordsByUrl.get(url);
  if (!grantRecords) {
    grantRecords = connectMongo(url).then(async ({ db }) => {
      const created = new GrantRecords(db);
      await created.ensureIndexes();
      return created;
    });
    recordsByUrl.set(url, grantRecords);
  }
  return grantRecords;
}

/** The records of the stand's own database. */
export function records(): Promise<GrantRecords> {
  return recordsIn(stand().mongoUrl);
}

export interface TestWorker {
  worker: KeycardWorker;
  taskQueue: string;
  log: CapturedLog;
  running: Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  taskQueue?: string;
  /** Records in another database than the stand's (tests that need a world of their own). */
  mongoUrl?: string;
  /** Runs the reconciler too, with this policy (targets default to the seeded one). */
  reconcile?: Partial<ReconcilePolicy> & { mode?: ReconcileMode };
  /** The Web API base of a fake Slack; without it the worker has no Slack. */
  slackApiUrl?: string;
  /** Assignments the worker's grants never make or remove (PROTECTED_PRINCIPALS). */
  protection?: Protection;
  /** GROUP_MEMBERS_CACHE in milliseconds (default 30 s); 0 reads a user group at every click. */
  groupMembersCacheMs?: number;
}

/** Starts a Keycard worker on its own task queue against `env`, with activities pointed at the stand. */
export async function startWorker(env: TestWorkflowEnvironment, options: WorkerOptions = {}): Promise<TestWorker> {
  const { taskQueue = `keycard-test-${randomUUID()}`, slackApiUrl } = options;
  const grantRecords = options.mongoUrl ? await recordsIn(options.mongoUrl) : await records();
  const { aws, seed, workflowBundle } = stand();
  const log = new CapturedLog();
  const logger = createLogger('info', log);
  const identityCenter = createIdentityCenter({
    region: AWS_REGION,
    endpoint: aws.endpoint,
    instanceArn: seed.instanceArn,
    identityStoreId: seed.identityStoreId,
    pollIntervalMs: 200,
    callsPerSecond: DEFAULT_IDENTITY_CENTER_RATE,
  });
  const slack = slackApiUrl
    ? new SlackNotifier(createSlackClient(TEST_SLACK_BOT_TOKEN, slackApiUrl), {
        groupMembersCacheMs: options.groupMembersCacheMs,
      })
    : undefined;
  const reconciler = options.reconcile
    ? new Reconciler(
        {
          records: grantRecords,
          identityCenter,
          logger,
          workflowState: workflowStateFrom(env.client),
          signalRevoke: signalRevokeFrom(env.client),
          alert: async (message) => {
            logger.error({ alert: true }, message);
            await slack?.postAlert(TEST_APPROVER_CHANNEL, message);
          },
        },
        {
          graceMs: 1_000,
          lookbackMs: 600_000,
          overdueRevokeMs: 600_000,
          allow: [],
          targets: [{ accountId: seed.accountId, permissionSetArn: seed.permissionSetArn }],
          ...options.reconcile,
        },
      )
    : undefined;
  const worker = await createKeycardWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities: createActivities({
      identityCenter,
      records: grantRecords,
      logger,
      slack,
      reconciler: reconciler && {
        run: (runOptions) => reconciler.run(runOptions),
        mode: options.reconcile?.mode ?? 'report',
      },
      leases: laterLeaseFrom(env.client),
      leasesPerTarget: laterLeasesFrom(env.client),
      frontDoor: testFrontDoor,
      protection: options.protection,
      alertChannel: slackApiUrl ? TEST_APPROVER_CHANNEL : undefined,
    }),
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    log,
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/**
 * For one describe block: a fake Slack and a Keycard worker on the dev server that sends to it, started before the
 * block's tests and stopped after them.
 */
export function workerWithSlackForBlock(): { readonly slack: FakeSlack; readonly worker: TestWorker } {
  let slack: FakeSlack | undefined;
  let worker: TestWorker | undefined;
  before(async () => {
    slack = new FakeSlack();
    await slack.start();
    worker = await startWorker(stand().devServer.env, { slackApiUrl: slack.apiUrl });
  });
  after(async () => {
    await worker?.stop();
    await slack?.stop();
  });
  return {
    get slack() {
      return slack as FakeSlack;
    },
    get worker() {
      return worker as TestWorker;
    },
  };
}

/** A fresh Identity Store user and an approved request for the seeded target. */
export async function newRequest(
  overrides: Partial<AccessRequest> = {},
): Promise<{ request: AccessRequest; userId: string }> {
  const { seed } = stand();
  const requestId = randomUUID();
  const email = `eng-${requestId.slice(0, 8)}@${TEST_USER_DOMAIN}`;
  const userId = await createIdentityStoreUser(email);
  return {
    userId,
    request: {
      requestId,
      requester: { slackUserId: `U${requestId.slice(0, 8).toUpperCase()}`, email },
      reason: 'debugging the checkout 500s',
      target: { accountId: seed.accountId, permissionSetArn: seed.permissionSetArn },
      approvedBy: 'U0APPROVER',
      requestedAt: new Date().toISOString(),
      ...overrides,
    },
  };
}

/**
 * A fresh request as the Slack app starts one: nobody has approved it yet, it asks U0APPROVER in the approver
 * channel and waits an hour for an answer (`overrides.slack` changes the routing).
 */
export function newSlackRequest(overrides: Partial<AccessRequest> = {}): ReturnType<typeof newRequest> {
  return newRequest({
    approvedBy: undefined,
    slack: { approverChannel: TEST_APPROVER_CHANNEL, approvers: ['U0APPROVER'], requestTimeout: '1h' },
    ...overrides,
  });
}

/** A second account of the stand's organisation; moto assigns in any account id. */
export const CHECKOUT_ACCOUNT = '444455556666';

/** A catalog target of the stand's permission set in two accounts: the seeded one, then CHECKOUT_ACCOUNT. */
export function twoAccountTarget(key = 'prod-admin'): { catalogTarget: RequestedTarget; targets: Target[] } {
  const { seed } = stand();
  const catalogTarget: RequestedTarget = {
    key,
    name: 'Production admin',
    permissionSetArn: seed.permissionSetArn,
    accounts: [
      { id: seed.accountId, name: 'payments-prod' },
      { id: CHECKOUT_ACCOUNT, name: 'checkout-prod' },
    ],
    requesterRule: 'everyone',
  };
  return { catalogTarget, targets: grantedTargets({ target: targetOf(catalogTarget), catalogTarget }) };
}

/**
 * Where a long failing revoke of a two-account grant stood when it continued as new: the payments account removed
 * (request `earlier-request`), the checkout account still to go, at `at`. The input of the run that goes on.
 */
export function continuedTwoAccountRevoke(
  request: AccessRequest,
  principalId: string,
  targets: Target[],
  at: string,
): ContinuedRevoke {
  return {
    status: {
      requestId: request.requestId,
      state: 'active',
      requester: request.requester,
      target: request.target,
      ...(request.catalogTarget ? { catalogTarget: request.catalogTarget } : {}),
      reason: request.reason,
      duration: request.duration ?? '1h',
      principalId,
      history: [],
      grantedAt: at,
      expiresAt: at,
      revokeFailing: { since: at, rounds: 40, lastError: 'checkout-prod (444455556666): AccessDeniedError: …' },
    },
    revocation: { by: 'keycard', reason: 'expired' },
    principalId,
    targets: [targets[1]],
    removedAccounts: { [targets[0].accountId]: { deletionRequestId: 'earlier-request', alreadyGone: false } },
    endState: 'revoked',
    ending: 'expired',
    round: 41,
    seq: 42,
  };
}

/** The request fields that name `catalogTarget`: it, and its first account as `target`. */
export function forCatalogTarget(catalogTarget: RequestedTarget): Pick<AccessRequest, 'catalogTarget' | 'target'> {
  return { catalogTarget, target: targetOf(catalogTarget) };
}

function targetOf(catalogTarget: RequestedTarget): Target {
  return { accountId: catalogTarget.accounts[0].id, permissionSetArn: catalogTarget.permissionSetArn };
}

/** One user's assignment on a target, as the SSO Admin API names it. */
function assignmentInput(target: { accountId: string; permissionSetArn: string }, principalId: string) {
  return {
    InstanceArn: stand().seed.instanceArn,
    TargetId: target.accountId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: target.permissionSetArn,
    PrincipalType: 'USER' as const,
    PrincipalId: principalId,
  };
}

/** Assigns straight in moto, not through the proxy: standing access made by hand, or a crowd on a target. */
export async function assignInMoto(target: { accountId: string; permissionSetArn: string }, principalId: string) {
  await new SSOAdminClient(awsClientConfig(stand().motoUrl)).send(
    new CreateAccountAssignmentCommand(assignmentInput(target, principalId)),
  );
}

/** Removes an assignment straight in moto, not through the proxy, as someone in the AWS console would. */
export async function unassignInMoto(target: { accountId: string; permissionSetArn: string }, principalId: string) {
  await new SSOAdminClient(awsClientConfig(stand().motoUrl)).send(
    new DeleteAccountAssignmentCommand(assignmentInput(target, principalId)),
  );
}

/** What moto itself lists for this user on a target (the seeded one by default), asked directly (not through the proxy). */
export async function isAssignedInMoto(
  principalId: string,
  target?: { accountId: string; permissionSetArn: string },
): Promise<boolean> {
  const { motoUrl, seed } = stand();
  const ssoAdmin = new SSOAdminClient(awsClientConfig(motoUrl));
  const pages = paginateListAccountAssignments(
    { client: ssoAdmin },
    {
      InstanceArn: seed.instanceArn,
      AccountId: target?.accountId ?? seed.accountId,
      PermissionSetArn: target?.permissionSetArn ?? seed.permissionSetArn,
    },
  );
  for await (const page of pages) {
    if ((page.AccountAssignments ?? []).some((assignment) => assignment.PrincipalId === principalId)) return true;
  }
  return false;
}

/**
 * Polls `probe` until `accept` takes its value. The timeout only guards against a hang (a generous minute): how fast
 * Keycard gets there is the bench's question, never a test's.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
