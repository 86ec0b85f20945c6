/**
 * What every chaos scenario shares: the grants it tracks, the invariants checked after the faults (no lost
 * revocation, no duplicate assignment, audit events neither missing nor duplicated, the chain verifies), the revoke
 * lateness measured from moto itself, and the row each scenario writes for docs/reliability.md.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GrantRecords } from '../../src/services/records';
import { grantWorkflowId, type AccessRequest, type GrantStatus } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import type { prodAccess } from '../../src/workflows';
import { MotoWatcher, type WorkerProcess } from '../support/chaosStand';
import type { IdentityCenterChaos } from '../support/identityCenterChaos';
import { eventually, isAssignedInMoto, newRequest, recordsIn, testSigner } from '../support/keycard';
import { PROJECT_ROOT } from '../support/processes';
import { stand } from '../support/stand';

/** Where the scenarios write their rows (JSON lines); the run's last hook renders docs/reliability.md from them. */
export const RESULTS_FILE = path.join(PROJECT_ROOT, 'dist', 'chaos', 'results.jsonl');

export interface ScenarioResult {
  scenario: string;
  grants: number;
  faults: string;
  lostRevocations: number;
  duplicateAssignments: number;
  auditProblems: string[];
  chainVerifies: boolean;
  /** Per grant: from its expiry to the first moto poll that no longer listed it. */
  lateness: { grant: string; ms: number }[];
  worstLatenessMs?: number;
  /** Measurements a scenario adds (resumed request ids, how long a store was away, …). */
  notes: string[];
  failures: string[];
  passed: boolean;
  wallMs: number;
}

/** How a grant's audit trail should read once everything has landed. */
export type Story = 'operator' | 'slack' | 'reconciler';

const STORIES: Record<Story, string[]> = {
  operator: ['requested', 'granted', 'revoked'],
  slack: ['requested', 'approved', 'granted', 'revoked'],
  reconciler: ['requested', 'granted', 'revoked_by_reconciler'],
};

/** Events a grant may add in between without anything being wrong: a revoke round that failed and was retried. */
const ALLOWED_EXTRA: ReadonlySet<string> = new Set(['revoke_failing']);

export interface TrackedGrant {
  request: AccessRequest;
  principalId: string;
  workflowId: string;
  story: Story;
  /** What the grant plays in its scenario ("killed inside assign"), for the report. */
  label: string;
  handle?: WorkflowHandle<typeof prodAccess>;
  /** The workflow's final status, once it ended. */
  status?: GrantStatus;
}

const registered: string[] = [];

/** How many scenarios the suite defines (a run of all of them writes docs/reliability.md). */
export function registeredScenarios(): string[] {
  return registered;
}

/**
 * A mocha test for one scenario: the body injects its faults and waits; the invariants are checked, the row is
 * written whether the scenario passed or not, and every failed expectation fails the test, all named at once.
 */
export function scenario(title: string, faults: string, timeoutMs: number, body: (run: ScenarioRun) => Promise<void>) {
  registered.push(title);
  it(title, async function () {
    this.timeout(timeoutMs);
    const run = new ScenarioRun(title, faults);
    try {
      await body(run);
    } catch (error) {
      run.failures.push(`did not finish: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await run.cleanup();
    }
    const result = run.result();
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    appendFileSync(RESULTS_FILE, `${JSON.stringify(result)}\n`);
    if (!result.passed) throw new Error(`${title}:\n  - ${result.failures.join('\n  - ')}`);
  });
}

export class ScenarioRun {
  readonly grants: TrackedGrant[] = [];
  readonly watcher = new MotoWatcher().start();
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  /** A database of its own on the stand's store, unless the scenario brings its own store. */
  mongoUrl: string;
  chaos?: IdentityCenterChaos;
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private readonly startedAt = Date.now();
  private measured?: Omit<ScenarioResult, 'scenario' | 'faults' | 'notes' | 'failures' | 'passed' | 'wallMs'>;

  constructor(
    readonly title: string,
    readonly faults: string,
  ) {
    const url = new URL(stand().mongoUrl);
    url.pathname = `/chaos_${randomUUID().slice(0, 8)}`;
    this.mongoUrl = url.toString();
  }

  /** Something to stop when the scenario ends, however it ends (last registered, first stopped). */
  onCleanup(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  worker(worker: WorkerProcess): WorkerProcess {
    this.onCleanup(() => worker.stop());
    return worker;
  }

  /** An expectation of this scenario beyond the shared invariants; all are reported together. */
  expect(ok: boolean, message: string): void {
    if (!ok) this.failures.push(message);
  }

  note(message: string): void {
    this.notes.push(message);
  }

  /** A fresh user and an approved request (or a Slack-routed one, with `overrides.slack`), watched in moto. */
  async newGrant(story: Story, label: string, overrides: Partial<AccessRequest> = {}): Promise<TrackedGrant> {
    const { request, userId } = await newRequest(overrides);
    return this.track(request, userId, story, label);
  }

  track(request: AccessRequest, principalId: string, story: Story, label: string): TrackedGrant {
    const grant: TrackedGrant = { request, principalId, workflowId: grantWorkflowId(request.requestId), story, label };
    this.grants.push(grant);
    this.watcher.watch(principalId);
    return grant;
  }

  async start(client: Client, taskQueue: string, grant: TrackedGrant): Promise<TrackedGrant> {
    grant.handle = await startAccessRequest(client, taskQueue, grant.request, testSigner());
    return grant;
  }

  /** Waits until moto lists the grant's assignment. */
  async assigned(grant: TrackedGrant, timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => this.watcher.sighting(grant.principalId).firstSeenAt,
      (seen) => seen !== undefined,
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Waits for every tracked workflow that was started here to end, and keeps its final status. */
  async ended(client: Client, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const grant of this.grants) {
      if (grant.status) continue;
      const handle = grant.handle ?? client.workflow.getHandle<typeof prodAccess>(grant.workflowId);
      const left = Math.max(1_000, deadline - Date.now());
      grant.status = await Promise.race([
        handle.result(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`${grant.workflowId} did not end within ${timeoutMs} ms`)), left),
        ),
      ]);
    }
  }

  /**
   * The shared invariants, measured now: waits (up to `catchUpMs`) for the records to show every grant's story, then
   * counts lost revocations, duplicate assignments and audit problems, verifies the chain with `keycard audit verify`
   * and computes the revoke lateness. Each broken invariant is a failure of the scenario.
   */
  async checkInvariants(options: { catchUpMs?: number; mongoUrl?: string } = {}): Promise<void> {
    const mongoUrl = options.mongoUrl ?? this.mongoUrl;
    const records = await recordsIn(mongoUrl);
    const storyComplete = async () => {
      for (const grant of this.grants) {
        const types = (await records.events(grant.request.requestId)).map((event) => event.type);
        if (types.filter((type) => !ALLOWED_EXTRA.has(type)).length < STORIES[grant.story].length) return false;
      }
      return true;
    };
    await eventually(storyComplete, (complete) => complete, {
      timeoutMs: options.catchUpMs ?? 60_000,
      intervalMs: 500,
    }).catch(() => undefined);
    // One more moto poll, so a removal in the last 200 ms is seen.
    await new Promise((resolve) => setTimeout(resolve, 400));

    let lostRevocations = 0;
    let duplicateAssignments = 0;
    const auditProblems: string[] = [];
    const lateness: { grant: string; ms: number }[] = [];
    for (const grant of this.grants) {
      const sighting = this.watcher.sighting(grant.principalId);
      const stillAssigned = await isAssignedInMoto(grant.principalId);
      if (stillAssigned) {
        lostRevocations += 1;
        this.failures.push(`${grant.workflowId}: still assigned in Identity Center (lost revocation)`);
      }
      const creations = this.creationsOf(grant.principalId);
      const duplicates = Math.max(0, creations - 1) + sighting.reappeared;
      if (duplicates > 0) {
        duplicateAssignments += duplicates;
        this.failures.push(
          `${grant.workflowId}: ${creations} CreateAccountAssignment calls created an assignment, ${sighting.reappeared} reappearances`,
        );
      }
      auditProblems.push(...(await this.auditProblemsOf(records, grant)));
      const expiresAt = grant.status?.expiresAt ?? (await records.grant(grant.request.requestId))?.expiresAt;
      if (expiresAt && sighting.goneAt !== undefined) {
        lateness.push({ grant: grant.label, ms: sighting.goneAt - new Date(expiresAt).getTime() });
      }
    }
    for (const problem of auditProblems) this.failures.push(`audit: ${problem}`);
    const chain = await verifyChain(mongoUrl);
    if (!chain.ok) this.failures.push(`keycard audit verify: ${chain.output}`);
    this.measured = {
      grants: this.grants.length,
      lostRevocations,
      duplicateAssignments,
      auditProblems,
      chainVerifies: chain.ok,
      lateness,
      worstLatenessMs: lateness.length ? Math.max(...lateness.map((entry) => entry.ms)) : undefined,
    };
  }

  latenessOf(grant: TrackedGrant): number | undefined {
    const goneAt = this.watcher.sighting(grant.principalId).goneAt;
    const expiresAt = grant.status?.expiresAt;
    return goneAt !== undefined && expiresAt ? goneAt - Date.parse(expiresAt) : undefined;
  }

  private creationsOf(principalId: string): number {
    if (this.chaos) return this.chaos.creations(principalId);
    return stand().aws.calls.filter(
      (call) =>
        call.operation === 'CreateAccountAssignment' && call.input.PrincipalId === principalId && call.status === 200,
    ).length;
  }

  private async auditProblemsOf(records: GrantRecords, grant: TrackedGrant): Promise<string[]> {
    const problems: string[] = [];
    const events = await records.events(grant.request.requestId);
    const types: string[] = events.map((event) => event.type).filter((type) => !ALLOWED_EXTRA.has(type));
    const expected = STORIES[grant.story];
    const missing = expected.filter((type) => !types.includes(type));
    if (missing.length) problems.push(`${grant.workflowId}: missing ${missing.join(', ')} (has ${types.join(', ')})`);
    for (const type of new Set(types)) {
      const count = types.filter((candidate) => candidate === type).length;
      if (count > 1) problems.push(`${grant.workflowId}: ${count} ${type} events`);
    }
    const unexpected = types.filter((type) => !expected.includes(type));
    if (unexpected.length) problems.push(`${grant.workflowId}: unexpected ${unexpected.join(', ')}`);
    if (!missing.length && !unexpected.length && types.join() !== expected.join()) {
      problems.push(`${grant.workflowId}: out of order: ${types.join(', ')}`);
    }
    const seqs = events.map((event) => event.seq);
    if (new Set(seqs).size !== seqs.length) problems.push(`${grant.workflowId}: a seq appears twice (${seqs.join()})`);
    const ids = events.map((event) => String(event._id));
    if (new Set(ids).size !== ids.length) problems.push(`${grant.workflowId}: an event _id appears twice`);
    const record = await records.grant(grant.request.requestId);
    if (record?.state !== 'revoked') problems.push(`${grant.workflowId}: the grant record says ${record?.state}`);
    return problems;
  }

  result(): ScenarioResult {
    const measured = this.measured ?? {
      grants: this.grants.length,
      lostRevocations: Number.NaN,
      duplicateAssignments: Number.NaN,
      auditProblems: ['not checked'],
      chainVerifies: false,
      lateness: [],
    };
    return {
      scenario: this.title,
      faults: this.faults,
      ...measured,
      notes: this.notes,
      failures: this.failures,
      passed: this.failures.length === 0,
      wallMs: Date.now() - this.startedAt,
    };
  }

  async cleanup(): Promise<void> {
    await this.watcher.stop();
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        this.notes.push(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.chaos?.uninstall();
  }
}

/** `keycard audit verify --json`, the auditor's own command, against one database. */
export async function verifyChain(mongoUrl: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'keycard.js'), 'audit', 'verify', '--json'],
      { env: { PATH: process.env.PATH, MONGODB_URL: mongoUrl }, cwd: PROJECT_ROOT, timeout: 60_000 },
    );
    return { ok: JSON.parse(stdout).ok === true, output: stdout.trim() };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: (failed.stdout || failed.stderr || failed.message).trim() };
  }
}

export const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
