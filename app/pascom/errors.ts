/**
 * What can go wrong talking to pascom, as types the delivery worker can act on: `retryable`
 * errors are retried with backoff, the others go to the dead-letter list with their message.
 * Messages never contain the password (it is never passed in).
 */

export interface PascomErrorDetails {
  readonly status?: number | undefined;
  readonly login?: string | undefined;
  readonly cause?: unknown;
}

export class PascomError extends Error {
  override readonly name: string = 'PascomError';
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly login: string | undefined;

  constructor(message: string, retryable: boolean, details: PascomErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = retryable;
    this.status = details.status;
    this.login = details.login;
  }
}

/** 400: pascom refused the values; resending the same record cannot help. */
export class PascomRejectedError extends PascomError {
  override readonly name = 'PascomRejectedError';
  constructor(
    readonly reason: string,
    readonly field: string | undefined,
    details: PascomErrorDetails = {},
  ) {
    super(`pascom rejected the identity${field === undefined ? '' : ` (field ${field})`}: ${reason}`, false, details);
  }
}

/** 409: the login or extension belongs to another identity. */
export class PascomConflictError extends PascomError {
  override readonly name = 'PascomConflictError';
  constructor(
    readonly reason: string,
    readonly field: string | undefined,
    details: PascomErrorDetails = {},
  ) {
    super(`pascom reports a conflict${field === undefined ? '' : ` (field ${field})`}: ${reason}`, false, details);
  }
}

/** 404 where the identity must exist (an update). */
export class PascomNotFoundError extends PascomError {
  override readonly name = 'PascomNotFoundError';
  constructor(message: string, details: PascomErrorDetails = {}) {
    super(message, false, details);
  }
}

export const AUTH_HINT =
  'pascom refused the REST credentials: check pascom.user and the password against pascom ' +
  '(Information → Developer → REST credentials)';

/** 401/403. */
export class PascomAuthError extends PascomError {
  override readonly name = 'PascomAuthError';
  constructor(details: PascomErrorDetails = {}) {
    super(`${AUTH_HINT} (HTTP ${details.status ?? 401})`, false, details);
  }
}

/** 5xx or a network failure: pascom is (for now) unreachable. */
export class PascomUnavailableError extends PascomError {
  override readonly name = 'PascomUnavailableError';
  /** The Node error code of a network failure (`ECONNRESET`), undefined for an HTTP answer. */
  readonly code: string | undefined;
  /** From a 503's Retry-After, when pascom sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    details: PascomErrorDetails & { code?: string | undefined; retryAfterMs?: number | undefined } = {},
  ) {
    super(message, true, details);
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The certificate could not be verified; retrying cannot help until the admin acts. */
export class PascomTlsError extends PascomError {
  override readonly name = 'PascomTlsError';
  readonly code: string | undefined;
  constructor(message: string, details: PascomErrorDetails & { code?: string | undefined } = {}) {
    super(message, false, details);
    this.code = details.code;
  }
}

/** 429: wait at least `retryAfterMs` before the next attempt. */
export class PascomRateLimitedError extends PascomError {
  override readonly name = 'PascomRateLimitedError';
  constructor(
    readonly retryAfterMs: number,
    details: PascomErrorDetails = {},
  ) {
    super(`pascom is rate limiting requests; retry after ${retryAfterMs} ms`, true, details);
  }
}

/** No (complete) answer within the configured time. */
export class PascomTimeoutError extends PascomError {
  override readonly name = 'PascomTimeoutError';
  constructor(message: string, details: PascomErrorDetails = {}) {
    super(message, true, details);
  }
}

/** An answer that does not fit the contract (wrong path, redirect, unparsable body). */
export class PascomProtocolError extends PascomError {
  override readonly name = 'PascomProtocolError';
  constructor(message: string, details: PascomErrorDetails = {}) {
    super(message, false, details);
  }
}

/**
 * The identity list came back exactly as long as a known cap: it may be cut off, and a plan made
 * from it would create, adopt or delete on a partial view. Retrying cannot help; the admin
 * configures paging (or, when the instance really holds that many identities, the cap).
 */
export class PascomListCappedError extends PascomError {
  override readonly name = 'PascomListCappedError';
  constructor(readonly length: number) {
    super(
      `pascom listed exactly ${length} identities, the length at which pascom cuts its lists off by default; ` +
        'the list may be incomplete, so nothing was planned from it. Set pascom.api.paging to the paging ' +
        "parameters of the instance's REST documentation (Test connection shows the list length), or, if " +
        `the instance really holds exactly ${length} identities, set pascom.api.listCap to 0`,
      false,
    );
  }
}

/**
 * The request was never sent: the connector stopped while it waited for a free connection. pascom
 * cannot have seen it, so the change goes back to the queue as it was, to be sent after the restart.
 */
export class PascomNotSentError extends PascomError {
  override readonly name = 'PascomNotSentError';
  constructor(details: PascomErrorDetails = {}) {
    super(
      'not sent: the connector stopped before this request reached pascom; it is sent after the restart',
      true,
      details,
    );
  }
}
