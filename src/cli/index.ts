/**
 * `keycard`: the operator's command line. Each subcommand lives in its own module and registers itself here.
 * Exit codes: 0 clean, 1 acted or found something, 2 error.
 */
import { Command, CommanderError } from 'commander';
import { registerAudit } from './audit';
import { registerCatalog } from './catalog';
import { registerExtend } from './extend';
import { printable } from './output';
import { registerReconcile } from './reconcile';

export function program(): Command {
  const keycard = new Command('keycard')
    .description('Keycard: just-in-time production access, operated from the command line')
    .exitOverride()
    .showHelpAfterError()
    // Commander echoes what was typed (an unknown option, a bad argument): as text, never escape sequences.
    .configureOutput({
      writeOut: (text) => process.stdout.write(printable(text)),
      writeErr: (text) => process.stderr.write(printable(text)),
    });
  registerReconcile(keycard);
  registerAudit(keycard);
  registerExtend(keycard);
  registerCatalog(keycard);
  return keycard;
}

/** Runs the CLI and resolves to its exit code; subcommand actions set `process.exitCode`. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    // bin/keycard.js prints the message: a message quoting stored or typed text must not reach the terminal raw.
    throw new Error(printable(error instanceof Error ? error.message : String(error)), { cause: error });
  }
}
