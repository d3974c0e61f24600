import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../app/core/ports.js';
import type { AnchorState, PascomRecord } from '../../../app/core/types.js';
import { parseCsvRecords } from '../../../app/pascom/csv.js';
import { PascomRejectedError, PascomUnavailableError } from '../../../app/pascom/errors.js';
import { ConnectorDelivery, type ConnectorSnapshot } from '../../../app/sync/connector-delivery.js';
import { waitFor } from '../../fixtures/wait.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function anchor(login: string, extra: PascomRecord = {}): AnchorState {
  return {
    uuid: `u-${login}`,
    login,
    dn: `uid=${login}`,
    record: { '003use_name': login, '003use_bez': login, ...extra },
  };
}

interface World {
  readonly delivery: ConnectorDelivery;
  /** Logins of each push, in order. */
  readonly pushes: string[][];
  readonly saved: PascomRecord[][];
  fail: ((csv: string) => Error | undefined) | undefined;
}

function world(anchors: AnchorState[], stored?: PascomRecord[], pending = false): World {
  const pushes: string[][] = [];
  const saved: PascomRecord[][] = [];
  const snapshot: ConnectorSnapshot = {
    load: () => (stored === undefined ? undefined : { records: stored, pending }),
    save: (records) => void saved.push([...records]),
    confirm: () => undefined,
    clear: () => undefined,
  };
  const state: World = {
    pushes,
    saved,
    fail: undefined,
    delivery: new ConnectorDelivery({
      reader: {
        listIdentities: () => Promise.resolve([]),
        forEachIdentity: () => Promise.resolve(),
        getIdentity: (login) => Promise.resolve(login === 'outside' ? { '003use_name': 'outside' } : undefined),
      },
      push: (csv) => {
        pushes.push(parseCsvRecords(csv).records.map((r) => r['003use_name'] ?? ''));
        const error = state.fail?.(csv);
        return error === undefined ? Promise.resolve() : Promise.reject(error);
      },
      columns: () => ['003use_name', '003use_bez'],
      loginField: () => '003use_name',
      anchors: () => anchors,
      snapshot,
      intervalMs: 50,
      nowMs: () => performance.now(),
      logger: silent,
    }),
  };
  return state;
}

const rec = (login: string, name = login): PascomRecord => ({ '003use_name': login, '003use_bez': name });

describe('ConnectorDelivery', () => {
  it('pushes the whole managed set, changes of one interval in one push', async () => {
    const { delivery, pushes } = world([anchor('amy'), anchor('bob')]);
    await Promise.all([delivery.createIdentity(rec('cid')), delivery.updateIdentity('amy', rec('amy', 'Amy B'))]);
    expect(pushes).toEqual([['amy', 'bob', 'cid']]);
    await delivery.deleteIdentity('bob');
    expect(pushes.at(-1)).toEqual(['amy', 'cid']);
    expect(await delivery.getIdentity('amy')).toEqual(rec('amy', 'Amy B'));
  });

  it('renames by replacing the old login in the set', async () => {
    const { delivery, pushes } = world([anchor('amy')]);
    await delivery.updateIdentity('amy', rec('amy2'));
    expect(pushes).toEqual([['amy2']]);
    expect(await delivery.getIdentity('amy')).toBeUndefined();
  });

  it('reads identities outside the set from pascom, and does not push a delete of one', async () => {
    const { delivery, pushes } = world([anchor('amy')]);
    expect(await delivery.getIdentity('outside')).toEqual({ '003use_name': 'outside' });
    expect(await delivery.deleteIdentity('outside')).toBe(false);
    expect(pushes).toEqual([]);
  });

  it('fails only the record a refusal names; the others go out with the next push', async () => {
    const w = world([anchor('amy')]);
    w.fail = (csv) =>
      csv.includes('"bad"')
        ? new PascomRejectedError('003use_bez is required', '003use_bez', { login: 'bad' })
        : undefined;
    const results = await Promise.allSettled([
      w.delivery.createIdentity(rec('bad', '')),
      w.delivery.createIdentity(rec('cid')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(w.pushes).toEqual([
      ['amy', 'bad', 'cid'],
      ['amy', 'cid'],
    ]);
  });

  it('fails the whole batch on an error naming no record, and stores the set pascom kept', async () => {
    const w = world([anchor('amy')]);
    w.fail = () => new PascomUnavailableError('pascom is unavailable: HTTP 503');
    await expect(w.delivery.createIdentity(rec('cid'))).rejects.toThrow(/unavailable/);
    expect(w.saved.map((set) => set.map((r) => r['003use_name']))).toEqual([['amy', 'cid'], ['amy']]);
    w.fail = undefined;
    await w.delivery.createIdentity(rec('dan'));
    expect(w.pushes.at(-1)).toEqual(['amy', 'dan']);
  });

  it('starts from the stored set of the last push rather than the anchors', async () => {
    const { delivery, pushes } = world([anchor('amy')], [rec('amy'), rec('lost')]);
    await delivery.createIdentity(rec('cid'));
    expect(pushes).toEqual([['amy', 'lost', 'cid']]);
  });

  it('pushes the stored set again at the start when its last push had no known outcome', async () => {
    const confirmed = world([], [rec('amy')], false);
    confirmed.delivery.start();
    const pending = world([], [rec('amy'), rec('bob')], true);
    pending.delivery.start();
    await waitFor(() => pending.pushes.length > 0, { timeoutMs: 5000, message: 'no push at the start' });
    expect(pending.pushes).toEqual([['amy', 'bob']]);
    await confirmed.delivery.createIdentity(rec('cid'));
    expect(confirmed.pushes, 'a confirmed set is not pushed again by itself').toEqual([['amy', 'cid']]);
    pending.delivery.close();
    confirmed.delivery.close();
  });

  it('fails what is still waiting when closed', async () => {
    const { delivery } = world([]);
    const waiting = delivery.createIdentity(rec('cid'));
    delivery.close();
    await expect(waiting).rejects.toThrow(/stopped before the change was pushed/);
  });
});
