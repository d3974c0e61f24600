/**
 * One HTTP exchange with pascom over a keep-alive agent: bounded concurrency, a connect
 * timeout and a whole-request timeout. Network failures come out classified; HTTP answers
 * (any status) come out raw for the caller to classify.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { classifyNetworkError } from './classify-network.js';
import type { RequestContext } from './classify.js';
import { PascomNotSentError, PascomProtocolError, PascomTimeoutError } from './errors.js';
import type { PascomError } from './errors.js';
import { Semaphore } from './semaphore.js';

export interface TransportOptions {
  /** `…/{instance}/services`, no trailing slash, no credentials. */
  readonly base: URL;
  readonly authorization: string;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly concurrency: number;
  readonly ca: string | undefined;
  readonly rejectUnauthorized: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Empty when the body went to `SendOptions.onBody`. */
  readonly bodyText: string;
}

/**
 * A collected answer (one identity, an error) is small; anything far beyond is not pascom
 * talking. The identity list is streamed (`SendOptions.onBody`) and has no such limit.
 */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface SendOptions {
  readonly contentType?: string | undefined;
  /**
   * Takes a 2xx answer's body chunk by chunk as it arrives, instead of collecting it (the
   * response's `body` is then empty); what it throws fails the request. An answer read this way
   * has no size limit: it is never held whole. Other answers are collected for the error.
   */
  readonly onBody?: ((chunk: Buffer) => void) | undefined;
}

/** The request failed on a reused keep-alive socket before any answer arrived. */
class StaleSocketError extends Error {
  constructor(readonly classified: PascomError) {
    super(classified.message);
  }
}

function isResetCode(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

export class Transport {
  private readonly agent: HttpAgent;
  private readonly semaphore: Semaphore;
  private readonly secure: boolean;

  constructor(private readonly options: TransportOptions) {
    this.secure = options.base.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.concurrency };
    this.agent = this.secure
      ? new HttpsAgent({ ...agentOptions, ca: options.ca, rejectUnauthorized: options.rejectUnauthorized })
      : new HttpAgent(agentOptions);
    this.semaphore = new Semaphore(options.concurrency);
  }

  get origin(): string {
    return this.options.base.origin;
  }

  /** `path` is below the services base (`/identity/jdoe`). */
  send(
    method: string,
    path: string,
    body: string | undefined,
    context: RequestContext,
    options: SendOptions = {},
  ): Promise<RawResponse> {
    const fullPath = this.options.base.pathname + path;
    return this.semaphore.run(async () => {
      try {
        return await this.exchange(method, fullPath, body, context, options);
      } catch (error) {
        if (!(error instanceof StaleSocketError)) throw error;
        // A kept-alive socket pascom had already closed (restart, idle timeout): the request
        // never reached it. Only a read is repeated; a write may have been applied, so its
        // retry is left to the delivery worker, which knows how to converge.
        if (method !== 'GET') throw error.classified;
        return this.retryRead(fullPath, context, options);
      }
    });
  }

  /** Every pooled socket may be stale after a restart; each failure removes one from the pool. */
  private async retryRead(path: string, context: RequestContext, options: SendOptions): Promise<RawResponse> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        // A stale socket fails before any answer arrived: `onBody` has seen nothing yet.
        return await this.exchange('GET', path, undefined, context, options);
      } catch (error) {
        if (!(error instanceof StaleSocketError)) throw error;
        if (attempt > this.options.concurrency) throw error.classified;
      }
    }
  }

  /**
   * Fails the requests still waiting for a free connection with `PascomNotSentError` (they never
   * reached pascom); the ones on the wire go on. For a stop: the rows behind the waiting requests
   * go back to the queue at once instead of each waiting its turn against a pascom that may hang.
   */
  abandonQueued(): number {
    return this.semaphore.rejectWaiting(() => new PascomNotSentError());
  }

  close(): void {
    this.agent.destroy();
  }

  private headers(body: string | undefined, contentType: string): Record<string, string> {
    const authorization = this.options.authorization;
    if (body === undefined) return { authorization, accept: 'application/json' };
    return {
      authorization,
      accept: 'application/json',
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
    };
  }

  private exchange(
    method: string,
    path: string,
    body: string | undefined,
    context: RequestContext,
    options: SendOptions = {},
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      let settled = false;
      let answered = false;
      const settle = (error: unknown, response?: RawResponse): void => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        if (response !== undefined) resolve(response);
        else if (req.reusedSocket && !answered && isResetCode(error))
          reject(new StaleSocketError(classifyNetworkError(error, context)));
        else reject(classifyNetworkError(error, context));
      };
      const send = this.secure ? httpsRequest : httpRequest;
      const { hostname, port } = this.options.base;
      const target = {
        hostname: hostname.replace(/^\[|\]$/g, ''),
        port,
        path,
        method,
        agent: this.agent,
        headers: this.headers(body, options.contentType ?? 'application/json'),
      };
      const req = send(target, (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        if (options.onBody !== undefined && status >= 200 && status < 300)
          this.stream(req, res, options.onBody, settle);
        else this.collect(req, res, settle);
      });
      req.on('error', (error) => settle(error));
      timers.push(
        setTimeout(
          () =>
            req.destroy(
              new PascomTimeoutError(
                `no answer from pascom within ${this.options.timeoutMs} ms (${method} ${context.path})`,
                { login: context.login },
              ),
            ),
          this.options.timeoutMs,
        ),
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () =>
            req.destroy(
              new PascomTimeoutError(`cannot connect to ${this.origin} within ${this.options.connectTimeoutMs} ms`, {
                login: context.login,
              }),
            ),
          this.options.connectTimeoutMs,
        );
        timers.push(timer);
        socket.once('connect', () => clearTimeout(timer));
      });
      req.end(body);
    });
  }

  private stream(
    req: ClientRequest,
    res: IncomingMessage,
    onBody: (chunk: Buffer) => void,
    settle: (error: unknown, response?: RawResponse) => void,
  ): void {
    res.on('data', (chunk: Buffer) => {
      try {
        onBody(chunk);
      } catch (error) {
        settle(error);
        req.destroy();
      }
    });
    this.whenDone(res, () => '', settle);
  }

  private collect(
    req: ClientRequest,
    res: IncomingMessage,
    settle: (error: unknown, response?: RawResponse) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES)
        req.destroy(new PascomProtocolError(`pascom's answer exceeds ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    this.whenDone(res, () => Buffer.concat(chunks).toString('utf8'), settle);
  }

  private whenDone(
    res: IncomingMessage,
    bodyText: () => string,
    settle: (error: unknown, response?: RawResponse) => void,
  ): void {
    res.on('error', (error) => settle(error));
    res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, bodyText: bodyText() }));
    res.on('close', () => {
      if (!res.complete)
        settle(Object.assign(new Error('connection closed before the answer was complete'), { code: 'ECONNRESET' }));
    });
  }
}
