import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

/** The settings every Keycard process needs, with valid example values: tests of the config start from these. */
export const REQUIRED_ENV = {
  MONGODB_URL: 'mongodb://127.0.0.1:27017/keycard',
  AWS_REGION: 'eu-west-1',
  IDENTITY_CENTER_INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
  IDENTITY_STORE_ID: 'd-1234567890',
  TARGET_ACCOUNT_ID: '123456789012',
  PERMISSION_SET_ARN: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
} as const;

/** The front-door key (KEYCARD_SIGNING_KEY) every test worker checks proofs with, and every test signs with. */
export const TEST_SIGNING_KEY = 'test-signing-key-not-a-secret-0123456789abcdef';

/** What loadConfig refuses `env` for, each problem as it says it; fails the test when `env` is accepted. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}
