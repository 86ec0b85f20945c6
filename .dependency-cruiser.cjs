/* global module */
/**
 * Keycard's layers, checked by `npm run lint` (and printed by `npm run deps`). Imports point only downward:
 *   1. src/domain      pure: grant types, durations, time, inputs, request text, policy, errors
 *   2. src/views       pure Block Kit builders, over the domain
 *   3. src/services    Identity Center, records store, audit chain and queries, reconciler: narrow ports only
 *   4. src/workflows, src/activities (thin wrappers over services), src/slack (Bolt listeners)
 *      with the infrastructure helpers (config, catalogFile, logger, mongo, temporal, embedded, observability) beside them
 *   5. src/runtime     the composition root: builds services and clients from a Config
 *   6. entry points    src/worker.ts, src/main.ts, src/cli/*: nothing imports them
 *      src/demo           `npm run demo`, entry-point-like: it composes the runtime, the Slack app and config with
 *                         a fake Slack and moto; only tests import it (for its fake Slack and signed requests)
 * Rules are written by path so they hold as folders are added or split.
 */
const INFRASTRUCTURE =
  '^src/(config|catalogFile|logger|mongo|temporal|embedded|childProcesses|observability|requests|bundleWorkflows)[.]ts$';
const ENTRY_POINT = '^src/(worker|main)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports only src/domain: no SDK, no I/O, no edges.',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'views-only-domain',
      severity: 'error',
      comment: 'Block Kit builders are pure functions of domain values (Slack types from npm are fine).',
      from: { path: '^src/views/' },
      to: { path: '^src/', pathNot: '^src/(domain|views)/' },
    },
    {
      name: 'services-below-the-edges',
      severity: 'error',
      comment:
        'Services import the domain, each other and the logger type: never workflows, activities, Slack, views, the runtime, Config or an entry point.',
      from: { path: '^src/services/' },
      to: { path: '^src/', pathNot: '^src/(domain/|services/|logger[.]ts$)' },
    },
    {
      name: 'services-without-temporal',
      severity: 'error',
      comment: 'Services get ports (WorkflowStates, SignalRevoke), never a Temporal client or SDK.',
      from: { path: '^src/services/' },
      to: { path: '(^|/)node_modules/@temporalio/' },
    },
    {
      name: 'activities-not-slack',
      severity: 'error',
      comment: 'Activities and the Slack app are siblings: neither imports the other.',
      from: { path: '^src/activities/' },
      to: { path: '^src/slack/' },
    },
    {
      name: 'slack-not-activities',
      severity: 'error',
      comment: 'Activities and the Slack app are siblings: neither imports the other.',
      from: { path: '^src/slack/' },
      to: { path: '^src/activities/' },
    },
    {
      name: 'workflows-not-edges',
      severity: 'error',
      comment:
        'Workflow code sees the domain, its own modules and the activity types; services, Slack, views, infrastructure and the runtime stay outside the sandbox.',
      from: { path: '^src/workflows/' },
      to: { path: [`^src/(services|slack|views|runtime|cli)/`, INFRASTRUCTURE, ENTRY_POINT] },
    },
    {
      name: 'infrastructure-below-the-root',
      severity: 'error',
      comment:
        'Infrastructure helpers sit under the composition root: they never reach activities, Slack, views or the runtime.',
      from: { path: INFRASTRUCTURE },
      to: { path: '^src/(activities|slack|views|runtime|cli)/' },
    },
    {
      name: 'runtime-only-from-entry-points',
      severity: 'error',
      comment: 'Only the entry points (and the demo, which is one) use the composition root.',
      from: { path: '^src/', pathNot: ['^src/(runtime|cli|demo)/', ENTRY_POINT] },
      to: { path: '^src/runtime/' },
    },
    {
      name: 'no-entry-point-imports',
      severity: 'error',
      comment: 'worker.ts and main.ts are run, never imported.',
      from: {},
      to: { path: ENTRY_POINT },
    },
    {
      name: 'cli-only-from-cli',
      severity: 'error',
      comment: 'The keycard commands are an entry point: only the CLI itself imports its modules.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'demo-only-from-demo',
      severity: 'error',
      comment: 'The demo is an entry point: nothing in Keycard imports it (the tests may, for its fake Slack).',
      from: { path: '^src/', pathNot: '^src/demo/' },
      to: { path: '^src/demo/' },
    },
    {
      name: 'demo-above-the-root',
      severity: 'error',
      comment:
        'The demo plays Slack and AWS around Keycard as it runs: the runtime, the Slack app, config and infrastructure, never the inside of workflows or activities.',
      from: { path: '^src/demo/' },
      to: { path: ['^src/(workflows|activities|cli)/', ENTRY_POINT] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|[.]tools)/' },
    // Type-only imports count: a layer that names a higher layer's types still depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
