/**
 * The revoke readiness probe: every REVOKE_PROBE_INTERVAL the worker asks Identity Center the calls a revoke needs
 * (IdentityCenter.probeRevokePath on every managed target), so a lost IAM permission, expired credentials or an
 * unreachable endpoint are found while no grant is due, not at its expiry. While it fails /readyz is not ready and
 * `keycard_revoke_path_ready` is 0; an outage is alerted once (the reconciler's alert path: an error log line with
 * `alert: true` and the approvers' channel), and its end is logged.
 */
import type { Target } from '../domain/grant';
import { formatDuration } from '../domain/duration';
import type { Logger } from '../logger';
import { expectRevokeProbe, observeRevokeProbe } from '../observability';
import type { IdentityCenter } from '../services/identityCenter';

/** A probe that has not answered in this long failed: a revoke would be waiting on the same calls. */
const PROBE_TIMEOUT_MS = 20_000;

export interface RevokeProbeOptions {
  identityCenter: Pick<IdentityCenter, 'probeRevokePath'>;
  targets: readonly Target[];
  intervalMs: number;
  alert: (message: string) => Promise<void>;
  logger: Logger;
}

/** Probes once now and then every interval, one probe at a time, until `stop()`. */
export function startRevokeProbe(options: RevokeProbeOptions): { stop(): Promise<void> } {
  const { identityCenter, targets, intervalMs, alert, logger } = options;
  expectRevokeProbe();
  let failingSince: Date | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const probeOnce = async (): Promise<string | undefined> => {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(targets.map((target) => identityCenter.probeRevokePath(target))),
        new Promise((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`Identity Center did not answer within ${formatDuration(PROBE_TIMEOUT_MS)}`)),
            PROBE_TIMEOUT_MS,
          );
        }),
      ]);
      return undefined;
    } catch (error) {
      return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    } finally {
      clearTimeout(timeout);
    }
  };

  const round = async () => {
    const problem = await probeOnce();
    if (stopped) return;
    observeRevokeProbe(problem);
    const now = new Date();
    if (problem && !failingSince) {
      failingSince = now;
      const message = `Keycard cannot revoke access: the revoke readiness probe failed (${problem}). Grants that end now stay in place until this is fixed; the worker keeps retrying their revokes. Check the worker's IAM permissions and credentials for Identity Center.`;
      await alert(message).catch((error: unknown) =>
        logger.error({ err: error, alert: message }, 'could not send the revoke probe alert'),
      );
    } else if (problem) {
      logger.warn({ revokePath: 'failing', since: failingSince?.toISOString(), problem }, 'revoke probe still failing');
    } else if (failingSince) {
      const downMs = now.getTime() - failingSince.getTime();
      logger.info(
        { revokePath: 'recovered', since: failingSince.toISOString(), downMs },
        `revoke path recovered: Keycard can revoke again (it could not for ${formatDuration(Math.max(1_000, Math.round(downMs / 1_000) * 1_000))})`,
      );
      failingSince = undefined;
    }
  };

  const loop = async () => {
    await round().catch((error: unknown) => logger.error({ err: error }, 'revoke probe round failed'));
    if (!stopped) timer = setTimeout(() => void (running = loop()), intervalMs);
  };
  let running = loop();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
