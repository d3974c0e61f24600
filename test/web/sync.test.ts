/** Simulate, Import now (background + progress), busy runs, escaping of directory data, the status page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../fixtures/wait.js';
import { startWebHarness, type WebHarness } from './harness.js';
import type { Browserless } from './http-client.js';

let h: WebHarness;
const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

beforeAll(async () => {
  h = await startWebHarness({ config: { deletes: { mode: 'delete', maxPerRun: 1 } } });
  await h.udm.createUser({
    username: 'jdoe',
    firstname: 'John',
    lastname: 'Doe',
    activated: true,
    phone: ['+49 441 1234-101'],
  });
  await h.udm.createUser({ username: 'xss', firstname: 'X', lastname: 'Ss', displayName: SCRIPT, activated: true });
});
afterAll(async () => h.close());

interface JobJson {
  state: string;
  progress: { total: number; settled: number; failed: number };
  result?: { status: string; delivered: number; failed: number; queued: number };
}

async function finishedJob(client: Browserless, location: string | undefined): Promise<JobJson> {
  const id = client.pathOf(location).split('/').pop() ?? '';
  return waitFor(
    async () => {
      const job = JSON.parse((await client.get(`/api/import/${id}`)).body) as JobJson;
      return job.state === 'finished' || job.state === 'failed' ? job : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100, message: 'import finished' },
  );
}

/** The reviewed run an import form carries (the confirmation page and the Simulate report both have one). */
function reviewed(body: string): { runId: string; deletes: string } {
  const runId = /name="runId" value="(\d+)"/.exec(body)?.[1] ?? '';
  const deletes = /name="deletes" value="(\d+)"/.exec(body)?.[1] ?? '';
  return { runId, deletes };
}

async function confirmPage(client: Browserless): Promise<{ body: string; form: { runId: string; deletes: string } }> {
  const page = await client.follow(await client.post('/sync/import/prepare'));
  return { body: page.body, form: reviewed(page.body) };
}

async function importAll(client: Browserless, confirmDeletes = false): Promise<JobJson> {
  const { form } = await confirmPage(client);
  const started = await client.post('/sync/import/start', {
    ...form,
    ...(confirmDeletes ? { confirmDeletes: '1' } : {}),
  });
  expect(started.status).toBe(303);
  return finishedJob(client, started.location);
}

describe('Simulate', () => {
  it('shows the creates with their fields, escaping directory values', async () => {
    await h.udm.createUser({
      username: 'newcomer',
      firstname: 'New',
      lastname: 'Comer',
      activated: true,
      phone: ['+49 441 1234-177'],
    });
    await h.udm.createUser({ username: 'xss2', firstname: 'X', lastname: 'Ss', displayName: SCRIPT, activated: true });
    const client = await h.admin();
    const res = await client.post('/sync/simulate');
    expect(res.status).toBe(303);
    const page = await client.follow(res);
    expect(page.status).toBe(200);
    expect(page.body).toContain('badge-kind-create');
    expect(page.body).toContain('uid=newcomer');
    expect(page.body).toContain('<ins>177</ins>');
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body).toContain(ESCAPED);
  });

  it('filters by kind and text', async () => {
    await h.udm.createUser({ username: 'filter-a', lastname: 'A', activated: true });
    await h.udm.createUser({ username: 'filter-b', lastname: 'B', activated: true });
    const client = await h.admin();
    const path = client.pathOf((await client.post('/sync/simulate')).location);
    const onlyA = await client.get(`${path}?kind=create&q=filter-a`);
    expect(onlyA.body).toContain('uid=filter-a');
    expect(onlyA.body).not.toContain('uid=filter-b');
    expect((await client.get(`${path}?kind=delete`)).body).toContain('None.');
  });

  it('escapes directory values in the mapping preview', async () => {
    const page = await (await h.admin()).get('/mapping?login=xss');
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body).toContain(ESCAPED);
  });
});

describe('Import now', () => {
  it('runs in the background and reports progress until every change is delivered', async () => {
    const client = await h.admin();
    const confirm = await confirmPage(client);
    expect(confirm.body).toContain('Nothing will be deleted.');
    const started = await client.post('/sync/import/start', confirm.form);
    const progress = await client.follow(started);
    expect(progress.status).toBe(200);
    expect(progress.body).toContain('<progress');
    const job = await finishedJob(client, started.location);
    expect(job.result).toEqual({
      status: 'done',
      delivered: job.progress.total,
      failed: 0,
      queued: 0,
      runId: expect.any(Number),
    });
    expect(h.sim.identities().map((identity) => identity['003use_name'])).toEqual(
      expect.arrayContaining(['jdoe', 'xss']),
    );
    expect((await client.follow(started)).body).toContain('Import finished');
  });

  it('lists the deletes and, over the threshold, imports only once they are confirmed', async () => {
    const client = await h.admin();
    await importAll(client);
    const a = await h.udm.createUser({ username: 'gone1', lastname: 'One', activated: true });
    const b = await h.udm.createUser({ username: 'gone2', lastname: 'Two', activated: true });
    await importAll(client);
    await h.udm.deleteUser(a.dn);
    await h.udm.deleteUser(b.dn);
    const confirm = await confirmPage(client);
    expect(confirm.body).toContain('Blocked: the import would delete 2 identities, more than the limit of 1');
    expect(confirm.body).toContain('gone1');
    expect(confirm.body).toContain('name="confirmDeletes"');
    expect(
      (await finishedJob(client, (await client.post('/sync/import/start', confirm.form)).location)).result?.status,
    ).toBe('blocked');
    expect((await importAll(client, true)).result?.status).toBe('done');
    expect(h.sim.identities().map((identity) => identity['003use_name'])).not.toContain('gone1');
  });

  it('refuses a second run while one is going on, with 409', async () => {
    const client = await h.admin();
    const { form } = await confirmPage(client);
    h.sim.hangNext(1);
    const started = await client.post('/sync/import/start', form);
    expect(started.status).toBe(303);
    const second = await client.post('/sync/simulate');
    expect(second.status).toBe(409);
    expect(second.body).toContain('A full sync is already running');
    const third = await client.post('/sync/import/start', form);
    expect(third.status).toBe(409);
    expect(third.body).toContain('A full sync is already running');
    h.sim.release();
    await finishedJob(client, started.location);
  });

  it('answers 404 for an unknown import', async () => {
    const res = await (await h.admin()).get('/api/import/999');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: expect.stringContaining('not known') });
  });
});

describe('Status', () => {
  it('shows the queue, the last import with counts, recent audit entries and the chart', async () => {
    const client = await h.admin();
    await importAll(client, true);
    const page = await client.get('/status');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Last import');
    expect(page.body).toMatch(/\d+ created, \d+ updated, \d+ deleted/);
    expect(page.body).toContain('class="bar-ok"');
    expect(page.body).toContain('<td>jdoe</td>');
    expect(page.body).toContain('No failed changes.');
  });
});
