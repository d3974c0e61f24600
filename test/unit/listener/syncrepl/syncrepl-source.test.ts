import { describe, expect, it } from 'vitest';

import { LdapBindError, LdapConnectionError, SyncRefreshRequiredError } from '../../../../app/ldap/errors.js';
import type { SyncSinkEvent } from '../../../../listener/syncrepl/refresh-tracker.js';
import type { SyncEvent, SyncEventHandler } from '../../../../listener/syncrepl/sync-events.js';
import type {
  SyncSearchRequest,
  SyncreplConnectionOptions,
} from '../../../../listener/syncrepl/syncrepl-connection.js';
import { SyncreplSource, type SyncreplSourceOptions } from '../../../../listener/syncrepl/syncrepl-source.js';
import { waitFor } from '../../../fixtures/wait.js';

const OPTIONS: SyncreplConnectionOptions = {
  url: 'ldap://fake',
  bindDn: 'cn=x',
  password: 'p',
  baseDn: 'dc=x',
  filter: '(uid=*)',
  attributes: [],
};

interface FakeSession {
  readonly request: SyncSearchRequest;
  emit(...events: SyncEvent[]): void;
  closed: boolean;
}

/** A directory double: each connect opens a session whose events the test emits, as one socket read. */
class FakeDirectory {
  readonly sessions: FakeSession[] = [];
  failNext: Error[] = [];

  connect = async (_options: SyncreplConnectionOptions, request: SyncSearchRequest, onEvent: SyncEventHandler) => {
    const failure = this.failNext.shift();
    if (failure !== undefined) throw failure;
    const session: FakeSession = { request, closed: false, emit: (...events) => events.forEach(onEvent) };
    this.sessions.push(session);
    return { pause: () => undefined, resume: () => undefined, close: async () => void (session.closed = true) };
  };

  session(index: number): Promise<FakeSession> {
    return waitFor(() => this.sessions[index], { message: `session ${index} opened` });
  }
}

const add = (n: number, cookie?: string): SyncEvent => ({
  type: 'entry',
  state: 'add',
  uuid: uuid(n),
  dn: `uid=u${n},dc=x`,
  attributes: {},
  cookie,
});
const uuid = (n: number): string => `00000000-0000-0000-0000-${n.toString().padStart(12, '0')}`;

function setup(overrides: Partial<SyncreplSourceOptions> = {}) {
  const directory = new FakeDirectory();
  const batches: { events: readonly SyncSinkEvent[]; cookie: string | undefined }[] = [];
  let storedCookie: string | undefined = 'stored';
  const sleeps: number[] = [];
  let resets = 0;
  const source = new SyncreplSource({
    connection: OPTIONS,
    cookies: { loadCookie: () => storedCookie },
    sink: async (events, cookie) => {
      batches.push({ events, cookie });
      if (cookie !== undefined) storedCookie = cookie;
    },
    resetState: () => {
      resets += 1;
      storedCookie = undefined;
    },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    connect: directory.connect,
    ...overrides,
  });
  return { source, directory, batches, sleeps, resets: () => resets, cookie: () => storedCookie };
}

describe('SyncreplSource', () => {
  it('requests refreshAndPersist, critical, with the stored cookie', async () => {
    const { source, directory } = setup();
    void source.start();
    expect((await directory.session(0)).request).toEqual({
      mode: 'refreshAndPersist',
      cookie: 'stored',
      critical: true,
    });
    await source.stop();
  });

  it('hands a burst that arrived in one read to the sink in one call', async () => {
    const { source, directory, batches } = setup();
    void source.start();
    const session = await directory.session(0);
    session.emit(
      { type: 'refreshDelete', refreshDone: true },
      ...Array.from({ length: 1_000 }, (_, i) => add(i, `c${i}`)),
    );
    await waitFor(() => batches.length > 0);
    await source.stop();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events).toHaveLength(1_000);
    expect(batches[0]?.cookie).toBe('c999');
  });

  it('hands a single change over without waiting for more', async () => {
    const { source, directory, batches } = setup();
    void source.start();
    const session = await directory.session(0);
    session.emit({ type: 'refreshDelete', refreshDone: true });
    session.emit(add(1, 'c1'));
    await waitFor(() => batches.some((batch) => batch.cookie === 'c1'), { timeoutMs: 1_000 });
    await source.stop();
  });

  it('reconnects after a lost connection from the cookie the sink stored, with backoff', async () => {
    const { source, directory, sleeps } = setup();
    void source.start();
    const first = await directory.session(0);
    first.emit({ type: 'refreshDelete', refreshDone: true }, add(1, 'after-1'));
    first.emit({ type: 'error', error: new LdapConnectionError('lost') });
    const second = await directory.session(1);
    await source.stop();
    expect(second.request.cookie).toBe('after-1');
    expect(first.closed).toBe(true);
    expect(sleeps).toEqual([50]);
  });

  it('grows the backoff while connects keep failing, and resets it after a completed refresh', async () => {
    const { source, directory, sleeps } = setup();
    directory.failNext = [
      new LdapConnectionError('down'),
      new LdapConnectionError('down'),
      new LdapConnectionError('down'),
    ];
    void source.start();
    const session = await directory.session(0);
    session.emit(
      { type: 'refreshDelete', refreshDone: true },
      { type: 'error', error: new LdapConnectionError('lost') },
    );
    await directory.session(1);
    await source.stop();
    expect(sleeps).toEqual([50, 100, 200, 50]);
  });

  it('drops the state and refreshes without a cookie when the server requires a full refresh', async () => {
    const { source, directory, resets } = setup();
    void source.start();
    (await directory.session(0)).emit({ type: 'error', error: new SyncRefreshRequiredError('stale', 4096) });
    const second = await directory.session(1);
    await source.stop();
    expect(resets()).toBe(1);
    expect(second.request.cookie).toBeUndefined();
  });

  it('stops and rejects on an error that retrying cannot fix', async () => {
    const { source, directory } = setup();
    directory.failNext = [new LdapBindError('wrong password')];
    await expect(source.start()).rejects.toBeInstanceOf(LdapBindError);
    expect(directory.sessions).toHaveLength(0);
  });

  it('redelivers from the stored cookie after the sink fails, never passing later events first', async () => {
    let failOnce = true;
    const delivered: string[] = [];
    const { source, directory } = setup({
      sink: async (events) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('disk full');
        }
        delivered.push(...events.map((event) => event.kind));
      },
    });
    void source.start();
    const first = await directory.session(0);
    first.emit({ type: 'refreshDelete', refreshDone: true }, add(1, 'c1'));
    const second = await directory.session(1);
    await source.stop();
    expect(first.closed).toBe(true);
    expect(second.request.cookie).toBe('stored');
    expect(delivered).toEqual([]);
  });

  it('delivers the events that arrived before stop() and closes the connection', async () => {
    const { source, directory, batches } = setup();
    void source.start();
    const session = await directory.session(0);
    session.emit({ type: 'refreshDelete', refreshDone: true }, add(7, 'c7'));
    await source.stop();
    expect(session.closed).toBe(true);
    expect(batches.at(-1)?.cookie).toBe('c7');
  });
});
