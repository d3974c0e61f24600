/**
 * "Import now" is bound to the plan the admin reviewed. The import plans again (UCS or pascom
 * may have changed since the simulation), so the form posts the reviewed run's id and its
 * number of deletes; an import whose new plan deletes more is refused with the new numbers and
 * changes nothing. Over real HTTP, real slapd and the pascom simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../fixtures/wait.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import type { Browserless, PageResponse } from '../web/http-client.js';

let h: WebHarness;
const doomed: string[] = [];

interface JobJson {
  state: string;
  result?: { status: string; delivered: number; refused?: { deletes: number; reviewed: number } };
  text: { result?: string };
}

/**
 * The reviewed plan as the admin sees it: the run id (the report's address) and its number of
 * deletes (the summary). The page's import form carries the same two values.
 */
interface Reviewed {
  runId: string;
  deletes: string;
}

async function simulate(client: Browserless): Promise<Reviewed> {
  const res = await client.post('/sync/simulate');
  expect(res.status).toBe(303);
  const runId = client.pathOf(res.location).split('/').pop() ?? '';
  const page = await client.follow(res);
  const deletes = /class="summary-delete">[\s\S]*?class="count">(\d+)</.exec(page.body)?.[1];
  if (deletes === undefined) throw new Error('the report shows no delete count');
  const form = /name="runId" value="(\d+)"[\s\S]*?name="deletes" value="(\d+)"/.exec(page.body);
  if (form !== null) expect([form[1], form[2]]).toEqual([runId, deletes]);
  return { runId, deletes };
}

async function finished(client: Browserless, started: PageResponse): Promise<JobJson> {
  expect(started.status).toBe(303);
  const id = client.pathOf(started.location).split('/').pop() ?? '';
  return waitFor(
    async () => {
      const job = JSON.parse((await client.get(`/api/import/${id}`)).body) as JobJson;
      return job.state === 'finished' || job.state === 'failed' ? job : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: 'import finished' },
  );
}

const logins = (): string[] => h.sim.identities().map((identity) => String(identity['003use_name']));

beforeAll(async () => {
  h = await startWebHarness({ config: { deletes: { mode: 'delete', maxPerRun: 100 } } });
  for (const name of ['keep1', 'gone1', 'gone2']) {
    const user = await h.udm.createUser({ username: name, firstname: name, lastname: 'Binding', activated: true });
    if (name.startsWith('gone')) doomed.push(user.dn);
  }
  const client = await h.admin();
  const job = await finished(client, await client.post('/sync/import/start', { ...(await simulate(client)) }));
  expect(job.result?.status).toBe('done');
  expect(logins()).toEqual(expect.arrayContaining(['keep1', 'gone1', 'gone2']));
}, 60_000);

afterAll(async () => h?.close());

describe('Import now is bound to the reviewed plan', { shuffle: false }, () => {
  it('refuses, with the new numbers, when the directory changed so that the import would delete more', async () => {
    const client = await h.admin();
    const reviewed = await simulate(client);
    expect(reviewed.deletes).toBe('0');
    for (const dn of doomed) await h.udm.deleteUser(dn);

    const started = await client.post('/sync/import/start', { ...reviewed });
    const job = await finished(client, started);

    expect(job.result?.status).toBe('blocked');
    expect(job.result?.refused).toEqual({ deletes: 2, reviewed: 0 });
    expect(job.text.result).toContain('would now delete 2 identities; you reviewed 0');
    expect(logins()).toEqual(expect.arrayContaining(['keep1', 'gone1', 'gone2']));
    const progress = await client.follow(started);
    expect(progress.body).toContain('would now delete 2 identities; you reviewed 0. Nothing was changed.');
    expect(progress.body).toContain('Review the new plan');
  });

  it('refuses a delete count that is not the reviewed run’s own (a stale or edited form)', async () => {
    const client = await h.admin();
    const reviewed = await simulate(client);
    expect(reviewed.deletes).toBe('2');
    const res = await client.post('/sync/import/start', { ...reviewed, deletes: '5' });
    expect(res.status).toBe(409);
    expect(res.body).toContain('showed a different number of deletes');
    expect(logins()).toEqual(expect.arrayContaining(['gone1', 'gone2']));
  });

  it('refuses an import that names no reviewed run at all', async () => {
    const client = await h.admin();
    await client.get('/sync');
    const res = await client.post('/sync/import/start', { confirmDeletes: '1' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('review it first');
    expect((await client.post('/sync/import/start', { runId: '999999', deletes: '0' })).status).toBe(409);
    expect(logins()).toEqual(expect.arrayContaining(['gone1', 'gone2']));
  });

  it('applies the deletes the admin reviewed', async () => {
    const client = await h.admin();
    const reviewed = await simulate(client);
    expect(reviewed.deletes).toBe('2');
    const job = await finished(client, await client.post('/sync/import/start', { ...reviewed }));
    expect(job.result?.status).toBe('done');
    expect(job.result?.refused).toBeUndefined();
    expect(logins()).toContain('keep1');
    expect(logins()).not.toContain('gone1');
    expect(logins()).not.toContain('gone2');
  });
});
