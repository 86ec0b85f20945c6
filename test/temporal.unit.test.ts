/**
 * The connection options Keycard builds from TEMPORAL_* settings: plain for a local server, TLS for a self-hosted one,
 * mTLS with a client pair and a private CA, and TLS with an API key for Temporal Cloud.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { temporalConnectionOptions } from '../src/temporal';
import { REQUIRED_ENV } from './support/configEnv';

/** The options built from these settings, read through the one config loader as Keycard reads them. */
const optionsFor = (env: Record<string, string>) => temporalConnectionOptions(loadConfig({ ...REQUIRED_ENV, ...env }));

describe('Temporal connection options from the environment', function () {
  let dir: string;
  const file = (name: string, content: string) => {
    const where = path.join(dir, name);
    writeFileSync(where, content);
    return where;
  };
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keycard-tls-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a local server: the address, no TLS and no API key', async () => {
    assert.deepEqual(await optionsFor({}), { address: 'localhost:7233', tls: undefined, apiKey: undefined });
  });

  it('TEMPORAL_TLS=true: TLS with the system CAs, no client certificate', async () => {
    const options = await optionsFor({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS: 'true' });
    assert.deepEqual(options, {
      address: 'temporal.internal:7233',
      tls: { serverNameOverride: undefined, serverRootCACertificate: undefined, clientCertPair: undefined },
      apiKey: undefined,
    });
  });

  it('TEMPORAL_TLS=false keeps a plain connection', async () => {
    assert.equal((await optionsFor({ TEMPORAL_TLS: 'false' })).tls, undefined);
  });

  it('an mTLS client pair, a private CA and a server name are read from their files', async () => {
    const options = await optionsFor({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT_PATH: file('client.pem', 'CLIENT CERT'),
      TEMPORAL_TLS_KEY_PATH: file('client.key', 'CLIENT KEY'),
      TEMPORAL_TLS_CA_PATH: file('ca.pem', 'PRIVATE CA'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com',
    });
    const tls = options.tls as {
      serverNameOverride?: string;
      serverRootCACertificate?: Buffer;
      clientCertPair?: { crt: Buffer; key: Buffer };
    };
    assert.ok(tls, 'a client certificate turns TLS on without TEMPORAL_TLS');
    assert.equal(tls.serverNameOverride, 'temporal.example.com');
    assert.equal(tls.serverRootCACertificate?.toString(), 'PRIVATE CA');
    assert.equal(tls.clientCertPair?.crt.toString(), 'CLIENT CERT');
    assert.equal(tls.clientCertPair?.key.toString(), 'CLIENT KEY');
    assert.equal(options.apiKey, undefined);
  });

  it('a missing certificate file fails at start-up, naming the file', async () => {
    const missing = path.join(dir, 'absent.pem');
    await assert.rejects(
      optionsFor({ TEMPORAL_TLS_CERT_PATH: missing, TEMPORAL_TLS_KEY_PATH: file('only.key', 'KEY') }),
      (error: NodeJS.ErrnoException) => error.code === 'ENOENT' && error.path === missing,
    );
  });

  it('TEMPORAL_API_KEY (Temporal Cloud): the key is sent, over TLS', async () => {
    const options = await optionsFor({
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'keycard.a1b2c',
      TEMPORAL_API_KEY: 'cloud-api-key-value',
    });
    assert.equal(options.address, 'eu-west-1.aws.api.temporal.io:7233');
    assert.equal(options.apiKey, 'cloud-api-key-value');
    assert.deepEqual(options.tls, {
      serverNameOverride: undefined,
      serverRootCACertificate: undefined,
      clientCertPair: undefined,
    });
  });
});
