/**
 * A client of the Univention Directory Notifier (notifier-protocol.ts): asks for the newest
 * transaction id and waits for the next one with WAIT_ID. It connects lazily; a failed or closed
 * connection rejects what is pending and the next call connects again (the source decides when,
 * with backoff). It only wakes the reader: transactions themselves are read from `cn=translog`.
 */
import { Socket } from 'node:net';
import {
  BlockSplitter,
  NotifierProtocolError,
  PROTOCOL_VERSION,
  encodeHandshake,
  encodeRequest,
  parseHandshake,
  parseId,
  parseReply,
} from './notifier-protocol.js';

export interface NotifierClientOptions {
  readonly host: string;
  /** Default 6669. */
  readonly port: number;
  /** Limit for connecting and for answers that should come at once (GET_ID), in ms. */
  readonly timeoutMs: number;
}

/** The notifier cannot be reached or stopped answering; retryable. */
export class NotifierUnavailableError extends Error {
  override readonly name = 'NotifierUnavailableError';
}

/** What the translog source needs from the notifier (a fake in unit tests). */
export interface NotifierPort {
  /** The newest transaction id. Rejects when the notifier is unreachable. */
  currentId(): Promise<number>;
  /**
   * Resolves with the notifier's newest id once transaction `id` exists, or with undefined after
   * `timeoutMs` or when `signal` aborts. Rejects when the connection fails.
   */
  waitFor(id: number, timeoutMs: number, signal: AbortSignal): Promise<number | undefined>;
  close(): void;
}

interface Pending {
  readonly resolve: (payload: string | undefined) => void;
  readonly reject: (error: Error) => void;
}

interface Connection {
  readonly socket: Socket;
  readonly splitter: BlockSplitter;
  /** Resolves with the server's greeting, then replies go to `pending`. */
  greeting: Pending | undefined;
}

export class NotifierClient implements NotifierPort {
  private connection: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private lastMsgId = 0;
  private closed = false;
  /** The socket of a connection attempt still waiting for its greeting. */
  private opening: Socket | undefined;
  private readonly pending = new Map<number, Pending>();
  /** The one WAIT_ID the server holds for this connection. */
  private waiting:
    { readonly id: number; readonly msgId: number; readonly reply: Promise<string | undefined> } | undefined;

  constructor(private readonly options: NotifierClientOptions) {}

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  async currentId(): Promise<number> {
    const connection = await this.connect();
    const { msgId, reply } = this.send(connection, 'GET_ID');
    const payload = await this.withTimeout(reply, msgId, connection, 'GET_ID');
    return parseId(payload ?? '');
  }

  async waitFor(id: number, timeoutMs: number, signal: AbortSignal): Promise<number | undefined> {
    const connection = await this.connect();
    if (this.waiting?.id !== id) {
      // The server keeps only the newest WAIT_ID of a connection: the older one is never answered.
      if (this.waiting !== undefined) this.settle(this.waiting.msgId, undefined);
      const { msgId, reply } = this.send(connection, `WAIT_ID ${id}`);
      this.waiting = { id, msgId, reply };
    }
    const waiting = this.waiting;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const giveUp = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, undefined);
      onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const payload = await Promise.race([waiting.reply, giveUp]);
      if (payload === undefined) return undefined;
      if (this.waiting === waiting) this.waiting = undefined;
      return parseId(payload);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the connection for good: later calls reject. */
  close(): void {
    this.closed = true;
    this.opening?.destroy();
    this.connection?.socket.destroy();
    this.fail(new NotifierUnavailableError('the notifier client was closed'));
  }

  private connect(): Promise<Connection> {
    if (this.closed) return Promise.reject(new NotifierUnavailableError('the notifier client was closed'));
    if (this.connection !== undefined) return Promise.resolve(this.connection);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private open(): Promise<Connection> {
    const { host, port, timeoutMs } = this.options;
    return new Promise<Connection>((resolve, reject) => {
      const socket = new Socket();
      this.opening = socket;
      const connection: Connection = { socket, splitter: new BlockSplitter(), greeting: undefined };
      const timer = setTimeout(
        () =>
          socket.destroy(
            new NotifierUnavailableError(`no greeting from the notifier at ${this.address} within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      connection.greeting = {
        resolve: (block) => {
          clearTimeout(timer);
          this.opening = undefined;
          const problem = this.closed
            ? new NotifierUnavailableError('the notifier client was closed')
            : this.checkGreeting(block ?? '');
          if (problem !== undefined) {
            socket.destroy();
            reject(problem);
            return;
          }
          this.connection = connection;
          resolve(connection);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.opening = undefined;
          reject(error);
        },
      };
      socket.setEncoding('utf8');
      socket.setNoDelay(true);
      socket.on('data', (chunk: string) => this.receive(connection, chunk));
      socket.on('error', (error) => this.lost(connection, error));
      socket.on('close', () =>
        this.lost(connection, new NotifierUnavailableError(`the notifier at ${this.address} closed the connection`)),
      );
      socket.connect({ host, port }, () => {
        // The keepalive notices a notifier host that vanished while a WAIT_ID is pending.
        socket.setKeepAlive(true, 60_000);
        socket.write(encodeHandshake());
      });
    });
  }

  private checkGreeting(block: string): NotifierProtocolError | undefined {
    try {
      const version = parseHandshake(block);
      if (version >= PROTOCOL_VERSION) return undefined;
      return new NotifierProtocolError(
        `the notifier at ${this.address} speaks protocol ${version}; WAIT_ID needs ${PROTOCOL_VERSION}`,
      );
    } catch (error) {
      return error instanceof NotifierProtocolError ? error : new NotifierProtocolError(String(error));
    }
  }

  private receive(connection: Connection, chunk: string): void {
    try {
      for (const block of connection.splitter.push(chunk)) {
        const greeting = connection.greeting;
        if (greeting !== undefined) {
          connection.greeting = undefined;
          greeting.resolve(block);
          continue;
        }
        const reply = parseReply(block);
        this.settle(reply.msgId, reply.payload);
      }
    } catch (error) {
      connection.socket.destroy(error instanceof Error ? error : new NotifierProtocolError(String(error)));
    }
  }

  private send(connection: Connection, command: string): { msgId: number; reply: Promise<string | undefined> } {
    const msgId = ++this.lastMsgId;
    const reply = new Promise<string | undefined>((resolve, reject) => this.pending.set(msgId, { resolve, reject }));
    // Nobody may await a superseded WAIT_ID; its rejection on a lost connection is expected.
    reply.catch(() => undefined);
    connection.socket.write(encodeRequest(msgId, command));
    return { msgId, reply };
  }

  private settle(msgId: number, payload: string | undefined): void {
    const pending = this.pending.get(msgId);
    this.pending.delete(msgId);
    pending?.resolve(payload);
  }

  private async withTimeout(
    reply: Promise<string | undefined>,
    msgId: number,
    connection: Connection,
    what: string,
  ): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new NotifierUnavailableError(
          `the notifier at ${this.address} did not answer ${what} within ${this.options.timeoutMs} ms`,
        );
        // A notifier that does not answer is treated as gone: the next call reconnects.
        connection.socket.destroy(error);
        this.pending.delete(msgId);
        reject(error);
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([reply, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private lost(connection: Connection, error: Error): void {
    const wrapped =
      error instanceof NotifierProtocolError || error instanceof NotifierUnavailableError
        ? error
        : new NotifierUnavailableError(`the notifier at ${this.address} is unreachable: ${error.message}`, {
            cause: error,
          });
    connection.greeting?.reject(wrapped);
    connection.greeting = undefined;
    if (this.connection === connection) this.fail(wrapped);
  }

  private fail(error: Error): void {
    this.connection = undefined;
    this.waiting = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
