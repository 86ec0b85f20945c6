/** The Identity Center service with its AWS clients, built once per process. */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { Config } from '../config';
import { IdentityCenter } from '../services/identityCenter';
import { CallPacer, paceCalls } from '../services/pacing';

export interface IdentityCenterOptions {
  region: string;
  endpoint?: string;
  instanceArn: string;
  identityStoreId: string;
  pollIntervalMs: number;
  /** SSO Admin API calls per second from this process (IDENTITY_CENTER_RATE); unpaced when absent. */
  callsPerSecond?: number;
}

/**
 * One AWS client pair per process; the SDK retries throttling and 5xx itself before Temporal's retry policy does.
 * SSO Admin calls (assignments, their status, listings) share one pacer; the Identity Store lookup has its own quota.
 */
export function createIdentityCenter(options: IdentityCenterOptions): IdentityCenter {
  const clientConfig = {
    region: options.region,
    endpoint: options.endpoint,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
  const ssoAdmin = new SSOAdminClient(clientConfig);
  if (options.callsPerSecond) paceCalls(ssoAdmin, new CallPacer(options.callsPerSecond));
  return new IdentityCenter(ssoAdmin, new IdentitystoreClient(clientConfig), {
    instanceArn: options.instanceArn,
    identityStoreId: options.identityStoreId,
    pollIntervalMs: options.pollIntervalMs,
  });
}

export function identityCenterFrom(config: Config): IdentityCenter {
  return createIdentityCenter({
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL,
    instanceArn: config.IDENTITY_CENTER_INSTANCE_ARN,
    identityStoreId: config.IDENTITY_STORE_ID,
    pollIntervalMs: config.IDENTITY_CENTER_POLL_INTERVAL,
    callsPerSecond: config.IDENTITY_CENTER_RATE,
  });
}
