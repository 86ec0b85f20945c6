/**
 * What a platform team watches: Prometheus metrics (Keycard's own and the Temporal SDK's), and /healthz and /readyz,
 * served on OPS_PORT by one small HTTP server in each Keycard process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MongoClient } from 'mongodb';
import { endingOf } from './domain/ending';
import type { GrantEventInput } from './services/records';
import type { Config } from './config';
import type { Connection } from '@temporalio/client';
import { connectClient } from './temporal';
import type { Logger } from './logger';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'keycard_process_' });

export const metrics = {
  requests: new Counter({ name: 'keycard_requests_total', help: 'Access requests started', registers: [registry] }),
  decisions: new Counter({
    name: 'keycard_decisions_total',
    help: 'Decisions on requests and extensions',
    labelNames: ['decision'] as const,
    registers: [registry],
  }),
  liveGrants: new Gauge({
    name: 'keycard_live_grants',
    help: 'Grants active in Identity Center right now (from the grant records)',
    registers: [registry],
  }),
  grantLatency: new Histogram({
    name: 'keycard_grant_latency_seconds',
    help: 'From approval (or the start, when pre-approved) to Identity Center SUCCEEDED',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  }),
  revokeLateness: new Histogram({
    name: 'keycard_revoke_lateness_seconds',
    help: 'From a grant expiry to its confirmed revocation',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  }),
  failures: new Counter({
    name: 'keycard_failures_total',
    help: 'Failed grants, failing revoke rounds and reconciler findings',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  revokePathReady: new Gauge({
    name: 'keycard_revoke_path_ready',
    help: 'Whether the last revoke readiness probe could reach and was permitted the Identity Center calls a revoke makes (1) or not (0)',
    registers: [registry],
  }),
  revokeProbeFailures: new Counter({
    name: 'keycard_revoke_probe_failures_total',
    help: 'Revoke readiness probes that failed (access denied, bad credentials, Identity Center unreachable)',
    registers: [registry],
  }),
};

/**
 * What the worker's revoke readiness probe last found (src/runtime/revokeProbe.ts): /readyz is not ready while it
 * fails, and until its first answer in a process that runs one.
 */
const revokePath: { probing: boolean; problem?: string } = { probing: false };

/** A process that runs the revoke probe says so first: until its first answer, /readyz is not ready. */
export function expectRevokeProbe(): void {
  revokePath.probing = true;
  revokePath.problem ??= 'no probe has answered yet';
}

/** Records one probe's answer: undefined when Keycard can revoke, else what stops it. */
export function observeRevokeProbe(problem: string | undefined): void {
  revokePath.probing = true;
  revokePath.problem = problem;
  metrics.revokePathReady.set(problem ? 0 : 1);
  if (problem) metrics.revokeProbeFailures.inc();
}

/** The readiness check of the revoke path: fails while the probe does (a process without a probe has none). */
export const revokePathReadiness: ReadinessCheck = {
  name: 'revoke path',
  check: async () => {
    if (revokePath.probing && revokePath.problem) throw new Error(revokePath.problem);
  },
};

/** Turns a newly recorded grant event into metrics (called once per event, after it is stored). */
export function observeGrantEvent(event: GrantEventInput): void {
  const grant = event.grant;
  switch (event.type) {
    case 'requested':
      metrics.requests.inc();
      break;
    case 'approved':
    case 'denied':
    case 'extended':
    case 'extension_denied':
      metrics.decisions.inc({ decision: event.type });
      break;
    case 'granted': {
      const approvedAt =
        [...grant.history].reverse().find((entry) => entry.type === 'approved')?.at ?? grant.history[0]?.at;
      if (approvedAt) metrics.grantLatency.observe((Date.parse(event.at) - Date.parse(approvedAt)) / 1000);
      break;
    }
    case 'revoked':
      if (endingOf(grant) === 'expired' && grant.expiresAt) {
        metrics.revokeLateness.observe(Math.max(0, Date.parse(event.at) - Date.parse(grant.expiresAt)) / 1000);
      }
      break;
    case 'grant_failed':
      metrics.failures.inc({ kind: 'grant_failed' });
      break;
    case 'refused':
      // No valid proof from Keycard's front door: someone with Temporal access tried; the alert says more.
      metrics.failures.inc({ kind: 'refused' });
      break;
    case 'revoke_failing':
      metrics.failures.inc({ kind: 'revoke_failing' });
      break;
    default:
      break;
  }
}

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface OpsServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Counts live grants for the gauge at each scrape. */
  liveGrants?: () => Promise<number>;
  /** The Temporal SDK's own Prometheus exporter, appended to /metrics. */
  sdkMetricsUrl?: string;
}

/**
 * /healthz: the process answers. /readyz: every readiness check passes (Temporal and MongoDB answer, the revoke path
 * probe succeeds), else 503 naming what does not. /metrics.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return reply(200, 'ok\n');
    if (path === '/readyz') {
      void readiness(options.readiness).then((failures) =>
        failures.length === 0 ? reply(200, 'ready\n') : reply(503, `not ready: ${failures.join('; ')}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      void (async () => {
        if (options.liveGrants) metrics.liveGrants.set(await options.liveGrants().catch(() => Number.NaN));
        let body = await registry.metrics();
        if (options.sdkMetricsUrl) {
          body += await fetch(options.sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) })
            .then((response) => response.text())
            .catch(() => '');
        }
        reply(200, body, registry.contentType);
      })().catch((error: Error) => reply(500, error.message));
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '0.0.0.0', resolve));
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port, endpoints: ['/healthz', '/readyz', '/metrics'] }, 'ops endpoints listening');
  return { server, port };
}

async function readiness(checks: ReadinessCheck[]): Promise<string[]> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3_000)),
        ]);
        return undefined;
      } catch (error) {
        return `${name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  return results.filter((failure): failure is string => failure !== undefined);
}

/** The Temporal SDK logs through Keycard's logger and exports its metrics for /metrics to append. */
export function installTemporalRuntime(logger: Logger, metricsBindAddress?: string): void {
  const temporalLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      const level = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : 'info';
      temporalLogger[level](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsBindAddress ? { metrics: { prometheus: { bindAddress: metricsBindAddress } } } : {}),
    },
  });
}

/**
 * The ops endpoints of a Keycard process, wired to its configuration: readiness asks Temporal and MongoDB and reads
 * the revoke probe's last answer, the live-grants gauge counts active grant records, /metrics appends the SDK's exporter.
 */
export async function startOpsFor(
  config: Config,
  logger: Logger,
  /** The process's own Temporal client connection, when it has one; otherwise one is opened (and closed) here. */
  shared?: Connection,
): Promise<{ close(): Promise<void> }> {
  const connection = shared ?? (await connectClient(config));
  const mongo = new MongoClient(config.MONGODB_URL, { serverSelectionTimeoutMS: 2_000 });
  const ops = await startOpsServer({
    port: config.OPS_PORT,
    logger,
    sdkMetricsUrl: `http://${sdkMetricsAddress(config)}/metrics`,
    liveGrants: () => mongo.db().collection('grants').countDocuments({ state: 'active' }),
    readiness: [
      { name: 'temporal', check: async () => void (await connection.workflowService.getSystemInfo({})) },
      { name: 'mongodb', check: async () => void (await mongo.db().command({ ping: 1 })) },
      revokePathReadiness,
    ],
  });
  return {
    async close() {
      ops.server.close();
      await mongo.close();
      if (!shared) await connection.close();
    },
  };
}

/** Where the Temporal SDK's Prometheus exporter listens: TEMPORAL_METRICS_PORT, or next to the ops port. */
export function sdkMetricsAddress(config: Config): string {
  return `127.0.0.1:${config.TEMPORAL_METRICS_PORT ?? config.OPS_PORT + 1}`;
}
