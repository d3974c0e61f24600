import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, LOG_FILE_NAME } from '../../../app/log/logger.js';
import type { AppLogger, LoggerOptions } from '../../../app/log/logger.js';

let dir: string;
let consoleText: string;
let logger: AppLogger;

function consoleStream(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      consoleText += chunk.toString();
      done();
    },
  });
}

function start(options: Partial<LoggerOptions> = {}): AppLogger {
  logger = createLogger({ level: 'info', dataDir: dir, console: true, stderr: consoleStream(), ...options });
  return logger;
}

/** Closes the logger (flushing the file) and returns both outputs. */
async function outputs(): Promise<{ file: string; console: string }> {
  await logger.close();
  return { file: await readFile(join(dir, LOG_FILE_NAME), 'utf8'), console: consoleText };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-log-'));
  consoleText = '';
});

afterEach(async () => {
  await logger.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createLogger()', () => {
  it('writes one JSON object per line to connector.log', async () => {
    start().info('sync started', { users: 3 });
    const lines = (await outputs()).file
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', message: 'sync started', users: 3, timestamp: expect.any(String) }),
    ]);
  });

  it('creates the log file with mode 0600', async () => {
    start().info('x');
    await logger.close();
    expect((await stat(join(dir, LOG_FILE_NAME))).mode & 0o777).toBe(0o600);
  });

  it('creates the next file 0600 when it rotates a full log file', async () => {
    await writeFile(join(dir, LOG_FILE_NAME), `${'x'.repeat(3000)}\n`, { mode: 0o600 });
    const previous = process.umask(0o000);
    try {
      start({ maxSizeBytes: 2000, console: false }).info('after rotation');
      await logger.close();
    } finally {
      process.umask(previous);
    }
    const files = (await readdir(dir)).sort();
    const modes = await Promise.all(files.map(async (name) => (await stat(join(dir, name))).mode & 0o777));
    expect(files).toEqual(['connector.log', 'connector1.log']);
    expect(modes).toEqual([0o600, 0o600]);
    expect(await readFile(join(dir, LOG_FILE_NAME), 'utf8')).toContain('after rotation');
  });

  it('tightens an existing world-readable log file to 0600', async () => {
    await writeFile(join(dir, LOG_FILE_NAME), '', { mode: 0o644 });
    start().info('x');
    await logger.close();
    expect((await stat(join(dir, LOG_FILE_NAME))).mode & 0o777).toBe(0o600);
  });

  it('writes readable text lines to the console', async () => {
    start().warn('pascom is slow', { ms: 900 });
    expect((await outputs()).console).toMatch(/^\S+ warn {2}pascom is slow \{"ms":900\}\n$/);
  });

  it('filters by level', async () => {
    start({ level: 'warn' }).info('hidden');
    logger.error('shown');
    const { file, console } = await outputs();
    expect([
      file.includes('hidden'),
      console.includes('hidden'),
      file.includes('shown'),
      console.includes('shown'),
    ]).toEqual([false, false, true, true]);
  });

  it('gives the console a level of its own when asked', async () => {
    start({ level: 'debug', console: 'warn' }).debug('detail');
    const { file, console } = await outputs();
    expect([file.includes('detail'), console.includes('detail')]).toEqual([true, false]);
  });

  it('adds child metadata to every record', async () => {
    start().child({ component: 'listener' }).info('connected');
    expect(JSON.parse((await outputs()).file)).toEqual(
      expect.objectContaining({ component: 'listener', message: 'connected' }),
    );
  });

  it('keeps the message and stack of an Error in the metadata', async () => {
    start().error('delivery failed', { error: new Error('ECONNRESET') });
    const record = JSON.parse((await outputs()).file);
    expect(record.error).toEqual(
      expect.objectContaining({ name: 'Error', message: 'ECONNRESET', stack: expect.stringContaining('ECONNRESET') }),
    );
  });

  it('resolves close() more than once', async () => {
    start().info('x');
    await logger.close();
    await expect(logger.close()).resolves.toBeUndefined();
  });

  it('logs to the console alone without a dataDir', async () => {
    start({ dataDir: undefined }).info('no file');
    await logger.close();
    expect(consoleText).toContain('no file');
  });
});

describe('secret redaction', () => {
  it.each([
    ['password', { password: 'hunter2' }],
    ['passwordFile', { passwordFile: '/etc/hunter2' }],
    ['clientSecret', { clientSecret: 'hunter2' }],
    ['token', { token: 'hunter2' }],
    ['Authorization', { headers: { Authorization: 'Basic hunter2' } }],
    ['cookie', { request: { cookie: 'sid=hunter2' } }],
    ['credentials', { list: [{ credentials: 'hunter2' }] }],
    ['pass', { deep: { deeper: { pass: 'hunter2' } } }],
  ])('hides the value under a "%s" key in file and console', async (_key, meta) => {
    start().info('request', meta);
    const { file, console } = await outputs();
    expect(file).not.toContain('hunter2');
    expect(console).not.toContain('hunter2');
    expect(file).toContain('[redacted]');
  });

  it('hides a registered secret inside the message', async () => {
    start().registerSecret('s3cr3t-pw');
    logger.error('bind failed for password s3cr3t-pw');
    const { file, console } = await outputs();
    expect(`${file}${console}`).not.toContain('s3cr3t-pw');
    expect(console).toContain('bind failed for password [redacted]');
  });

  it('hides a registered secret inside nested metadata and error messages', async () => {
    start().registerSecret('s3cr3t-pw');
    logger.warn('retrying', {
      attempt: { url: 'https://moby:s3cr3t-pw@pbx' },
      error: new Error('auth s3cr3t-pw rejected'),
    });
    const { file, console } = await outputs();
    expect(`${file}${console}`).not.toContain('s3cr3t-pw');
    expect(JSON.parse(file).attempt.url).toBe('https://moby:[redacted]@pbx');
  });

  it('hides a secret registered through a child logger in the parent too', async () => {
    start().child({ component: 'pascom' }).registerSecret('child-secret');
    logger.info('leak child-secret?');
    const { file, console } = await outputs();
    expect(`${file}${console}`).not.toContain('child-secret');
  });

  it('does not modify the caller’s metadata object', async () => {
    const meta = { nested: { password: 'hunter2' } };
    start().info('x', meta);
    await logger.close();
    expect(meta.nested.password).toBe('hunter2');
  });

  it('survives circular metadata', async () => {
    const meta: Record<string, unknown> = { name: 'loop' };
    meta['self'] = meta;
    start().info('x', meta);
    expect(JSON.parse((await outputs()).file).self).toEqual({ name: 'loop', self: '[circular]' });
  });
});
