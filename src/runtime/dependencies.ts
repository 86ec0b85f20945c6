/** What the activities and `keycard` commands share, built from a configuration: records, Identity Center, Slack, the reconciler. */
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { connectMongo } from '../mongo';
import { GrantRecords } from '../services/records';
import { auditCheckpointsFrom } from './auditCheckpoints';
import { identityCenterFrom } from './identityCenter';
import { createReconciler } from './reconciler';
import { alerter, slackNotifier } from './slackNotifier';

export async function connectDependencies(config: Config, logger: Logger, temporal?: Client) {
  const mongo = await connectMongo(config.MONGODB_URL);
  const records = new GrantRecords(mongo.db);
  await records.ensureIndexes();
  const identityCenter = identityCenterFrom(config);
  const slack = slackNotifier(config, logger);
  const alert = alerter(config, logger, slack);
  const checkpoints = auditCheckpointsFrom(config);
  if (!checkpoints) {
    logger.warn(
      'no audit checkpoints: set AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET, or a database admin can rewrite the audit chain undetected',
    );
  }
  const reconciler = createReconciler(config, { records, identityCenter, alert, logger, temporal, checkpoints });
  return { mongo, records, identityCenter, slack, alert, reconciler };
}

/** The records alone, for the commands that only read the trail (`keycard audit`). */
export async function openRecords(mongoUrl: string): Promise<{ records: GrantRecords; close(): Promise<void> }> {
  const mongo = await connectMongo(mongoUrl);
  return { records: new GrantRecords(mongo.db), close: () => mongo.client.close() };
}
