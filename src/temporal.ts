/**
 * Connecting to Temporal (local, self-hosted with TLS/mTLS, or Temporal Cloud with an API key) and registering
 * Keycard's search attributes where the server allows it.
 */
import { readFile } from 'node:fs/promises';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config';
import type { Logger } from './logger';
import { searchAttributeDefinitions } from './workflows/definitions';

type TemporalSettings = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;

export async function temporalConnectionOptions(config: TemporalSettings): Promise<NativeConnectionOptions> {
  const useTls = config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY) || Boolean(config.TEMPORAL_TLS_CERT_PATH);
  const tls = useTls
    ? {
        serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME,
        serverRootCACertificate: config.TEMPORAL_TLS_CA_PATH ? await readFile(config.TEMPORAL_TLS_CA_PATH) : undefined,
        clientCertPair:
          config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
            ? { crt: await readFile(config.TEMPORAL_TLS_CERT_PATH), key: await readFile(config.TEMPORAL_TLS_KEY_PATH) }
            : undefined,
      }
    : undefined;
  return { address: config.TEMPORAL_ADDRESS, tls, apiKey: config.TEMPORAL_API_KEY };
}

export async function connectWorker(config: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(await temporalConnectionOptions(config));
}

export async function connectClient(config: TemporalSettings): Promise<Connection> {
  const { address, tls, apiKey } = await temporalConnectionOptions(config);
  return Connection.connect({ address, tls, apiKey });
}

/**
 * Registers the ProdAccess* search attributes. ALREADY_EXISTS counts as success; servers that refuse (Temporal Cloud
 * manages them in its own console) are logged with the command to run instead.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  logger: Logger,
): Promise<void> {
  const toIndexed: Record<string, number> = {
    [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  };
  const wanted = Object.fromEntries(searchAttributeDefinitions.map(({ name, type }) => [name, toIndexed[type]]));
  try {
    let missing = wanted;
    try {
      const existing = await connection.operatorService.listSearchAttributes({ namespace });
      missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !(name in existing.customAttributes)));
    } catch {
      // Some servers (the time-skipping test server) add but cannot list: add each, ALREADY_EXISTS is fine.
    }
    for (const [name, type] of Object.entries(missing)) {
      try {
        await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: type } });
        logger.info({ searchAttribute: name }, 'registered search attribute');
      } catch (error) {
        if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
      }
    }
  } catch (error) {
    logger.warn(
      { err: error },
      'could not register the ProdAccess* search attributes; register them once with ' +
        searchAttributeDefinitions
          .map(
            ({ name, type }) =>
              `temporal operator search-attribute create --name ${name} --type ${type === 'DATETIME' ? 'Datetime' : 'Keyword'}`,
          )
          .join(' && '),
    );
  }
}
