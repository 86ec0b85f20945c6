/**
 * Root hooks of `npm run test:chaos`: the shared stand (test/support/hooks.ts) and, at the end, docs/reliability.md
 * from what the scenarios measured. A run of only some scenarios (--grep) writes dist/chaos/reliability.md instead,
 * so the committed page always covers the whole suite.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { mochaHooks as standHooks } from '../support/hooks';
import { registeredScenarios, RESULTS_FILE } from './harness';
import { readResults, REPORT_FILE, writeReport } from './report';

const startedAt = new Date();

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    rmSync(RESULTS_FILE, { force: true });
    await standHooks.beforeAll.call(this);
  },
  async afterAll(this: Mocha.Context) {
    try {
      const results = readResults();
      const complete = results.length > 0 && results.length === registeredScenarios().length;
      const file = complete ? REPORT_FILE : path.join(path.dirname(RESULTS_FILE), 'reliability.md');
      writeReport(results, { startedAt, wallMs: Date.now() - startedAt.getTime() }, file);
      process.stdout.write(`\n  reliability report: ${path.relative(process.cwd(), file)}\n`);
    } finally {
      await standHooks.afterAll.call(this);
    }
  },
};
