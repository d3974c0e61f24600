/** `auth-test --user NAME` (password on stdin): the authentication check, step by step. */
import { createApp } from '../main.js';
import { println, readStdin, type CliIo } from './io.js';
import type { Runtime } from './runtime.js';
import { ExitError } from './runtime.js';

export async function authTestCommand(
  runtime: Runtime,
  io: CliIo,
  flags: { user: string | undefined; json: boolean },
): Promise<number> {
  if (flags.user === undefined || flags.user === '')
    throw new ExitError('auth-test needs --user NAME (the password is read from stdin)', 1);
  if (io.stdin.isTTY === true) println(io.stderr, `Password for ${flags.user} (then Enter and Ctrl-D):`);
  const password = await readStdin(io.stdin);
  const app = createApp(runtime.config, runtime.logger, { deliver: false });
  try {
    const result = await app.authTest(flags.user, password);
    if (flags.json) {
      println(io.stdout, JSON.stringify(result, null, 2));
    } else {
      for (const step of result.steps) {
        println(
          io.stdout,
          `${step.ok ? 'ok  ' : 'FAIL'}  ${step.name.padEnd(18)} ${String(step.ms).padStart(7)} ms  ${step.detail}`,
        );
      }
      println(
        io.stdout,
        result.passed
          ? `Authentication test passed for ${result.login}.`
          : `Authentication test FAILED for ${result.login}.`,
      );
    }
    return result.passed ? 0 : 1;
  } finally {
    await app.close();
  }
}
