/** `npm run demo`: starts the demo, prints where to look, and stops everything on Ctrl-C (SIGINT) or SIGTERM. */
import { startDemo } from './index';

async function main(): Promise<void> {
  process.stdout.write('Starting the Keycard demo (Temporal, FerretDB, moto, the fake Slack, Keycard)…\n');
  const demo = await startDemo({ logLevel: process.env.LOG_LEVEL || 'warn' });
  process.stdout.write(
    `Keycard demo: ${demo.url}\n` + `Temporal Web UI: ${demo.temporalUiUrl}\n` + 'Press Ctrl-C to stop everything.\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping the demo…\n');
    demo.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`the demo did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`keycard demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
