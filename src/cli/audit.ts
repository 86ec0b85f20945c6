/**
 * `keycard audit …`: the audit trail for auditors. `verify` walks the hash chain and checks it against every signed
 * checkpoint (exit 0 intact, 1 broken), `head` prints the head to pin elsewhere, `who --at` says who held access at a
 * moment, `list` prints the events and `grants` one row per grant with its lifetime. MONGODB_URL is all they need;
 * `verify` also reads the checkpoints when AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET are set.
 */
import type { Command } from 'commander';
import { loadAuditConfig, loadDotEnv, loadMongoConfig } from '../config';
import { parseMoment } from '../domain/time';
import { auditCheckpointsFrom } from '../runtime/auditCheckpoints';
import { openRecords } from '../runtime/dependencies';
import { AuditQueries, type EventQuery, type GrantLifetime } from '../services/audit/auditQueries';
import { formatPin, GENESIS_HASH, parsePin, type VerifyResult } from '../services/audit/chainLinks';
import type { CheckpointReading } from '../services/audit/checkpoints';
import type { AuditEvent, GrantRecords } from '../services/records';
import {
  formatRows,
  jsonText,
  parseFormat,
  print,
  printError,
  tableTarget,
  tableTime,
  type Column,
  type Row,
} from './output';

const FORMAT_HELP = 'table (aligned columns), json (an array of records) or csv (RFC 4180)';
const TIME_HELP =
  'an ISO time or "YYYY-MM-DD HH:MM", optionally followed by a zone (Z, +02:00, Europe/Berlin); no zone means --tz';

interface FilterOptions {
  user?: string;
  target?: string;
  tz: string;
  format: string;
}

export function registerAudit(keycard: Command): void {
  const audit = keycard
    .command('audit')
    .description('the tamper-evident audit trail: verify it, pin its head, ask who had access when and why');

  audit
    .command('verify')
    .description(
      'walk the hash chain and check it against every signed checkpoint: exit 0 when intact, 1 naming the first bad sequence number or the checkpoint it contradicts',
    )
    .option('--head <pin>', 'also check a head pinned earlier, written <hash>@<sequence number> (from `audit head`)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { head?: string; json?: boolean }) => {
      const pinned = options.head === undefined ? undefined : parsePin(options.head);
      loadDotEnv();
      const config = loadAuditConfig();
      const checkpoints = auditCheckpointsFrom(config);
      // Checkpoints first, the chain after: one signed while the chain is walked is not read, so it cannot look
      // like a head the chain has not reached.
      const reading = await checkpoints?.read();
      await withRecords(async (records) => {
        const vouched = (reading?.trusted ?? []).map(({ name, chainSeq, hash }) => ({
          chainSeq,
          hash,
          checkpoint: name,
        }));
        const result = await records.chain.verify(pinned, vouched);
        const protection = checkpoints
          ? { location: checkpoints.location, checked: reading?.trusted.length ?? 0, problems: reading?.problems ?? [] }
          : null;
        print(
          options.json
            ? `${jsonText({ ...result, checkpoints: protection }, 2)}\n`
            : describeVerify(result, pinned) + describeCheckpoints(result, reading, checkpoints?.location),
        );
        process.exitCode = result.ok && (reading?.problems.length ?? 0) === 0 ? 0 : 1;
      });
    });

  audit
    .command('head')
    .description('print the chain head as JSON, to pin somewhere the database admins cannot write')
    .action(async () => {
      await withRecords(async (records) => {
        const head = await records.chain.head();
        const printed = head
          ? { chainSeq: head.chainSeq, hash: head.hash, at: head.at?.toISOString() ?? null, pin: formatPin(head) }
          : { chainSeq: 0, hash: GENESIS_HASH, at: null, pin: null };
        print(`${jsonText(printed)}\n`);
      });
    });

  filterOptions(
    audit
      .command('who')
      .description('who held production access at a moment: target, reason, approver, from when to when')
      .option('--at <time>', `the moment (now when not given): ${TIME_HELP}`, 'now'),
  ).action(async (options: FilterOptions & { at: string }) => {
    const format = parseFormat(options.format);
    const at = parseMoment(options.at, options.tz);
    await withRecords(async (records) => {
      const queries = new AuditQueries(records);
      const held = await queries.heldAt(at, options);
      const rows = held.map(lifetimeRow);
      if (format !== 'table') print(formatRows(rows, WHO_COLUMNS, format));
      else if (rows.length === 0) print(`Nobody held production access at ${at.toISOString()}.\n`);
      else print(`At ${at.toISOString()}:\n${formatRows(rows, WHO_COLUMNS, format)}`);
      reportAltered(queries);
    });
  });

  filterOptions(
    periodOptions(
      audit
        .command('list')
        .description('the audit events in a period, oldest first')
        .option('--type <types>', 'only these event types, comma-separated (e.g. granted,revoked)'),
    ),
  ).action(async (options: FilterOptions & PeriodOptions & { type?: string }) => {
    const format = parseFormat(options.format);
    const query = eventQuery(options);
    query.types = options.type
      ?.split(',')
      .map((type) => type.trim())
      .filter(Boolean);
    await withRecords(async (records) => {
      const queries = new AuditQueries(records);
      const events = await queries.events(query);
      print(formatRows(events.map(eventRow), EVENT_COLUMNS, format));
      reportAltered(queries);
    });
  });

  filterOptions(
    periodOptions(
      audit.command('grants').description('one row per grant that held access in a period, with its lifetime'),
    ),
  ).action(async (options: FilterOptions & PeriodOptions) => {
    const format = parseFormat(options.format);
    const query = eventQuery(options);
    await withRecords(async (records) => {
      const queries = new AuditQueries(records);
      const grants = await queries.grants(query);
      print(formatRows(grants.map(lifetimeRow), GRANT_COLUMNS, format));
      reportAltered(queries);
    });
  });
}

interface PeriodOptions {
  since?: string;
  until?: string;
}

function periodOptions(command: Command): Command {
  return command
    .option('--since <time>', `from this moment on: ${TIME_HELP}`)
    .option('--until <time>', `up to this moment: ${TIME_HELP}`);
}

function filterOptions(command: Command): Command {
  return command
    .option('--user <who>', "only this requester's grants (email or Slack user id)")
    .option('--target <target>', 'only this target: <account>/<permission set ARN>, the account id, the ARN or ps-…')
    .option('--tz <zone>', 'the IANA time zone of times given without one (e.g. Europe/Berlin)', 'UTC')
    .option('--format <format>', FORMAT_HELP, 'table');
}

function eventQuery(options: FilterOptions & PeriodOptions): EventQuery {
  return {
    ...(options.since ? { since: parseMoment(options.since, options.tz) } : {}),
    ...(options.until ? { until: parseMoment(options.until, options.tz) } : {}),
    ...(options.user ? { user: options.user } : {}),
    ...(options.target ? { target: options.target } : {}),
  };
}

async function withRecords(use: (records: GrantRecords) => Promise<void>): Promise<void> {
  loadDotEnv();
  const { MONGODB_URL } = loadMongoConfig();
  const { records, close } = await openRecords(MONGODB_URL);
  try {
    await use(records);
  } finally {
    await close();
  }
}

function describeVerify(result: VerifyResult, pinned?: { chainSeq: number }): string {
  if (!result.ok) {
    const where = result.firstBadSeq === undefined ? '' : ` at sequence number ${result.firstBadSeq}`;
    const before =
      result.firstBadSeq === undefined
        ? `The ${result.count} event(s) in the chain verify.`
        : result.count > 0
          ? `Events 1 to ${result.count} verify.`
          : '';
    return `audit chain BROKEN${where}: ${result.problem}\n${before ? `${before}\n` : ''}`;
  }
  const head = result.head ? `; head ${formatPin(result.head)}` : '';
  const pin = pinned ? `; the pinned head ${pinned.chainSeq} is in it` : '';
  return `audit chain intact: ${result.count} event(s)${head}${pin}\n`;
}

/** Events that failed their own hash: on stderr (stdout stays parseable), and exit 1 as for a broken chain. */
function reportAltered(queries: AuditQueries): void {
  if (queries.altered.length === 0) return;
  printError(
    `keycard: the audit trail was altered; run \`keycard audit verify\`:\n${queries.altered.map((problem) => `  - ${problem}\n`).join('')}`,
  );
  process.exitCode = 1;
}

/** What protects the chain beyond itself: the signed checkpoints it was checked against, or plainly that none does. */
function describeCheckpoints(result: VerifyResult, reading: CheckpointReading | undefined, location?: string): string {
  if (!reading || location === undefined) {
    return (
      'WARNING: no checkpoint protects the chain: AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET are not set, so ' +
      'anyone who can write to MongoDB can rewrite every hash or delete the last events and this check still passes.\n'
    );
  }
  const lines = reading.problems.map((problem) => `checkpoint BAD: ${problem}\n`);
  const last = reading.trusted[reading.trusted.length - 1];
  if (!last) {
    lines.push(
      `WARNING: no signed checkpoint in ${location} yet: the chain is not protected until the next reconcile run signs one.\n`,
    );
  } else if (result.ok) {
    const after =
      result.count > last.chainSeq ? `; events ${last.chainSeq + 1} to ${result.count} are newer than it` : '';
    lines.push(
      `checked against ${reading.trusted.length} signed checkpoint(s) in ${location}; the last is at event ${last.chainSeq} (${last.name})${after}\n`,
    );
  }
  return lines.join('');
}

const iso = (value: Date | undefined): string | null => value?.toISOString() ?? null;

function lifetimeRow(grant: GrantLifetime): Row {
  return {
    requester: grant.requester,
    slackUserId: grant.slackUserId ?? null,
    target: grant.target,
    reason: grant.reason,
    approver: grant.approver ?? null,
    from: iso(grant.from),
    to: iso(grant.to),
    plannedUntil: iso(grant.plannedUntil),
    extensions: grant.extensions,
    ending: grant.ending ?? null,
    endedBy: grant.endedBy ?? null,
    endReason: grant.endReason ?? null,
    requestId: grant.requestId,
    workflowId: grant.workflowId,
  };
}

const LIFETIME_COLUMNS: Record<string, Column> = {
  requester: { key: 'requester', table: true },
  slackUserId: { key: 'slackUserId' },
  target: { key: 'target', table: true, show: tableTarget },
  reason: { key: 'reason', table: true },
  approver: { key: 'approver', table: true },
  from: { key: 'from', table: true, show: tableTime },
  to: { key: 'to', table: true, show: (value) => (value === null ? 'still active' : tableTime(value)) },
  plannedUntil: { key: 'plannedUntil', show: tableTime },
  extensions: { key: 'extensions' },
  ending: { key: 'ending' },
  endedBy: { key: 'endedBy' },
  endReason: { key: 'endReason' },
  requestId: { key: 'requestId' },
  workflowId: { key: 'workflowId' },
};

const WHO_COLUMNS: Column[] = Object.values(LIFETIME_COLUMNS);
const GRANT_COLUMNS: Column[] = Object.values(LIFETIME_COLUMNS).map((column) =>
  column.key === 'ending' ? { ...column, table: true } : column,
);

function eventRow(event: AuditEvent): Row {
  const expiresAt = event.details?.expiresAt ?? event.grant?.expiresAt;
  return {
    chainSeq: event.chainSeq ?? null,
    at: iso(event.at),
    type: event.type,
    actor: event.actor,
    requester: event.grant?.requester.email ?? null,
    slackUserId: event.grant?.requester.slackUserId ?? null,
    target: event.grant?.target ?? (typeof event.details?.target === 'string' ? event.details.target : null),
    reason: event.reason ?? null,
    approver: event.grant?.approver ?? null,
    expiresAt: expiresAt instanceof Date ? expiresAt.toISOString() : typeof expiresAt === 'string' ? expiresAt : null,
    details: event.details ? JSON.stringify(event.details) : null,
    requestId: event.requestId,
    workflowId: event.workflowId,
    eventId: event._id,
    seq: event.seq,
    prevHash: event.prevHash ?? null,
    hash: event.hash ?? null,
  };
}

const EVENT_COLUMNS: Column[] = [
  { key: 'chainSeq', table: true },
  { key: 'at', table: true, show: tableTime },
  { key: 'type', table: true },
  { key: 'actor', table: true },
  { key: 'requester', table: true },
  { key: 'slackUserId' },
  { key: 'target', table: true, show: tableTarget },
  { key: 'reason', table: true },
  { key: 'approver' },
  { key: 'expiresAt' },
  { key: 'details' },
  { key: 'requestId' },
  { key: 'workflowId' },
  { key: 'eventId' },
  { key: 'seq' },
  { key: 'prevHash' },
  { key: 'hash' },
];
