import { once } from 'node:events';

/** Terminal I/O helpers for the commands: output streams and reading a secret from stdin. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where SIGTERM/SIGINT arrive (`process`; tests pass an emitter). */
  readonly signals?: NodeJS.EventEmitter | undefined;
}

export function println(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** Writes text parts in 64 KiB chunks, waiting for the stream to drain: large plans stay out of memory. */
export async function writeChunked(stream: NodeJS.WritableStream, parts: Iterable<string>): Promise<void> {
  let buffer = '';
  for (const part of parts) {
    buffer += part;
    if (buffer.length < 64 * 1024) continue;
    if (!stream.write(buffer)) await once(stream, 'drain');
    buffer = '';
  }
  if (buffer !== '' && !stream.write(buffer)) await once(stream, 'drain');
}

export async function writeLines(stream: NodeJS.WritableStream, lines: Iterable<string>): Promise<void> {
  await writeChunked(
    stream,
    (function* () {
      for (const line of lines) yield `${line}\n`;
    })(),
  );
}

/** Reads all of stdin (a password piped in); one trailing newline is dropped. */
export async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
