/**
 * `keycard reconcile [--mode report|enforce] [--dry-run]`: the reconcile sweep as a plain command, for cron when
 * the Temporal cluster itself is down. Exit 0 when clean, 1 when it acted or found drift, 2 on error (including an item
 * of the sweep that failed and was skipped).
 */
import type { Command } from 'commander';
import { loadConfig, loadDotEnv } from '../config';
import { createLogger } from '../logger';
import { connectDependencies } from '../runtime/dependencies';
import { connectTemporalIfUp } from '../runtime/temporalIfUp';
import type { ReconcileRun } from '../runtime/reconciler';
import { jsonText, print, printError } from './output';
import { actedOrFound, hadErrors, type ReconcileMode } from '../services/reconcile';

export function registerReconcile(keycard: Command): void {
  keycard
    .command('reconcile')
    .description('revoke overdue grants, re-check revocations, and report (or remove) standing access')
    .option('--mode <mode>', 'report: tell the approvers about standing access; enforce: also remove it')
    .option('--dry-run', 'say what would be done; change nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { mode?: string; dryRun?: boolean; json?: boolean }) => {
      loadDotEnv();
      const config = loadConfig();
      const mode = (options.mode ?? config.RECONCILE_MODE) as ReconcileMode;
      if (mode !== 'report' && mode !== 'enforce') throw new Error(`--mode must be report or enforce, not "${mode}"`);
      // Logs go to stderr: stdout is the summary.
      const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
      const temporal = await connectTemporalIfUp(config);
      const { mongo, reconciler } = await connectDependencies(config, logger, temporal?.client);
      try {
        const summary = await reconciler.run({ mode, dryRun: Boolean(options.dryRun) });
        if (!temporal) {
          printError('keycard: Temporal is unreachable; overdue grants are revoked without asking their workflows\n');
        }
        print(options.json ? `${jsonText(summary, 2)}\n` : describe(summary));
        process.exitCode = hadErrors(summary) ? 2 : actedOrFound(summary) ? 1 : 0;
      } finally {
        await mongo.client.close();
        await temporal?.connection.close();
      }
    });
}

function describe(summary: ReconcileRun): string {
  const lines = [
    `reconcile ${summary.dryRun ? '(dry run) ' : ''}in ${summary.mode} mode at ${summary.at}`,
    `  checked: ${summary.checked.overdue} overdue, ${summary.checked.revoked} recent revocations, ${summary.checked.assignments} assignments, ${summary.checked.active} active grants`,
    `  revoked: ${summary.revoked}  handed over: ${summary.handedOver}  alerted: ${summary.alerted}  drift found: ${summary.driftFound}  drift removed: ${summary.driftRemoved}  changed outside Keycard: ${summary.changedOutsideKeycard}  protected: ${summary.protected}  errors: ${summary.errors}`,
    ...summary.findings.map((finding) => `  - ${finding.kind}: ${finding.detail}`),
    ...(summary.checkpoint
      ? [`  audit checkpoint: event ${summary.checkpoint.chainSeq} signed, ${summary.checkpoint.name}`]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
