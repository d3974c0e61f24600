#!/usr/bin/env node
/** Entry point of the `pascom-connector` binary; the commands live in run.ts. */
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
