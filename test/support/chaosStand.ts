/**
 * The parts of the stand a chaos scenario breaks on purpose: its own FerretDB and Temporal dev server (on files, so a
 * restart keeps their data), Keycard workers as real processes that can be SIGKILLed and restarted, and a watcher
 * that asks moto itself, several times a second, which assignments exist.
 */
import { paginateListAccountAssignments, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ferretDbArgs, temporalDevServerArgs } from '../../src/embedded';
import { freePort, PROJECT_ROOT, startProcess, tempDir, tool, waitUntilReady, type ServerProcess } from './processes';
import { awsClientConfig, identityCenterEnv, stand } from './stand';
import { TEST_SIGNING_KEY } from './configEnv';

/** A server the scenario may stop, freeze and bring back on the same port and the same data. */
export interface RestartableServer {
  readonly name: string;
  /** SIGKILL: gone at once, as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: the process stays, its sockets accept and never answer (a hung store). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts it again on the same port and data; resolves once it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  pid(): number | undefined;
}

abstract class OwnServer implements RestartableServer {
  protected current?: ServerProcess;
  constructor(readonly name: string) {}

  protected abstract launch(): ServerProcess;
  protected abstract ready(): Promise<boolean>;

  async start(): Promise<void> {
    this.current = this.launch();
    await waitUntilReady(this.current, () => this.ready(), 90_000);
  }

  pid(): number | undefined {
    return this.current?.child.pid;
  }

  async kill(): Promise<void> {
    const server = this.current;
    if (!server?.child.pid || server.child.exitCode !== null || server.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
    signalGroup(server.child.pid, 'SIGKILL');
    await exited;
    await server.stop();
  }

  freeze(): void {
    if (this.current?.child.pid) signalGroup(this.current.child.pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.current?.child.pid) signalGroup(this.current.child.pid, 'SIGCONT');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    this.thaw();
    await this.current?.stop();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** FerretDB on its own SQLite directory and port: a store a scenario can hang or take down. */
export class OwnFerretDb extends OwnServer {
  private constructor(
    private readonly port: number,
    private readonly dir: string,
  ) {
    super('ferretdb-chaos');
  }

  static async start(): Promise<OwnFerretDb> {
    const server = new OwnFerretDb(await freePort(), tempDir('ferretdb-chaos'));
    await server.start();
    return server;
  }

  /** A MongoDB URL for a database of this server. */
  url(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }

  protected launch(): ServerProcess {
    return startProcess(
      this.name,
      tool('ferretdb'),
      ferretDbArgs({ dir: this.dir, port: this.port, logLevel: 'error' }),
    );
  }

  protected async ready(): Promise<boolean> {
    const client = new MongoClient(this.url('ping'), { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.db('ping').command({ ping: 1 });
      return true;
    } finally {
      await client.close();
    }
  }
}

/** A Temporal dev server on its own SQLite file and ports: one a scenario can kill and restart on its history. */
export class OwnTemporal extends OwnServer {
  private constructor(
    private readonly port: number,
    private readonly uiPort: number,
    private readonly dbFile: string,
  ) {
    super('temporal-chaos');
  }

  static async start(): Promise<OwnTemporal> {
    const server = new OwnTemporal(
      await freePort(),
      await freePort(),
      path.join(tempDir('temporal-chaos'), 'temporal.db'),
    );
    await server.start();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  protected launch(): ServerProcess {
    return startProcess(
      this.name,
      tool('temporal'),
      temporalDevServerArgs({ port: this.port, uiPort: this.uiPort, dbFile: this.dbFile, logLevel: 'error' }),
    );
  }

  protected async ready(): Promise<boolean> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await connection.close();
    }
  }
}

export interface WorkerProcessOptions {
  name: string;
  temporalAddress: string;
  mongoUrl: string;
  taskQueue: string;
  /** More environment: Slack settings, reconcile settings. */
  env?: Record<string, string>;
}

/**
 * `node dist/src/worker.js`, configured by environment as production runs it, in its own process group so it can be
 * SIGKILLed mid-activity and started again.
 */
export class WorkerProcess {
  private current?: ServerProcess;
  /** When the latest start became ready (ms since the epoch). */
  readyAt = 0;
  readonly starts: number[] = [];

  constructor(readonly options: WorkerProcessOptions) {}

  static async start(options: WorkerProcessOptions): Promise<WorkerProcess> {
    const worker = new WorkerProcess(options);
    await worker.start();
    return worker;
  }

  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...identityCenterEnv(),
      KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
      TEMPORAL_ADDRESS: this.options.temporalAddress,
      TEMPORAL_TASK_QUEUE: this.options.taskQueue,
      MONGODB_URL: this.options.mongoUrl,
      IDENTITY_CENTER_POLL_INTERVAL: '200ms',
      // The schedule would fire on the hour; scenarios run the sweep themselves.
      RECONCILE_INTERVAL: '24h',
      // Probed once at start: a probe round would draw from the scenarios' fault dice and their Identity Center calls.
      REVOKE_PROBE_INTERVAL: '24h',
      OPS_PORT: String(await freePort()),
      TEMPORAL_METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      ...this.options.env,
    };
    const server = startProcess(this.options.name, process.execPath, [path.join(PROJECT_ROOT, 'dist/src/worker.js')], {
      cwd: tempDir(`${this.options.name}-cwd`),
      env,
    });
    this.current = server;
    await waitUntilReady(server, async () => readFileSync(server.logFile, 'utf8').includes('worker running'), 90_000);
    this.readyAt = Date.now();
    this.starts.push(this.readyAt);
  }

  pid(): number | undefined {
    return this.current?.child.pid;
  }

  running(): boolean {
    const child = this.current?.child;
    return Boolean(child && child.exitCode === null && child.signalCode === null);
  }

  /** SIGKILL: the worker dies inside whatever it was doing, heartbeats and all. */
  async kill(): Promise<void> {
    const server = this.current;
    if (!server?.child.pid || !this.running()) return;
    const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
    signalGroup(server.child.pid, 'SIGKILL');
    await exited;
    await server.stop();
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.current?.stop();
  }

  log(): string {
    try {
      return this.current ? readFileSync(this.current.logFile, 'utf8') : '';
    } catch {
      return '';
    }
  }
}

/** One assignment's life as moto lists it, seen by polling. */
export interface AssignmentSighting {
  firstSeenAt?: number;
  /** The first poll that no longer listed it after it had been listed. */
  goneAt?: number;
  /** How many times it appeared again after being gone (a second assignment of one lease shows here). */
  reappeared: number;
}

/**
 * Polls moto directly (not through the fault proxy) every `intervalMs` and notes, per principal, when its
 * assignment on the seeded target appeared and when it went away: the revoke lateness is measured from here.
 */
export class MotoWatcher {
  private readonly sightings = new Map<string, AssignmentSighting & { listed: boolean }>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;
  polls = 0;

  constructor(
    private readonly target = { accountId: stand().seed.accountId, permissionSetArn: stand().seed.permissionSetArn },
    private readonly intervalMs = 200,
  ) {}

  watch(principalId: string): void {
    if (!this.sightings.has(principalId)) this.sightings.set(principalId, { listed: false, reappeared: 0 });
  }

  start(): this {
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.poll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    tick();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  sighting(principalId: string): AssignmentSighting {
    const { firstSeenAt, goneAt, reappeared } = this.sightings.get(principalId) ?? { reappeared: 0 };
    return { firstSeenAt, goneAt, reappeared };
  }

  isListed(principalId: string): boolean {
    return Boolean(this.sightings.get(principalId)?.listed);
  }

  private async poll(): Promise<void> {
    const { motoUrl, seed } = stand();
    const listed = new Set<string>();
    try {
      const pages = paginateListAccountAssignments(
        { client: this.client ?? (this.client = new SSOAdminClient(awsClientConfig(motoUrl))) },
        {
          InstanceArn: seed.instanceArn,
          AccountId: this.target.accountId,
          PermissionSetArn: this.target.permissionSetArn,
        },
      );
      for await (const page of pages)
        for (const item of page.AccountAssignments ?? []) listed.add(String(item.PrincipalId));
    } catch {
      return; // moto busy: the next poll tells
    }
    const now = Date.now();
    this.polls += 1;
    for (const [principalId, sighting] of this.sightings) {
      const isListed = listed.has(principalId);
      if (isListed && !sighting.listed) {
        if (sighting.firstSeenAt === undefined) sighting.firstSeenAt = now;
        else sighting.reappeared += 1;
        sighting.goneAt = undefined;
      }
      if (!isListed && sighting.listed) sighting.goneAt = now;
      sighting.listed = isListed;
    }
  }

  private client?: SSOAdminClient;
}
