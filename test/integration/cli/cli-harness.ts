/** Runs the CLI in-process with captured output (the same `run()` the binary calls). */
import { Readable, Writable } from 'node:stream';
import { run } from '../../../app/cli/run.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function cli(args: readonly string[], stdin = ''): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const code = await run(args, { stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]), env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}
