/**
 * `pascom-connector` — the command line. Parses arguments with node:util's
 * parseArgs, loads the configuration once, and runs one command.
 */
import { parseArgs } from 'node:util';
import { authTestCommand } from './auth-test.js';
import { importCommand } from './import.js';
import { listenerTriggerCommand } from './listener-trigger.js';
import { serveCommand } from './serve.js';
import { println, type CliIo } from './io.js';
import { ExitError, loadRuntime } from './runtime.js';
import { simulateCommand } from './simulate.js';
import { statusCommand } from './status.js';

const USAGE = `Usage: pascom-connector <command> [options]

Commands:
  serve                                  listener + scheduled full sync + admin page (until SIGTERM)
  simulate [--json]                      full plan, changes nothing
  import [--json] [--confirm-deletes]    full plan, applied (exit 2 when blocked by deletes.maxPerRun)
         [--wait SECONDS]                how long to wait for delivery (default 600)
  auth-test --user NAME [--json]         the authentication check step by step (password on stdin)
  status [--json]                        listener, queue, last sync, dead letters
  listener-trigger                       App Center hook: store the listener files' changes, then exit

Options:
  --config PATH   configuration file (default: $PASCOM_CONNECTOR_CONFIG, else <dataDir>/config.yaml)
  -h, --help      this help
`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  'confirm-deletes': { type: 'boolean', default: false },
  wait: { type: 'string', default: '600' },
  user: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    println(io.stderr, `error: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined) {
    println(values.help ? io.stdout : io.stderr, USAGE);
    return values.help ? 0 : 1;
  }
  const waitSeconds = Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    println(io.stderr, `error: --wait "${values.wait}" is not a number of seconds`);
    return 1;
  }
  if (command === 'serve') {
    try {
      return await serveCommand(values.config, io, io.signals ?? process);
    } catch (error) {
      // e.g. DataDirLockedError: one line the admin can act on, not a stack trace.
      println(io.stderr, `error: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  const quiet = true;
  try {
    const runtime = await loadRuntime(values.config, io, { quiet });
    try {
      switch (command) {
        case 'simulate':
          return await simulateCommand(runtime, io, { json: values.json });
        case 'import':
          return await importCommand(runtime, io, {
            json: values.json,
            confirmDeletes: values['confirm-deletes'],
            waitSeconds,
          });
        case 'auth-test':
          return await authTestCommand(runtime, io, { user: values.user, json: values.json });
        case 'status':
          return await statusCommand(runtime, io, { json: values.json });
        case 'listener-trigger':
          return await listenerTriggerCommand(runtime, io);
        default:
          println(io.stderr, `error: unknown command "${command}"\n\n${USAGE}`);
          return 1;
      }
    } finally {
      await runtime.logger.close();
    }
  } catch (error) {
    if (error instanceof ExitError) {
      if (error.message !== 'invalid configuration') println(io.stderr, `error: ${error.message}`);
      return error.exitCode;
    }
    println(io.stderr, `error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
