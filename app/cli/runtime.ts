/** Loads the configuration and the logger for a command; prints config errors the admin can act on. */
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { createLogger, type AppLogger } from '../log/logger.js';
import { registerConfigSecrets } from '../main.js';
import { println, type CliIo } from './io.js';

export class ExitError extends Error {
  override readonly name = 'ExitError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface Runtime {
  readonly config: Config;
  readonly configPath: string;
  readonly logger: AppLogger;
}

export async function loadRuntime(
  configPath: string | undefined,
  io: CliIo,
  options: { quiet: boolean },
): Promise<Runtime> {
  const result = await loadConfig({ path: configPath, env: io.env });
  if (!result.ok) {
    println(io.stderr, 'error: the configuration is not valid:');
    // Each message names its key already (`ucs.url: "ldp://x" is not …`).
    for (const error of result.errors) println(io.stderr, `  ${error.message}`);
    throw new ExitError('invalid configuration', 1);
  }
  const { config } = result;
  const logger = createLogger({
    level: config.log.level,
    dataDir: config.dataDir,
    // Commands that print results keep the terminal for them: only warnings and errors there.
    console: options.quiet ? 'warn' : config.log.level,
  });
  registerConfigSecrets(logger, config);
  return { config, configPath: result.path, logger };
}
