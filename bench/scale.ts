/**
 * Scale: one worker process, as operators run it (`node dist/src/worker.js`), holding 100, 1,000 (and, when asked,
 * 10,000) live grants. Its RSS and CPU come from /proc. Identity Center is moto behind the AWS proxy with the proxy's
 * AWS-like quota switched on (IDENTITY_CENTER_RATE calls per second, ThrottlingException beyond), so throughput is
 * measured against the limit AWS would enforce and every throttled call is counted.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Target } from '../src/domain/grant';
import { startAccessRequest } from '../src/requests';
import { RECONCILE_SCHEDULE_ID } from '../src/runtime/reconcileSchedule';
import {
  freePort,
  PROJECT_ROOT,
  startProcess,
  tempDir,
  waitUntilReady,
  type ServerProcess,
} from '../test/support/processes';
import { identityCenterEnv, type Stand } from '../test/support/stand';
import { keycardRevokeLateness, type Distribution } from './punctuality';
import { testSigner } from '../test/support/keycard';
import { TEST_SIGNING_KEY } from '../test/support/configEnv';

export interface LiveLevel {
  liveGrants: number;
  /** Resident set size of the worker process after holding the grants for a while. */
  rssMb: number;
  /** Its peak resident set size so far (VmHWM). */
  peakRssMb: number;
  /** CPU of the worker process while it holds the grants and nothing expires (% of one core). */
  idleCpuPercent: number;
  /** CPU the worker spent per grant while granting this level's new grants. */
  cpuMsPerGrant: number;
}

export interface Throughput {
  operations: number;
  seconds: number;
  perSecond: number;
  /** SSO Admin calls per second that Identity Center (the proxy) accepted in the same window. */
  identityCenterCallsPerSecond: number;
}

export interface ScaleResults {
  identityCenterRate: number;
  levels: LiveLevel[];
  grantThroughput: Throughput;
  revokeThroughput: Throughput;
  /** Calls the AWS-like quota answered with ThrottlingException, over the whole section. */
  throttledCalls: number;
  /** Grants that ended `failed` (should be none). */
  failedGrants: number;
  latenessAtLive: { liveGrants: number; lateness: Distribution };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const SSO_ADMIN_CALLS = (stand: Stand, since: number, until = Date.now()) =>
  stand.aws.calls.filter(
    (call) => call.at >= since && call.at <= until && !call.throttled && call.operation !== 'GetUserId',
  ).length;

/** What /proc says about one process. */
class ProcessWatch {
  constructor(private readonly pid: number) {}

  private status(field: string): number {
    const line = readFileSync(`/proc/${this.pid}/status`, 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith(`${field}:`));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) / 1024;
  }

  rssMb = () => this.status('VmRSS');
  peakRssMb = () => this.status('VmHWM');

  /** User + system CPU time so far, in milliseconds (threads included). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }
}

/**
 * Identity Center's view, from the answers the AWS proxy passed back: which principals got an assignment created (or
 * deleted), and when the last of them did. Read incrementally, so polling stays cheap as calls pile up.
 */
class IdentityCenterView {
  private seen = 0;
  readonly done = new Map<string, number>();

  constructor(
    private readonly stand: Stand,
    private readonly operation: 'CreateAccountAssignment' | 'DeleteAccountAssignment',
  ) {}

  count(principals: Set<string>): number {
    const calls = this.stand.aws.calls;
    for (; this.seen < calls.length; this.seen++) {
      const call = calls[this.seen];
      if (call.operation === this.operation && call.status === 200 && !this.done.has(String(call.input.PrincipalId))) {
        this.done.set(String(call.input.PrincipalId), call.at);
      }
    }
    return [...principals].filter((principal) => this.done.has(principal)).length;
  }

  lastAt(principals: Set<string>): number {
    return Math.max(...[...principals].map((principal) => this.done.get(principal) ?? Number.NaN));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += width) {
    await Promise.all(items.slice(start, start + width).map(work));
  }
}

async function startWorkerProcess(stand: Stand, taskQueue: string, mongoUrl: string, target: Target, rate: number) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...identityCenterEnv(target),
    KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
    TEMPORAL_ADDRESS: stand.devServer.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URL: mongoUrl,
    IDENTITY_CENTER_RATE: String(rate),
    OPS_PORT: String(await freePort()),
    TEMPORAL_METRICS_PORT: String(await freePort()),
  };
  delete env.SLACK_BOT_TOKEN;
  const worker: ServerProcess = startProcess(
    'bench-worker',
    process.execPath,
    [path.join(PROJECT_ROOT, 'dist/src/worker.js')],
    // A directory without a .env file: only the variables above count.
    { cwd: tempDir('bench-worker'), env },
  );
  await waitUntilReady(worker, async () => readFileSync(worker.logFile, 'utf8').includes('worker running'), 120_000);
  // The reconcile schedule the worker created would list the crowded target every 5 minutes; not what is measured.
  await stand.devServer.env.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).delete();
  return worker;
}

export async function scale(
  stand: Stand,
  target: Target,
  options: { levels: number[]; rate: number; lateGrants: number; spreadMs: number; revokeBurst: number },
): Promise<ScaleResults> {
  const client: Client = stand.devServer.env.client;
  const taskQueue = `bench-scale-${randomUUID()}`;
  const mongoUrl = stand.mongoUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_bench_scale$2');
  const started = Date.now();
  stand.aws.quota(options.rate);
  const worker = await startWorkerProcess(stand, taskQueue, mongoUrl, target, options.rate);
  const watch = new ProcessWatch(worker.child.pid as number);
  const handles: WorkflowHandle[] = [];
  const levels: LiveLevel[] = [];
  let grantWindow = { operations: 0, ms: 0, calls: 0 };
  let latenessAtLive: ScaleResults['latenessAtLive'] | undefined;
  const principals: string[] = [];
  const created = new IdentityCenterView(stand, 'CreateAccountAssignment');
  const deleted = new IdentityCenterView(stand, 'DeleteAccountAssignment');
  const failed = () => client.workflow.count(`TaskQueue="${taskQueue}" AND ProdAccessState="failed"`);

  const grantUpTo = async (level: number) => {
    const fresh = Array.from({ length: level - handles.length }, (_, i) => handles.length + i);
    const cpuBefore = watch.cpuMs();
    const from = Date.now();
    await inBatches(fresh, 50, async (i) => {
      // Resolved already, as the Slack front door does before anything starts.
      principals[i] = `bench-live-${i}-${randomUUID().slice(0, 8)}`;
      handles[i] = await startAccessRequest(
        client,
        taskQueue,
        {
          requestId: randomUUID(),
          requester: { slackUserId: `UL${i}`, email: `live-${i}@example.com` },
          reason: 'benchmark: live grants',
          target,
          duration: '8h',
          approvedBy: 'bench',
          requestedAt: new Date().toISOString(),
          principalId: principals[i],
        },
        testSigner(),
      );
    });
    const wanted = new Set(fresh.map((i) => principals[i]));
    let last = -1;
    for (;;) {
      const now = created.count(wanted);
      if (now >= wanted.size) break;
      if ((await failed()).count > 0) throw new Error('a grant failed');
      if (now !== last) process.stderr.write(`bench:   ${handles.length - wanted.size + now} / ${level} live\n`);
      last = now;
      await pause(2_000);
    }
    const until = created.lastAt(wanted);
    grantWindow = {
      operations: grantWindow.operations + fresh.length,
      ms: grantWindow.ms + (until - from),
      calls: grantWindow.calls + SSO_ADMIN_CALLS(stand, from, until),
    };
    return { cpuMs: watch.cpuMs() - cpuBefore, granted: fresh.length };
  };

  try {
    for (const level of options.levels) {
      process.stderr.write(`bench: scale: granting up to ${level} live grants…\n`);
      const { cpuMs, granted } = await grantUpTo(level);
      await pause(5_000);
      const cpuBefore = watch.cpuMs();
      const idleFrom = performance.now();
      await pause(15_000);
      const idleCpuPercent = ((watch.cpuMs() - cpuBefore) / (performance.now() - idleFrom)) * 100;
      levels.push({
        liveGrants: level,
        rssMb: watch.rssMb(),
        peakRssMb: watch.peakRssMb(),
        idleCpuPercent,
        cpuMsPerGrant: cpuMs / granted,
      });
      process.stderr.write(`bench:   ${JSON.stringify(levels.at(-1))}\n`);
      if (!latenessAtLive && level >= 1_000) {
        process.stderr.write(`bench: revoke lateness of ${options.lateGrants} grants among ${level} live…\n`);
        latenessAtLive = {
          liveGrants: level,
          lateness: await keycardRevokeLateness(options.lateGrants, options.spreadMs, target, client, taskQueue),
        };
      }
    }
    if (!latenessAtLive) {
      const level = options.levels.at(-1) ?? 0;
      latenessAtLive = {
        liveGrants: level,
        lateness: await keycardRevokeLateness(options.lateGrants, options.spreadMs, target, client, taskQueue),
      };
    }

    const burst = handles.slice(0, options.revokeBurst);
    process.stderr.write(`bench: scale: revoking ${burst.length} grants at once…\n`);
    const from = Date.now();
    await inBatches(burst, 50, (handle) => handle.signal('revoke', { by: 'bench', reason: 'revoke throughput' }));
    const revoking = new Set(principals.slice(0, burst.length));
    while (deleted.count(revoking) < revoking.size) await pause(1_000);
    const until = deleted.lastAt(revoking);
    const failedGrants = (await failed()).count;
    const throttledCalls = stand.aws.calls.filter((call) => call.at >= started && call.throttled).length;
    const throughput = (operations: number, ms: number, calls: number): Throughput => ({
      operations,
      seconds: ms / 1000,
      perSecond: operations / (ms / 1000),
      identityCenterCallsPerSecond: calls / (ms / 1000),
    });
    return {
      identityCenterRate: options.rate,
      levels,
      grantThroughput: throughput(grantWindow.operations, grantWindow.ms, grantWindow.calls),
      revokeThroughput: throughput(burst.length, until - from, SSO_ADMIN_CALLS(stand, from, until)),
      throttledCalls,
      failedGrants,
      latenessAtLive,
    };
  } finally {
    stand.aws.quota(undefined);
    await worker.stop();
    // What the worker complained about, counted: a bench run with errors is worth a look before its numbers.
    const complaints = readFileSync(worker.logFile, 'utf8')
      .split('\n')
      .filter((line) => /"level":"(warn|error|fatal)"/.test(line))
      .map((line) => /"msg":"([^"]{0,120})/.exec(line)?.[1] ?? line.slice(0, 120));
    const counted = new Map<string, number>();
    for (const message of complaints) counted.set(message, (counted.get(message) ?? 0) + 1);
    for (const [message, count] of counted) process.stderr.write(`bench:   worker log: ${count} × ${message}\n`);
  }
}
