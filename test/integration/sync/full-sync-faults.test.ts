/**
 * Import under pascom faults: transient failures are retried until delivered, Retry-After is
 * honoured, refusals become dead letters without stopping the others, and a crash at any point
 * creates nothing twice.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING } from '../../../app/core/default-mapping.js';
import type { JournalEntry } from '../../fixtures/pascom-simulator/index.js';
import { waitFor } from '../../fixtures/wait.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let seq = 0;
const batch = (): string => `f${++seq}x${process.pid % 1000}`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.sim.comeUp();
  h.sim.reset();
});

async function createUsers(prefix: string, n: number): Promise<string[]> {
  const logins: string[] = [];
  for (let i = 0; i < n; i++) {
    const login = `${prefix}u${i}`;
    await h.udm.createUser({ username: login, firstname: 'Fault', lastname: `User ${i}`, activated: true });
    logins.push(login);
  }
  return logins;
}

/** Creates pascom applied per login (answered 201, or applied with the answer lost): more than one would be a duplicate. */
function createdTimes(login: string): number {
  return h.sim.journal().filter((e) => e.method === 'POST' && appliedCreate(e) && bodyLogin(e) === login).length;
}

function appliedCreate(entry: JournalEntry): boolean {
  return entry.status === 201 || entry.fault === 'failAfterApply';
}

function bodyLogin(entry: JournalEntry): string | undefined {
  const body = entry.body as Record<string, unknown> | undefined;
  return typeof body?.['003use_name'] === 'string' ? body['003use_name'] : undefined;
}

function present(logins: readonly string[]): boolean {
  const have = new Set(h.sim.identities().map((i) => i['003use_name']));
  return logins.every((l) => have.has(l));
}

describe('import under pascom faults', () => {
  it('retries 5xx answers until every change is delivered', async () => {
    const logins = await createUsers(batch(), 8);
    const c = await h.connector();
    // 30 % of requests fail until 4 have failed: even if all 4 hit one row, its backoff
    // (full jitter, ceilings 0.5 + 1 + 2 + 4 s) ends well inside the import's 20 s wait.
    // Without the limit, which row draws a run of failures depends on the order concurrent
    // requests arrive in, and one row failing 7 times in a row outlasts the wait.
    h.sim.setServerErrorRate(0.3, { seed: 7, limit: 4 });

    const result = await c.importNow();

    expect(result.status).toBe('done');
    expect(present(logins)).toBe(true);
    expect(h.sim.journal().filter((e) => e.status >= 500)).toHaveLength(4);
    await c.stop();
  });

  it('waits at least Retry-After before reading again after a 429', async () => {
    await createUsers(batch(), 1);
    const c = await h.connector();
    h.sim.rateLimitNext(1, 1);

    const result = await c.importNow();

    const lists = h.sim.journal().filter((e) => e.method === 'GET');
    expect(result.status).toBe('done');
    expect(lists.map((e) => e.status)).toEqual([429, 200]);
    const [first, second] = lists as [JournalEntry, JournalEntry];
    expect(second.receivedAtMs - first.receivedAtMs).toBeGreaterThanOrEqual(1000);
    await c.stop();
  });

  it('waits at least Retry-After before sending a change again after a 429', async () => {
    const [login = ''] = await createUsers(batch(), 1);
    const c = await h.connector();
    h.sim.rateLimitNext(1, 1, 'POST'); // the first create is refused with 429
    const result = await c.importNow();

    // Other tests' users are in the directory too: follow the login that got the 429.
    const posts = h.sim.journal().filter((e) => e.method === 'POST');
    const limited = posts.find((e) => e.status === 429);
    const retried = posts.find((e) => e.seq > (limited?.seq ?? 0) && bodyLogin(e) === bodyLogin(limited!));
    expect(result.status).toBe('done');
    expect(retried?.status).toBe(201);
    expect(retried!.receivedAtMs - limited!.receivedAtMs).toBeGreaterThanOrEqual(1000);
    expect(present([login])).toBe(true);
    await c.stop();
  });

  it('a change pascom refuses becomes a dead letter with its reason, and the others go through', async () => {
    const prefix = batch();
    const refused = `${prefix}home`;
    const fine = await createUsers(prefix, 3);
    await h.udm.createUser({
      username: refused,
      firstname: 'Ho',
      lastname: 'Me',
      homeTelephoneNumber: ['0441 1'],
      activated: true,
    });
    // 003use_home is not a field pascom knows: it answers 400 naming the field.
    const mapping = [
      ...DEFAULT_MAPPING,
      { field: '003use_home', sources: ['homePhone'], transforms: [], required: false, policy: 'force' },
    ];
    const c = await h.connector({ mapping });

    const result = await c.importNow();

    expect(result.status).toBe('partial');
    expect(result.failed).toBe(1);
    expect(present(fine)).toBe(true);
    const dead = c.app.store.outbox.list('dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.lastError).toMatch(/003use_home/);
    await c.stop();
  });

  it('a create whose answer was lost is not created twice', async () => {
    const logins = await createUsers(batch(), 4);
    const c = await h.connector();
    h.sim.setLatency(50);

    h.sim.failAfterApplyNext(2, 'POST'); // the first two creates are applied, their answers lost
    const result = await c.importNow();

    expect(h.sim.journal().filter((e) => e.fault === 'failAfterApply')).toHaveLength(2);
    expect(result.status).toBe('done');
    expect(present(logins)).toBe(true);
    expect(logins.map(createdTimes)).toEqual(logins.map(() => 1));
    await c.stop();
  });

  it('changes queued while pascom is down are delivered after a restart', async () => {
    const logins = await createUsers(batch(), 3);
    const c = await h.connector();
    h.sim.setLatency(50);

    const running = c.app.fullSync.import({
      trigger: 'test',
      confirmDeletes: false,
      waitMs: 500,
      runner: c.app.runner,
    });
    await h.sim.waitForRequests((e) => e.method === 'POST', 1, 5000);
    await h.sim.goDown();
    const partial = await running;
    const restarted = await c.restart();
    await h.sim.comeUp();
    await waitFor(() => present(logins), {
      timeoutMs: 15_000,
      message: 'queued creates were not delivered after the restart',
    });

    expect(partial.status).toBe('partial');
    expect(partial.queued).toBeGreaterThan(0);
    expect(logins.map(createdTimes)).toEqual(logins.map(() => 1));
    await restarted.stop();
  });

  it('SIGKILL of an import in the middle creates nothing twice when it is run again', async () => {
    const logins = await createUsers(batch(), 40);
    const c = await h.connector();
    await c.stop(); // the CLI process below owns the data dir
    h.sim.setLatency(15);
    const cli = (): ReturnType<typeof spawn> =>
      spawn(
        process.execPath,
        ['--import', 'tsx', 'app/cli/main.ts', 'import', '--json', '--config', c.fixture.configPath],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );

    const victim = cli();
    let stderr = '';
    victim.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await h.sim
      .waitForRequests((e) => e.method === 'POST' && e.status === 201, 10, 20_000)
      .catch((error: unknown) => {
        throw new Error(`the import never got going: ${String(error)}\n${stderr}`);
      });
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    h.sim.setLatency(0);

    const rerun = cli();
    const code = await new Promise((resolve) => rerun.once('exit', resolve));

    expect(code).toBe(0);
    expect(present(logins)).toBe(true);
    expect(logins.map(createdTimes)).toEqual(logins.map(() => 1));
  });
});
