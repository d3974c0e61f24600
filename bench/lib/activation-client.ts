/** Runs bench/lib/activation-writer.ts as a child process: bind first, then write on `go()`. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { WriterJob } from './activation-writer.js';

const repoRoot = resolve(import.meta.dirname, '../..');

export interface WriteResult {
  readonly firstWriteAt: number;
  readonly lastWriteAt: number;
  readonly written: number;
}

export interface ActivationWriter {
  /** Starts writing; resolves when every activation was committed. */
  go(): Promise<WriteResult>;
}

export async function startActivationWriter(job: WriterJob): Promise<ActivationWriter> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/activation-writer.ts'], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the activation writer exited (${String(code)})`))),
  );
  const nextLine = async (): Promise<unknown> => {
    const line = await Promise.race([lines.next(), exited]);
    return JSON.parse(String(line.value));
  };
  child.stdin.write(`${JSON.stringify(job)}\n`);
  await nextLine();
  return {
    async go() {
      child.stdin.write('go\n');
      const result = (await nextLine()) as WriteResult;
      child.stdin.end();
      return result;
    },
  };
}
