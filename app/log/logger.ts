/**
 * The winston logger: JSON lines to
 * `<dataDir>/connector.log` (0600, size-rotated, surviving a full disk: ./file-transport.ts)
 * and readable text on stderr, both after
 * secret redaction (./redact.ts). Satisfies `Logger` of app/core/ports.ts.
 */
import { closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import winston from 'winston';
import type Transport from 'winston-transport';
import type { Logger } from '../core/ports.js';
import { PrivateFileTransport } from './file-transport.js';
import { SecretRegistry, redactInfo } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  /** Lowest level written to the file (and to the console unless `console` names its own). */
  readonly level: LogLevel;
  /** When set, JSON lines go to `<dataDir>/connector.log`. */
  readonly dataDir?: string | undefined;
  /** Console output on stderr: `false` none, `true` at `level`, or a level of its own. */
  readonly console: boolean | LogLevel;
  /** Console lines as JSON instead of text. Default false. */
  readonly json?: boolean;
  /** Rotate the file at this size, in bytes. Default 10 MiB. */
  readonly maxSizeBytes?: number;
  /** Rotated files kept (connector1.log …). Default 5. */
  readonly maxFiles?: number;
  /** Where console lines go. Default `process.stderr`. */
  readonly stderr?: NodeJS.WritableStream;
}

export interface AppLogger extends Logger {
  /** A logger that adds `meta` to every record; shares transports and secrets with its parent. */
  child(meta: Record<string, unknown>): AppLogger;
  /** Scrub this exact string from every later record (the resolved passwords). */
  registerSecret(value: string): void;
  /** Flushes and closes the transports; later records are dropped. Idempotent. */
  close(): Promise<void>;
}

export const LOG_FILE_NAME = 'connector.log';
const CLOSE_DEADLINE_MS = 5000;

/** Creates the log file with mode 0600 (or tightens an existing one) before winston appends to it. */
function preparePrivateFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOG_FILE_NAME);
  const fd = openSync(file, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
  return file;
}

const textLine = winston.format.printf((info) => {
  const { level, message, timestamp, ...meta } = info;
  const rest = Object.keys(meta).length === 0 ? '' : ` ${JSON.stringify(meta)}`;
  return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${rest}`;
});

function transportsFor(options: LoggerOptions): Transport[] {
  const transports: Transport[] = [];
  if (options.dataDir !== undefined) {
    transports.push(
      new PrivateFileTransport({
        filename: preparePrivateFile(options.dataDir),
        level: options.level,
        maxSizeBytes: options.maxSizeBytes ?? 10 * 1024 * 1024,
        maxFiles: options.maxFiles ?? 5,
        format: winston.format.json(),
      }),
    );
  }
  if (options.console !== false) {
    transports.push(
      new winston.transports.Stream({
        stream: options.stderr ?? process.stderr,
        level: options.console === true ? options.level : options.console,
        format: options.json === true ? winston.format.json() : textLine,
      }),
    );
  }
  return transports;
}

function wrap(inner: winston.Logger, shared: { registry: SecretRegistry; close: () => Promise<void> }): AppLogger {
  return {
    debug: (message, meta) => void inner.debug(message, meta ?? {}),
    info: (message, meta) => void inner.info(message, meta ?? {}),
    warn: (message, meta) => void inner.warn(message, meta ?? {}),
    error: (message, meta) => void inner.error(message, meta ?? {}),
    child: (meta) => wrap(inner.child(meta), shared),
    registerSecret: (value) => shared.registry.register(value),
    close: shared.close,
  };
}

export function createLogger(options: LoggerOptions): AppLogger {
  const registry = new SecretRegistry();
  const redact = winston.format((info) => redactInfo(info, registry));
  const transports = transportsFor(options);
  // Each transport filters by its own level; the logger's level is only their fallback.
  const inner = winston.createLogger({
    level: options.level,
    format: winston.format.combine(redact(), winston.format.timestamp()),
    transports,
    silent: transports.length === 0,
    exitOnError: false,
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      // A shutdown must not hang on a transport that never finishes, so the wait is bounded;
      // the timer is not unref'd: an awaited close() must settle even with nothing else pending.
      const deadline = setTimeout(resolve, CLOSE_DEADLINE_MS);
      const finished = transports.map(
        (transport) => new Promise<void>((done) => transport.once('finish', () => done())),
      );
      inner.end();
      void Promise.all(finished).then(() => {
        clearTimeout(deadline);
        resolve();
      });
    });
    return closing;
  };
  return wrap(inner, { registry, close });
}
