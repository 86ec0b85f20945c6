/**
 * `keycard catalog check FILE`: validates a target catalog offline, exactly as start-up validates CATALOG_FILE, so a
 * CI job can check the file before it is deployed. No other setting is needed: a target's max is checked against
 * `--max-total-grant-duration`, else MAX_TOTAL_GRANT_DURATION from the environment, else Keycard's default (12h), as
 * the worker would. Exit 0 valid (one line per target), 1 with problems (one line each), 2 when the file cannot be
 * read or the limit is not a duration.
 */
import type { Command } from 'commander';
import { readCatalogFile, type CatalogReading } from '../catalogFile';
import type { CatalogTarget } from '../domain/catalog';
import { formatDuration, parseDuration } from '../domain/duration';
import { DEFAULT_MAX_TOTAL_DURATION } from '../domain/grant';
import { print, printError } from './output';

export function registerCatalog(keycard: Command): void {
  const catalog = keycard.command('catalog').description('the target catalog (CATALOG_FILE)');
  catalog
    .command('check')
    .description('validate a catalog file as start-up does, offline')
    .argument('<file>', 'the catalog YAML file')
    .option(
      '--max-total-grant-duration <duration>',
      `the longest a grant may last with its extensions, as the worker's MAX_TOTAL_GRANT_DURATION (default: that variable, else ${DEFAULT_MAX_TOTAL_DURATION})`,
    )
    .action((file: string, options: { maxTotalGrantDuration?: string }) => {
      const limit =
        options.maxTotalGrantDuration ?? (process.env.MAX_TOTAL_GRANT_DURATION || DEFAULT_MAX_TOTAL_DURATION);
      let maxTotalMs: number;
      try {
        maxTotalMs = parseDuration(limit);
      } catch {
        printError(
          `keycard: the longest total grant "${limit}" is not a duration (example: --max-total-grant-duration 12h)\n`,
        );
        process.exitCode = 2;
        return;
      }
      let reading: CatalogReading;
      try {
        reading = readCatalogFile(file, { maxTotalMs });
      } catch (error) {
        printError(`keycard: cannot read ${file}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (!reading.catalog) {
        print(reading.problems.map((problem) => `${problem}\n`).join(''));
        print(`${reading.problems.length} problem(s) in ${file}\n`);
        process.exitCode = 1;
        return;
      }
      print(reading.catalog.targets.map((target) => `${summary(target)}\n`).join(''));
    });
}

function summary(target: CatalogTarget): string {
  const { defaultMs, maxMs } = target.duration;
  return [
    `${target.key}: ${target.name}`,
    `${target.accounts.map((account) => `${account.name} (${account.id})`).join(', ')}`,
    target.permissionSetArn,
    `${formatDuration(defaultMs)} by default, at most ${formatDuration(maxMs)}`,
    `requesters ${target.requesters?.join(', ') ?? 'everyone'}`,
    `approvers ${target.approvers.join(', ')}`,
    `in ${target.channel ?? 'APPROVER_CHANNEL'}`,
  ].join('; ');
}
