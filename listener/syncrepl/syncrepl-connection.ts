/**
 * One sync search on a dedicated socket: connect (TLS/StartTLS), simple bind, then a search with
 * the Sync Request control whose answers stream to a handler as `SyncEvent`s.
 *
 * Events go to a single callback rather than an EventEmitter: there is exactly one consumer
 * (the source), ordering is the wire order, and an `error` event cannot crash the process the
 * way an unhandled EventEmitter 'error' does. Events for one socket read are delivered
 * synchronously, so a consumer that defers work with setImmediate sees a whole read at once.
 */
import type net from 'node:net';

import {
  LdapConnectionError,
  LdapProtocolError,
  LdapTimeoutError,
  classifyLdapError,
  errorFromResult,
  notLdapError,
  type LdapError,
  type LdapErrorContext,
} from '../../app/ldap/errors.js';
import {
  OP,
  NOTICE_OF_DISCONNECTION_OID,
  decodeMessage,
  decodeResult,
  encodeBind,
  encodeSyncSearch,
  encodeUnbind,
  extendedResponseName,
  type LdapMessage,
} from '../../app/ldap/ldap-messages.js';
import { START_TLS_MESSAGE_ID, openLdapSocket, type LdapSocketOptions } from '../../app/ldap/ldap-socket.js';
import { MessageFramer } from '../../app/ldap/message-framer.js';
import type { SyncMode } from '../../app/ldap/rfc4533-codec.js';
import { syncEventsOf } from './sync-dispatch.js';
import type { SyncEventHandler } from './sync-events.js';

export interface SyncreplConnectionOptions extends LdapSocketOptions {
  readonly bindDn: string;
  readonly password: string;
  readonly baseDn: string;
  /** RFC 4515 filter string, values already escaped. */
  readonly filter: string;
  /** Attributes to return; `entryUUID` and `modifyTimestamp` are added when missing. */
  readonly attributes: readonly string[];
}

export interface SyncSearchRequest {
  readonly mode: SyncMode;
  readonly cookie?: string | undefined;
  /** Default true: a server without syncprov then answers 12 instead of a plain search. */
  readonly critical?: boolean | undefined;
}

const BIND_ID = START_TLS_MESSAGE_ID + 1;
const SEARCH_ID = BIND_ID + 1;
const CLOSE_GRACE_MS = 2_000;
const ALWAYS_REQUESTED = ['entryUUID', 'modifyTimestamp'];

export class SyncreplConnection {
  private readonly framer = new MessageFramer();
  private readonly label: string;
  /** What errors of the sync search name: the server, the operation and the bind DN. */
  private readonly ctx: LdapErrorContext;
  /** Set once a terminal event was emitted or the caller closed: nothing more is reported. */
  private finished = false;
  private socketError: unknown;
  /** The bind in flight: its answer, or the failure that ends it first. */
  private pendingBind: { onMessage(message: LdapMessage): void; onError(error: LdapError): void } | undefined;
  /** Resolves when the socket is closed, however that happened. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    private readonly onEvent: SyncEventHandler,
    url: string,
    bindDn: string,
  ) {
    this.label = url;
    this.ctx = { url, operation: 'sync search', bindDn };
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.socketError = error;
    });
    socket.once('close', () =>
      this.fail(
        this.socketError === undefined
          ? new LdapConnectionError(`The LDAP server ${url} closed the connection.`)
          : classifyLdapError(this.socketError, this.ctx),
      ),
    );
  }

  /** Connects, binds and starts the sync search. Rejects with a typed error if any step fails. */
  static async open(
    options: SyncreplConnectionOptions,
    request: SyncSearchRequest,
    onEvent: SyncEventHandler,
  ): Promise<SyncreplConnection> {
    const socket = await openLdapSocket(options);
    const connection = new SyncreplConnection(socket, onEvent, options.url, options.bindDn);
    try {
      await connection.bind(options.bindDn, options.password, options.timeoutMs ?? 10_000);
    } catch (error) {
      connection.finished = true;
      socket.destroy();
      throw error;
    }
    connection.search(options, request);
    return connection;
  }

  /** Stops reading (back-pressure); the server then blocks on a full TCP window. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Ends the search without further events; resolves when the socket is closed. */
  async close(): Promise<void> {
    this.finished = true;
    if (!this.socket.destroyed) {
      this.socket.end(encodeUnbind(SEARCH_ID + 1));
      const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      await this.closed;
      clearTimeout(timer);
    }
  }

  private bind(dn: string, password: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          settle(
            new LdapTimeoutError(
              `the UCS LDAP server at ${this.label} did not answer the bind in time (${timeoutMs} ms)`,
            ),
          ),
        timeoutMs,
      );
      const settle = (error: LdapError | undefined): void => {
        clearTimeout(timer);
        this.pendingBind = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const onMessage = (message: LdapMessage): void => {
        if (message.op.tag !== OP.bindResponse)
          return settle(new LdapProtocolError(`Expected a BindResponse, got 0x${message.op.tag.toString(16)}`));
        const result = decodeResult(message.op);
        settle(
          result.code === 0
            ? undefined
            : errorFromResult(result.code, result.diagnostic, { ...this.ctx, operation: 'bind' }),
        );
      };
      this.pendingBind = { onMessage, onError: settle };
      this.socket.write(encodeBind(BIND_ID, dn, password));
    });
  }

  private search(options: SyncreplConnectionOptions, request: SyncSearchRequest): void {
    const attributes = [...options.attributes];
    for (const name of ALWAYS_REQUESTED) {
      if (!attributes.some((attribute) => attribute.toLowerCase() === name.toLowerCase())) attributes.push(name);
    }
    const sync = { mode: request.mode, cookie: request.cookie };
    this.socket.write(
      encodeSyncSearch(SEARCH_ID, {
        baseDn: options.baseDn,
        filter: options.filter,
        attributes,
        sync,
        critical: request.critical ?? true,
      }),
    );
  }

  private onData(chunk: Buffer): void {
    try {
      for (const raw of this.framer.push(chunk)) {
        if (this.finished) return;
        this.dispatch(decodeMessage(raw));
      }
    } catch (error) {
      const operation = this.pendingBind === undefined ? this.ctx.operation : 'bind';
      this.fail(notLdapError(error, { ...this.ctx, operation }));
    }
  }

  private dispatch(message: LdapMessage): void {
    if (message.messageId === 0 && message.op.tag === OP.extendedResponse) return this.onUnsolicited(message);
    if (message.messageId === BIND_ID && this.pendingBind !== undefined) return this.pendingBind.onMessage(message);
    if (message.messageId !== SEARCH_ID) throw new LdapProtocolError(`Unexpected message id ${message.messageId}`);
    for (const event of syncEventsOf(message, this.ctx)) {
      if (event.type === 'error') return this.fail(event.error);
      this.onEvent(event);
      if (event.type === 'done') return this.finish();
    }
  }

  private onUnsolicited(message: LdapMessage): void {
    const result = decodeResult(message.op);
    const name = extendedResponseName(result);
    const why =
      name === NOTICE_OF_DISCONNECTION_OID ? 'sent a notice of disconnection' : 'sent an unsolicited notification';
    this.fail(
      new LdapConnectionError(
        `The LDAP server ${this.label} ${why} (result code ${result.code}: ${result.diagnostic}).`,
      ),
    );
  }

  private fail(error: LdapError): void {
    if (this.finished) return;
    this.finished = true;
    const bind = this.pendingBind;
    this.socket.destroy();
    if (bind !== undefined) return bind.onError(error);
    this.onEvent({ type: 'error', error });
  }

  private finish(): void {
    this.finished = true;
    this.socket.end(encodeUnbind(SEARCH_ID + 1));
  }
}
