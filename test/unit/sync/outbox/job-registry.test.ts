/** The job registry: a payload is checked against its kind's schema before the handler sees it. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { APPLY_KIND, applyPayloadSchema } from '../../../../app/sync/apply-op-handler.js';
import type { Settlement } from '../../../../app/sync/job.js';
import { EVENT_KIND, eventPayloadSchema } from '../../../../app/sync/listener-events.js';
import { JobRegistry } from '../../../../app/sync/outbox/job-registry.js';
import { inflightRow } from '../../../fixtures/outbox-row.js';

const row = (kind: string, payload: string) => inflightRow(kind, payload);

const greeting = z.object({ name: z.string(), times: z.number() });

/** A registry with a `greet` kind whose handler records what it got. */
function registry(): { jobs: JobRegistry; seen: unknown[] } {
  const seen: unknown[] = [];
  const jobs = new JobRegistry().register({
    kind: 'greet',
    payload: greeting,
    handle: async (payload): Promise<Settlement> => (seen.push(payload), { outcome: 'done' }),
  });
  return { jobs, seen };
}

describe('JobRegistry', () => {
  it('hands the handler the payload as its schema parsed it', async () => {
    const { jobs, seen } = registry();
    await jobs.run(row('greet', JSON.stringify({ name: 'anna', times: 2, extra: true })));
    expect(seen).toEqual([{ name: 'anna', times: 2 }]);
  });

  it('lists a payload its schema refuses as a dead letter naming the kind, the path and the problem', async () => {
    const { jobs } = registry();
    const settlement = await jobs.run(row('greet', JSON.stringify({ name: 'anna', times: 'twice' })));
    expect(settlement).toEqual({
      outcome: 'dead',
      error: 'malformed "greet" payload: times: Invalid input: expected number, received string',
    });
  });

  it('never calls the handler with a payload its schema refuses', async () => {
    const { jobs, seen } = registry();
    await jobs.run(row('greet', JSON.stringify({ name: 7 })));
    expect(seen).toEqual([]);
  });

  it('lists a payload that is not JSON as a dead letter', async () => {
    const { jobs } = registry();
    const settlement = await jobs.run(row('greet', '{"name": "anna"'));
    expect(settlement).toMatchObject({
      outcome: 'dead',
      error: expect.stringMatching(/^malformed "greet" payload: not JSON \(/),
    });
  });

  it('names the first three problems of a payload and counts the rest', async () => {
    const jobs = new JobRegistry().register({
      kind: 'many',
      payload: z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() }),
      handle: async () => ({ outcome: 'done' }),
    });
    const settlement = await jobs.run(row('many', '{}'));
    expect(settlement).toEqual({
      outcome: 'dead',
      error:
        'malformed "many" payload: a: Invalid input: expected string, received undefined; ' +
        'b: Invalid input: expected string, received undefined; ' +
        'c: Invalid input: expected string, received undefined; and 2 more',
    });
  });

  it('lists a row of an unknown kind as a dead letter', async () => {
    const { jobs } = registry();
    expect(await jobs.run(row('from-the-future', '{}'))).toEqual({
      outcome: 'dead',
      error: 'unknown outbox job kind "from-the-future" (written by a newer version?)',
    });
  });

  it('refuses an apply row whose operation has no login, naming the path', async () => {
    const jobs = new JobRegistry().register({
      kind: APPLY_KIND,
      payload: applyPayloadSchema,
      handle: async () => ({ outcome: 'done' }),
    });
    const payload = { op: { kind: 'delete', uuid: 'u-1', reason: 'deleted' }, actor: 'full-sync:1', plannedAt: 1 };
    expect(await jobs.run(row(APPLY_KIND, JSON.stringify(payload)))).toEqual({
      outcome: 'dead',
      error: 'malformed "apply" payload: op.login: Invalid input: expected string, received undefined',
    });
  });

  it('refuses an event row of an event kind it does not know', async () => {
    const jobs = new JobRegistry().register({
      kind: EVENT_KIND,
      payload: eventPayloadSchema,
      handle: async () => ({ outcome: 'done' }),
    });
    const payload = { event: { kind: 'moved', uuid: 'u-1' }, source: 'syncrepl', seenAt: 1 };
    expect(await jobs.run(row(EVENT_KIND, JSON.stringify(payload)))).toMatchObject({
      outcome: 'dead',
      error: expect.stringMatching(/^malformed "event" payload: event\.kind: /),
    });
  });

  it('reads back an update whose field change lost its undefined side in JSON', async () => {
    let change: unknown;
    const jobs = new JobRegistry().register({
      kind: APPLY_KIND,
      payload: applyPayloadSchema,
      handle: async ({ op }) => (
        (change = op.kind === 'update' ? op.changes['016voi_email'] : undefined),
        { outcome: 'done' }
      ),
    });
    const op = {
      kind: 'update',
      uuid: 'u-1',
      dn: 'uid=anna,cn=users,dc=example,dc=intranet',
      login: 'anna',
      record: { '003use_name': 'anna' },
      changes: { '016voi_email': { from: 'anna@example.com', to: undefined } },
      adopt: false,
    };
    await jobs.run(row(APPLY_KIND, JSON.stringify({ op, actor: 'full-sync:1', plannedAt: 1 })));
    expect(change).toStrictEqual({ from: 'anna@example.com', to: undefined });
  });
});
