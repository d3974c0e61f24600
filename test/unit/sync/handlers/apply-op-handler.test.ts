/**
 * The full sync's `apply` job is safe to deliver twice: every way at-least-once delivery repeats a
 * create, update, rename or delete leaves pascom as one delivery would, against an in-memory pascom.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROLES } from '../../../../app/core/default-mapping.js';
import type { AnchorState, PascomRecord } from '../../../../app/core/types.js';
import { PascomNotSentError, PascomUnavailableError } from '../../../../app/pascom/errors.js';
import { APPLY_KIND, createApplyHandler, type ApplyPayload } from '../../../../app/sync/apply-op-handler.js';
import type { JobHandler } from '../../../../app/sync/job.js';
import { Delivery } from './delivery.js';

const UUID = 'a1b2c3d4-0000-4000-8000-000000000001';
const DN = 'uid=anna,cn=users,dc=example,dc=intranet';

function identity(login: string, name = 'Anna Berg', extension = '101'): PascomRecord {
  return { '003use_name': login, '003use_bez': name, '028pho_bez': name, '009ext_extension': extension };
}

function anchorFor(record: PascomRecord): AnchorState {
  return { uuid: UUID, login: record['003use_name'] ?? '', dn: DN, extension: record['009ext_extension'], record };
}

const before = identity('anna', 'Anna Berg');
const edited = identity('anna', 'Anna Lind');
const renamed = identity('anna.lind', 'Anna Berg');

const createOp: ApplyPayload['op'] = { kind: 'create', uuid: UUID, dn: DN, login: 'anna', record: before };
const updateOp: ApplyPayload['op'] = {
  kind: 'update',
  uuid: UUID,
  dn: DN,
  login: 'anna',
  record: edited,
  changes: {
    '003use_bez': { from: 'Anna Berg', to: 'Anna Lind' },
    '028pho_bez': { from: 'Anna Berg', to: 'Anna Lind' },
  },
  adopt: false,
};
const renameOp: ApplyPayload['op'] = {
  kind: 'update',
  uuid: UUID,
  dn: DN,
  login: 'anna',
  record: renamed,
  changes: { '003use_name': { from: 'anna', to: 'anna.lind' } },
  adopt: false,
};
const deleteOp: ApplyPayload['op'] = { kind: 'delete', uuid: UUID, login: 'anna', reason: 'deleted' };

let delivery: Delivery | undefined;
afterEach(() => delivery?.close());

/** pascom and the anchor table before `op`: a create starts from nothing, the others from the managed `before`. */
function world(op: ApplyPayload['op']): {
  delivery: Delivery;
  handle: JobHandler<ApplyPayload>;
  payload: ApplyPayload;
} {
  const managed = op.kind === 'create' ? [] : [before];
  delivery = new Delivery(managed, managed.map(anchorFor));
  const handle = createApplyHandler({
    pascom: delivery.pascom,
    anchors: delivery.store.anchors,
    loginHolders: delivery.store.loginHolders,
    roles: DEFAULT_ROLES,
  });
  return { delivery, handle, payload: { op, actor: 'full-sync:1', plannedAt: delivery.nowMs } };
}

/** Handles the row, loses its settlement (the process stops), and handles it again after the restart. */
async function deliveredTwiceSettlementLost(op: ApplyPayload['op']) {
  const { delivery: d, handle, payload } = world(op);
  const first = d.enqueue(APPLY_KIND, UUID, payload);
  await handle(payload, first);
  const again = d.restart();
  const settlement = await handle(payload, again);
  d.record(again, settlement);
  return { delivery: d, settlement };
}

/** Handles and records the row, then handles a second row carrying the same change. */
async function deliveredTwiceAfterSettling(op: ApplyPayload['op']) {
  const { delivery: d, handle, payload } = world(op);
  const first = d.enqueue(APPLY_KIND, UUID, payload);
  d.record(first, await handle(payload, first));
  const requestsBefore = d.pascom.calls.length;
  const duplicate = d.enqueue(APPLY_KIND, UUID, payload);
  const settlement = await handle(payload, duplicate);
  d.record(duplicate, settlement);
  return { delivery: d, settlement, requests: d.pascom.calls.length - requestsBefore };
}

describe('apply job delivered again after its settlement was lost', () => {
  it('creates the identity once: the repeated create adopts it without a second POST', async () => {
    const { delivery: d } = await deliveredTwiceSettlementLost(createOp);
    expect([d.pascom.identities(), d.pascom.count('POST')]).toEqual([[before], 1]);
  });

  it('remembers the anchor of a create repeated after its settlement was lost', async () => {
    const { delivery: d } = await deliveredTwiceSettlementLost(createOp);
    expect([d.anchor(UUID)?.login, d.lastAudit()]).toEqual([
      'anna',
      { action: 'adopt', result: 'ok', detail: 'pascom had applied the earlier create whose answer was lost' },
    ]);
  });

  it('leaves an update applied once and settles it as an update', async () => {
    const { delivery: d, settlement } = await deliveredTwiceSettlementLost(updateOp);
    expect([d.pascom.identities(), settlement.outcome, d.anchor(UUID)?.record]).toEqual([[edited], 'done', edited]);
  });

  it('finds a renamed identity under its new login and does not create it again', async () => {
    const { delivery: d } = await deliveredTwiceSettlementLost(renameOp);
    expect([d.pascom.identities(), d.pascom.count('POST'), d.anchor(UUID)?.login]).toEqual([[renamed], 0, 'anna.lind']);
  });

  it('settles a repeated delete as done, noting that the identity was already gone', async () => {
    const { delivery: d } = await deliveredTwiceSettlementLost(deleteOp);
    expect([d.pascom.identities(), d.anchor(UUID), d.lastAudit()]).toEqual([
      [],
      undefined,
      { action: 'delete', result: 'ok', detail: 'deleted; was already gone' },
    ]);
  });
});

describe('apply job delivered again after it was settled (a second row with the same change)', () => {
  it.each([
    ['create', createOp],
    ['update', updateOp],
    ['rename', renameOp],
  ] as const)('skips a repeated %s as superseded without asking pascom anything', async (_name, op) => {
    const { settlement, requests } = await deliveredTwiceAfterSettling(op);
    expect([settlement, requests]).toEqual([
      {
        outcome: 'done',
        audit: {
          actor: 'full-sync:1',
          runId: undefined,
          uuid: UUID,
          login: 'anna',
          action: 'skip',
          result: 'ok',
          detail: 'superseded by a newer change of the user',
        },
      },
      0,
    ]);
  });
});

describe('apply job delivered again after it was settled (a second delete)', () => {
  it('deletes nothing more: the repeated delete finds the identity already gone', async () => {
    const { delivery: d, settlement } = await deliveredTwiceAfterSettling(deleteOp);
    expect([settlement.outcome, d.pascom.identities(), d.pascom.count('DELETE'), d.lastAudit()?.detail]).toEqual([
      'done',
      [],
      2,
      'deleted; was already gone',
    ]);
  });
});

describe('apply job whose answer from pascom was lost', () => {
  it('retries a create whose answer was lost, then adopts what pascom created instead of posting again', async () => {
    const { delivery: d, handle, payload } = world(createOp);
    d.pascom.loseAnswerOf('POST');
    const first = d.enqueue(APPLY_KIND, UUID, payload);
    const lost = await handle(payload, first);
    d.record(first, lost);
    const again = d.retry();
    const settlement = await handle(payload, again);
    expect([lost.outcome, settlement.outcome, d.pascom.identities(), d.pascom.count('POST')]).toEqual([
      'retry',
      'done',
      [before],
      1,
    ]);
  });

  it('adopts its own identity when a first attempt of a create meets it as a 409', async () => {
    const { delivery: d, handle, payload } = world(createOp);
    await d.pascom.createIdentity(before);
    const row = d.enqueue(APPLY_KIND, UUID, payload);
    const settlement = await handle(payload, row);
    d.record(row, settlement);
    expect([d.pascom.identities(), d.lastAudit()]).toEqual([
      [before],
      { action: 'adopt', result: 'ok', detail: 'login existed in pascom' },
    ]);
  });

  it('completes a rename whose answer was lost under the new login', async () => {
    const { delivery: d, handle, payload } = world(renameOp);
    d.pascom.loseAnswerOf('PUT');
    const first = d.enqueue(APPLY_KIND, UUID, payload);
    d.record(first, await handle(payload, first));
    const again = d.retry();
    const settlement = await handle(payload, again);
    d.record(again, settlement);
    expect([d.pascom.identities(), d.anchor(UUID)?.login, d.lastAudit()?.action]).toEqual([
      [renamed],
      'anna.lind',
      'rename',
    ]);
  });

  it('completes a delete whose answer was lost as a delete of something already gone', async () => {
    const { delivery: d, handle, payload } = world(deleteOp);
    d.pascom.loseAnswerOf('DELETE');
    const first = d.enqueue(APPLY_KIND, UUID, payload);
    d.record(first, await handle(payload, first));
    const again = d.retry();
    const settlement = await handle(payload, again);
    d.record(again, settlement);
    expect([d.pascom.identities(), d.anchor(UUID), d.lastAudit()?.detail]).toEqual([
      [],
      undefined,
      'deleted; was already gone',
    ]);
  });
});

describe('apply job deleting an identity that is already gone', () => {
  it('settles as done and forgets the anchor when pascom no longer holds the identity', async () => {
    const { delivery: d, handle, payload } = world(deleteOp);
    await d.pascom.deleteIdentity('anna');
    const row = d.enqueue(APPLY_KIND, UUID, payload);
    const settlement = await handle(payload, row);
    d.record(row, settlement);
    expect([settlement.outcome, d.anchor(UUID), d.lastAudit()?.detail]).toEqual([
      'done',
      undefined,
      'deleted; was already gone',
    ]);
  });
});

describe('apply job while pascom is down', () => {
  it('retries without changing pascom or the anchor', async () => {
    const { delivery: d, handle, payload } = world(updateOp);
    d.pascom.failNextCall(new PascomUnavailableError('pascom is unavailable: connect ECONNREFUSED'));
    const row = d.enqueue(APPLY_KIND, UUID, payload);
    const settlement = await handle(payload, row);
    d.record(row, settlement);
    expect([settlement.outcome, d.pascom.identities(), d.anchor(UUID)?.record]).toEqual(['retry', [before], before]);
  });
});

describe('apply job whose request was never sent (the connector stopped while it waited its turn)', () => {
  it('goes back to the queue as it was and creates the identity once, as a first attempt, after the restart', async () => {
    const { delivery: d, handle, payload } = world(createOp);
    d.pascom.failNextCall(new PascomNotSentError());
    const row = d.enqueue(APPLY_KIND, UUID, payload);
    const settlement = await handle(payload, row);
    d.record(row, settlement);
    const again = d.retry();
    d.record(again, await handle(payload, again));
    expect([settlement.outcome, again.attempts, d.pascom.count('GET'), d.pascom.identities()]).toEqual([
      'release',
      1,
      0,
      [before],
    ]);
  });
});
