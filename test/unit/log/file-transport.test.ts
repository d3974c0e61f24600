import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrivateFileTransport } from '../../../app/log/file-transport.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-logfile-'));
  file = join(dir, 'connector.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function logger(maxSizeBytes = 1_000_000, maxFiles = 3): { log: winston.Logger; transport: PrivateFileTransport } {
  const transport = new PrivateFileTransport({ filename: file, maxSizeBytes, maxFiles, format: winston.format.json() });
  return { log: winston.createLogger({ level: 'info', transports: [transport] }), transport };
}

async function lines(path = file): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('PrivateFileTransport', () => {
  it('keeps logging after writes failed, and says how many records were lost and why', async () => {
    const { log, transport } = logger();
    // The path cannot be opened as a file (it is a directory): like a full disk, every write fails.
    await mkdir(file);
    log.info('lost one');
    log.info('lost two');
    await rm(file, { recursive: true });
    log.info('written again');
    transport.close();

    const written = await lines();
    expect(written.map((line) => line['message'])).toEqual([
      expect.stringMatching(/^2 log record\(s\) could not be written to this file: .*EISDIR/),
      'written again',
    ]);
    expect(written[0]?.['level']).toBe('warn');
  });

  it('rotates before a record would pass the size limit, keeping maxFiles files', async () => {
    const { log, transport } = logger(300, 3);
    for (let i = 0; i < 12; i++) log.info(`record ${i} ${'x'.repeat(80)}`);
    transport.close();

    expect((await readdir(dir)).sort()).toEqual(['connector.log', 'connector1.log', 'connector2.log']);
    const newest = await lines();
    expect(newest.at(-1)?.['message']).toMatch(/^record 11 /);
    const previous = await lines(join(dir, 'connector1.log'));
    expect(String(previous.at(-1)?.['message'])).toMatch(new RegExp(`^record ${11 - newest.length} `));
  });
});
