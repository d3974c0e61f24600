/**
 * A bound LDAP connection of our own for bulk reads: the socket, framer and StartTLS shared with
 * the listener's sync search, a simple bind, then request/response exchanges whose
 * answers are handed over as raw LDAPMessages, so the caller decodes them in one pass.
 *
 * Why not ldapts for the full read: it builds several objects per entry and value and was ~2×
 * slower than this for 10,000 users (bench/directory-read.ts). Small queries stay on ldapts.
 *
 * Every failure is an LdapError. A timeout is an idle timeout: it fires when the server
 * sends nothing for `timeoutMs` during an exchange, so a long paged read is never cut off
 * while data is flowing.
 */
import type net from 'node:net';

import { messageHead, type MessageHead } from './entry-decoder.js';
import {
  LdapConnectionError,
  LdapProtocolError,
  LdapTimeoutError,
  classifyLdapError,
  errorFromResult,
  notLdapError,
  type LdapError,
  type LdapErrorContext,
} from './errors.js';
import type { LdapConnectionOptions } from './ldap-connection.js';
import { decodeMessage, decodeResult, encodeBind, encodeUnbind, extendedResponseName } from './ldap-messages.js';
import { START_TLS_MESSAGE_ID, openLdapSocket } from './ldap-socket.js';
import { MessageFramer } from './message-framer.js';

const OP_BIND_RESPONSE = 0x61;
const OP_EXTENDED_RESPONSE = 0x78;
const CLOSE_GRACE_MS = 1_000;

/** Handles one answer of an exchange; returns true when it was the last one. May throw to abort. */
export type AnswerHandler = (message: Buffer, head: MessageHead) => boolean;

interface Exchange {
  readonly messageId: number;
  readonly onAnswer: AnswerHandler;
  readonly operation: string;
  readonly resolve: () => void;
  readonly reject: (error: LdapError) => void;
  timer: NodeJS.Timeout;
}

export class LdapSession {
  private readonly framer = new MessageFramer();
  private nextMessageId = START_TLS_MESSAGE_ID + 1;
  private current: Exchange | undefined;
  private failure: LdapError | undefined;
  private socketError: unknown;
  private readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    private readonly options: LdapConnectionOptions,
    private readonly bindDn: string,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.socketError = error;
    });
    socket.once('close', () => this.onClose());
  }

  /** Connects (ldaps, StartTLS or plain, as configured) and binds as `bindDn`. The caller must `close()`. */
  static async open(options: LdapConnectionOptions, bindDn: string, password: string): Promise<LdapSession> {
    const ctx = { url: options.url, operation: 'connect', bindDn };
    let socket: net.Socket;
    try {
      socket = await openLdapSocket({
        url: options.url,
        startTls: options.starttls && !options.url.startsWith('ldaps://'),
        ca: options.ca,
        rejectUnauthorized: options.tlsVerify,
        timeoutMs: options.timeoutMs,
      });
    } catch (error) {
      throw classifyLdapError(error, ctx);
    }
    const session = new LdapSession(socket, options, bindDn);
    try {
      await session.bind(password);
      return session;
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  /**
   * Sends the request `encode(messageId)` builds and passes every answer with that id to
   * `onAnswer` until it returns true. Rejects with an LdapError; after a rejection the
   * session is unusable (the server may still be sending), so close it.
   */
  exchange(operation: string, encode: (messageId: number) => Buffer, onAnswer: AnswerHandler): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.current !== undefined)
      return Promise.reject(new Error(`LdapSession: ${this.current.operation} still running`));
    const messageId = this.nextMessageId++;
    return new Promise<void>((resolve, reject) => {
      this.current = { messageId, onAnswer, operation, resolve, reject, timer: this.startTimer(operation) };
      this.socket.write(encode(messageId));
    });
  }

  /** Unbinds and closes; never throws. */
  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    this.failure ??= new LdapConnectionError(`the connection to ${this.options.url} was closed`);
    this.socket.end(encodeUnbind(this.nextMessageId++));
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  /** What an LdapError about `operation` on this session should name. */
  errorContext(operation: string): LdapErrorContext {
    return { url: this.options.url, operation, bindDn: this.bindDn };
  }

  private bind(password: string): Promise<void> {
    return this.exchange(
      'bind',
      (id) => encodeBind(id, this.bindDn, password),
      (message, head) => {
        if (head.opTag !== OP_BIND_RESPONSE) {
          throw new LdapConnectionError(
            `${this.options.url} answered the bind with LDAP operation 0x${head.opTag.toString(16)}`,
          );
        }
        const result = decodeResult(decodeMessage(message).op);
        if (result.code !== 0) throw errorFromResult(result.code, result.diagnostic, this.errorContext('bind'));
        return true;
      },
    );
  }

  private startTimer(operation: string): NodeJS.Timeout {
    return setTimeout(() => {
      this.fail(
        new LdapTimeoutError(
          `the UCS LDAP server at ${this.options.url} sent nothing for ${this.options.timeoutMs} ms during the ${operation}`,
        ),
      );
    }, this.options.timeoutMs);
  }

  private onData(chunk: Buffer): void {
    const exchange = this.current;
    if (exchange !== undefined) exchange.timer.refresh();
    try {
      for (const message of this.framer.push(chunk)) {
        if (this.failure !== undefined) return;
        this.dispatch(message);
      }
    } catch (error) {
      const ctx = this.errorContext(this.current?.operation ?? 'read');
      this.fail(error instanceof LdapProtocolError ? notLdapError(error, ctx) : classifyLdapError(error, ctx));
    }
  }

  private dispatch(message: Buffer): void {
    const head = messageHead(message);
    if (head.messageId === 0 && head.opTag === OP_EXTENDED_RESPONSE) return this.onUnsolicited(message);
    const exchange = this.current;
    if (exchange === undefined || head.messageId !== exchange.messageId) {
      throw new LdapConnectionError(`${this.options.url} sent an answer to no request (message id ${head.messageId})`);
    }
    if (!exchange.onAnswer(message, head)) return;
    clearTimeout(exchange.timer);
    this.current = undefined;
    exchange.resolve();
  }

  private onUnsolicited(message: Buffer): void {
    const result = decodeResult(decodeMessage(message).op);
    const name = extendedResponseName(result) ?? 'an unsolicited notification';
    throw new LdapConnectionError(
      `the UCS LDAP server ${this.options.url} ended the connection (${name}, result code ${result.code}: ${result.diagnostic})`,
      { code: result.code },
    );
  }

  private onClose(): void {
    const operation = this.current?.operation ?? 'read';
    this.fail(
      this.socketError === undefined
        ? new LdapConnectionError(
            `the UCS LDAP server ${this.options.url} closed the connection during the ${operation}`,
          )
        : classifyLdapError(this.socketError, this.errorContext(operation)),
    );
  }

  private fail(error: LdapError): void {
    if (this.failure !== undefined && this.current === undefined) return;
    this.failure ??= error;
    const exchange = this.current;
    this.current = undefined;
    this.socket.destroy();
    if (exchange === undefined) return;
    clearTimeout(exchange.timer);
    exchange.reject(error);
  }
}
