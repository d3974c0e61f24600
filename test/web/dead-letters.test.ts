/** Dead letters on the status page: listed with their error, retried or discarded (POST + CSRF). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness();
  // No delivery during these tests: a revived row must stay visible as pending.
  await h.app().runner?.stop();
});
afterAll(async () => h.close());

let deadId = 0;
beforeEach(() => {
  const { outbox } = h.app().store;
  const now = Date.now();
  outbox.enqueue(
    {
      uuid: `uuid-${now}`,
      kind: 'apply',
      payload: { op: { kind: 'create', login: 'broken' }, actor: 'test' },
      source: 'poll',
    },
    now,
  );
  const [row] = outbox.claim(now, 1);
  if (row === undefined) throw new Error('no row claimed');
  outbox.markDead(row.id, 'pascom rejected the identity (field 009ext_extension): <b>taken</b>');
  deadId = row.id;
});

describe('dead letters', () => {
  it("are listed with the login and pascom's error, escaped", async () => {
    const page = await (await h.admin()).get('/status');
    expect(page.body).toContain('<td>broken</td>');
    expect(page.body).toContain('&lt;b&gt;taken&lt;/b&gt;');
    expect(page.body).toContain(`/status/dead/${deadId}/retry`);
  });

  it('go back into the queue on retry', async () => {
    const client = await h.admin();
    const res = await client.post(`/status/dead/${deadId}/retry`);
    expect(res.status).toBe(303);
    expect(
      h
        .app()
        .store.outbox.list('pending')
        .map((row) => row.id),
    ).toContain(deadId);
    expect((await client.follow(res)).body).toContain('The change is queued again.');
  });

  it('disappear on discard', async () => {
    const client = await h.admin();
    const res = await client.post(`/status/dead/${deadId}/discard`);
    expect(res.status).toBe(303);
    expect(
      h
        .app()
        .store.outbox.list('dead')
        .map((row) => row.id),
    ).not.toContain(deadId);
    expect(
      h
        .app()
        .store.audit.recent(5)
        .map((entry) => entry.action),
    ).toContain('discard-dead-letter');
  });

  it('report a row that is already gone', async () => {
    const client = await h.admin();
    await client.post(`/status/dead/${deadId}/discard`);
    await client.get('/status');
    const res = await client.post(`/status/dead/${deadId}/discard`);
    expect((await client.follow(res)).body).toContain('This dead letter no longer exists.');
  });
});
