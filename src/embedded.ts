/**
 * `npm start` on a fresh machine: when TEMPORAL_ADDRESS is unset, a Temporal dev server (from the tools the project
 * installs into .tools/) on the standard ports 7233 / Web UI 8233 unless taken, persisting to .data/; when
 * MONGODB_URL is unset, FerretDB with SQLite under .data/. Both stop when Keycard stops.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { installedTool, killGroup, launch, portOr, PROJECT_ROOT, stopChild, untilReady } from './childProcesses';
import type { Logger } from './logger';
import { searchAttributeDefinitions } from './workflows/definitions';

export interface EmbeddedServices {
  /** Environment to add: TEMPORAL_ADDRESS and/or MONGODB_URL of what was started. */
  env: Record<string, string>;
  /** The embedded Temporal dev server's Web UI, when one was started. */
  temporalUiUrl?: string;
  stop(): Promise<void>;
}

export async function startEmbeddedServices(env: NodeJS.ProcessEnv, logger: Logger): Promise<EmbeddedServices> {
  const dataDir = path.resolve(env.KEYCARD_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
  };
  process.once('exit', () => children.forEach((child) => killGroup(child, 'SIGKILL')));
  const added: Record<string, string> = {};
  let temporalUiUrl: string | undefined;
  try {
    if (!env.TEMPORAL_ADDRESS) {
      mkdirSync(dataDir, { recursive: true });
      const port = await portOr(7233);
      const uiPort = await portOr(8233);
      const child = launch(
        tool('temporal'),
        temporalDevServerArgs({ port, uiPort, dbFile: path.join(dataDir, 'temporal.db'), logLevel: 'warn' }),
        path.join(dataDir, 'temporal.log'),
      );
      children.push(child);
      added.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
      temporalUiUrl = `http://127.0.0.1:${uiPort}`;
      await until(child, 'Temporal dev server', async () => {
        const connection = await Connection.connect({ address: added.TEMPORAL_ADDRESS, connectTimeout: 1_000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: 'default' });
        } finally {
          await connection.close();
        }
      });
      logger.info(
        {
          address: added.TEMPORAL_ADDRESS,
          webUi: `http://127.0.0.1:${uiPort}`,
          data: path.join(dataDir, 'temporal.db'),
        },
        `embedded Temporal dev server running; Web UI at http://127.0.0.1:${uiPort}`,
      );
    }
    if (!env.MONGODB_URL) {
      const storeDir = path.join(dataDir, 'ferretdb');
      mkdirSync(storeDir, { recursive: true });
      const port = await portOr(27017);
      const child = launch(
        tool('ferretdb'),
        ferretDbArgs({ dir: storeDir, port, logLevel: 'warn' }),
        path.join(dataDir, 'ferretdb.log'),
      );
      children.push(child);
      added.MONGODB_URL = `mongodb://127.0.0.1:${port}/keycard`;
      await until(child, 'FerretDB', async () => {
        const client = new MongoClient(added.MONGODB_URL, { serverSelectionTimeoutMS: 1_000 });
        try {
          await client.db('keycard').command({ ping: 1 });
        } finally {
          await client.close();
        }
      });
      logger.info({ url: added.MONGODB_URL, data: storeDir }, 'embedded MongoDB-compatible store (FerretDB) running');
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: added, temporalUiUrl, stop };
}

/** `temporal server start-dev` on 127.0.0.1 with the ProdAccess* search attributes (the test stand uses it too). */
export function temporalDevServerArgs(options: {
  port: number;
  uiPort: number;
  dbFile?: string;
  logLevel: string;
}): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-ip',
    '127.0.0.1',
    '--ui-port',
    String(options.uiPort),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    '--log-level',
    options.logLevel,
    ...searchAttributeDefinitions.flatMap(({ name, type }) => [
      '--search-attribute',
      `${name}=${type === 'DATETIME' ? 'Datetime' : 'Keyword'}`,
    ]),
  ];
}

/** FerretDB with its SQLite backend in `dir`, on 127.0.0.1 (the test stand uses it too). */
export function ferretDbArgs(options: { dir: string; port: number; logLevel: string }): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${options.dir}/`,
    `--listen-addr=127.0.0.1:${options.port}`,
    '--state-dir=-',
    '--debug-addr=-',
    '--telemetry=disable',
    `--log-level=${options.logLevel}`,
  ];
}

function tool(name: string): string {
  return installedTool(
    name,
    `run \`npm run tools\` (npm start does it) or set ${name === 'temporal' ? 'TEMPORAL_ADDRESS' : 'MONGODB_URL'}`,
  );
}

function until(child: ChildProcess, name: string, ready: () => Promise<void>): Promise<void> {
  return untilReady(child, name, ready, 'see its log under .data/');
}
