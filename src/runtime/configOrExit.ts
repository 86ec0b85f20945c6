/** Configuration for a process that cannot run without it: every bad variable named on stderr, then exit 1. */
import { ConfigError, loadConfig, type Config } from '../config';

export function configOrExit(env: NodeJS.ProcessEnv = process.env, options: { slack?: boolean } = {}): Config {
  try {
    return loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
