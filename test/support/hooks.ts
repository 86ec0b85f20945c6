/** Mocha root hooks: the stand starts before the first test and stops after the last, whatever happens between. */
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { startStand, stopStand } from './stand';

// Workers in tests retry injected failures on purpose; the SDK's own warnings about them would bury the results.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});

// The code under test talks to moto only; real AWS credentials must never leave this machine in a test run.
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(300_000);
    await startStand();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopStand();
  },
};
