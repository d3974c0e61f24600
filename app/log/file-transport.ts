/**
 * The log file transport: JSON lines appended to `connector.log` (0600), size-rotated
 * (`connector.log` is always the newest, then `connector1.log` …). It replaces winston's File
 * transport, which stops writing for good after one failed write (a full disk) and then never
 * finishes closing. Here a failed write is counted and the file is reopened on the next record;
 * once writing works again, a line says how many records were lost and why.
 *
 * Writes are synchronous: the connector logs a few lines per minute in normal operation (audit
 * entries go to the database), and a synchronous append cannot be lost in a crash after return.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message');

export interface PrivateFileOptions extends Transport.TransportStreamOptions {
  readonly filename: string;
  /** Rotate before a record would make the file larger than this (bytes). */
  readonly maxSizeBytes: number;
  /** Files kept, the current one included. */
  readonly maxFiles: number;
}

export class PrivateFileTransport extends Transport {
  private fd: number | undefined;
  private size = 0;
  private lost = 0;
  private lastError = '';
  /** A write failed midway: the next record starts on a new line. */
  private partial = false;

  constructor(private readonly options: PrivateFileOptions) {
    super(options);
    this.once('finish', () => this.closeFile());
  }

  override log(info: Record<PropertyKey, unknown>, next: () => void): void {
    const formatted = info[MESSAGE];
    this.append(`${typeof formatted === 'string' ? formatted : JSON.stringify(info)}\n`);
    next();
  }

  override close(): void {
    this.closeFile();
  }

  private append(line: string): void {
    try {
      this.open();
      if (this.lost > 0) {
        this.writeLine(this.lostNotice());
        this.lost = 0;
      }
      if (this.size > 0 && this.size + Buffer.byteLength(line) > this.options.maxSizeBytes) this.rotate();
      this.writeLine(line);
    } catch (error) {
      this.lost++;
      this.lastError = error instanceof Error ? error.message : String(error);
      // Reopen next time: the file may have been moved, or the disk freed.
      this.closeFile();
    }
  }

  private writeLine(line: string): void {
    const bytes = Buffer.from(this.partial ? `\n${line}` : line, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      this.partial = offset > 0;
      const written = writeSync(this.fd ?? -1, bytes, offset);
      offset += written;
      this.size += written;
    }
    this.partial = false;
  }

  private lostNotice(): string {
    const record = {
      level: 'warn',
      message: `${this.lost} log record(s) could not be written to this file: ${this.lastError}`,
      timestamp: new Date().toISOString(),
    };
    return `${JSON.stringify(record)}\n`;
  }

  private open(): void {
    if (this.fd !== undefined) return;
    this.fd = openSync(this.options.filename, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    if (this.size >= this.options.maxSizeBytes) this.rotate();
  }

  /** connector.log → connector1.log → connector2.log …; the oldest beyond maxFiles is removed. */
  private rotate(): void {
    this.closeFile();
    const { filename, maxFiles } = this.options;
    const numbered = (n: number): string => {
      const ext = extname(filename);
      return join(dirname(filename), `${basename(filename, ext)}${n}${ext}`);
    };
    rmSync(numbered(maxFiles - 1), { force: true });
    for (let n = maxFiles - 2; n >= 1; n--) if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
    if (maxFiles > 1) renameSync(filename, numbered(1));
    else rmSync(filename, { force: true });
    this.fd = openSync(filename, 'a', 0o600);
    this.size = 0;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Closing a descriptor whose last write failed may report that failure again.
    }
  }
}
