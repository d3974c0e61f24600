/**
 * The simulator's connector profile push (`POST …/services/connector/{profile}/push`, CSV body):
 * the behaviour connector mode relies on — whole-set semantics per profile, RFC 4180 quoting, the
 * identity validation rules, uniqueness against identities the profile does not own, and
 * all-or-nothing refusals that name the record — pushed with the client the connector uses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PascomRecord } from '../../../app/core/types.js';
import { PascomAuthError, PascomClient, PascomConflictError, PascomRejectedError } from '../../../app/pascom/index.js';
import { csvColumns, toCsv } from '../../../app/pascom/csv.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';

const unmanaged = { '003use_name': 'boss', '003use_bez': 'The Boss', '009ext_extension': '100' };
let sim: PascomSimulator;
let client: PascomClient;

function csvOf(records: readonly PascomRecord[]): string {
  return toCsv(csvColumns(['003use_name', '003use_bez', '009ext_extension'], records), records);
}

const push = (records: readonly PascomRecord[], profile = 'ucs'): Promise<void> =>
  client.pushCsv(profile, csvOf(records));

const logins = (): string[] =>
  sim
    .identities()
    .map((i) => i['003use_name'])
    .sort();

beforeAll(async () => {
  sim = await startPascomSimulator({ identities: [unmanaged] });
  client = new PascomClient({ url: sim.url, instance: sim.instance, user: sim.user, password: sim.password });
});
afterAll(async () => {
  client.close();
  await sim.stop();
});
beforeEach(() => sim.reset());

describe('connector push', () => {
  it('creates and updates by login and removes what the previous push of the profile held', async () => {
    await push([
      { '003use_name': 'amy', '003use_bez': 'Amy', '009ext_extension': '201' },
      { '003use_name': 'bob', '003use_bez': 'Bob', '009ext_extension': '202' },
    ]);
    expect(logins()).toEqual(['amy', 'bob', 'boss']);
    await push([
      { '003use_name': 'amy', '003use_bez': 'Amy Changed', '009ext_extension': '202' },
      { '003use_name': 'cid', '003use_bez': 'Cid' },
    ]);
    expect(logins(), 'bob removed, boss (not the profile’s) kept').toEqual(['amy', 'boss', 'cid']);
    expect(sim.identities().find((i) => i['003use_name'] === 'amy')).toMatchObject({
      '003use_bez': 'Amy Changed',
      '009ext_extension': '202',
    });
    expect(sim.journal().at(-1)).toMatchObject({ status: 200 });
  });

  it('keeps the profiles apart: another profile’s push removes nothing of the first', async () => {
    await push([{ '003use_name': 'amy', '003use_bez': 'Amy' }], 'one');
    await push([{ '003use_name': 'bob', '003use_bez': 'Bob' }], 'two');
    await push([], 'two');
    expect(logins()).toEqual(['amy', 'boss']);
  });

  it('takes over an identity of the same login and reads quoted values with commas, quotes and line breaks', async () => {
    await push([{ '003use_name': 'boss', '003use_bez': 'Boss, "The"\nSecond line', '009ext_extension': '100' }]);
    expect(sim.identities()).toEqual([
      { '003use_name': 'boss', '003use_bez': 'Boss, "The"\nSecond line', '009ext_extension': '100' },
    ]);
    await push([]);
    expect(logins(), 'owned since the profile imported it').toEqual([]);
  });

  it('nests phonebook columns like an identity create', async () => {
    const record = { '003use_name': 'pia', '003use_bez': 'Pia', '028pho_mobile': '+49 170 1' };
    await client.pushCsv('ucs', toCsv(csvColumns(['003use_name', '003use_bez', '028pho_mobile'], [record]), [record]));
    expect(sim.identities().find((i) => i['003use_name'] === 'pia')).toEqual({
      '003use_name': 'pia',
      '003use_bez': 'Pia',
      post: { phonebook: [{ '028pho_mobile': '+49 170 1' }] },
    });
  });

  it('refuses the whole push for one invalid record, naming its login and field', async () => {
    await push([{ '003use_name': 'amy', '003use_bez': 'Amy' }]);
    const error = await push([
      { '003use_name': 'amy', '003use_bez': 'Amy' },
      { '003use_name': 'bad', '003use_bez': '' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PascomRejectedError);
    expect(error).toMatchObject({ login: 'bad', field: '003use_bez', status: 400 });
    const badExtension = await push([{ '003use_name': 'cy', '003use_bez': 'Cy', '009ext_extension': '12a' }]).catch(
      (e: unknown) => e,
    );
    expect(badExtension).toMatchObject({ login: 'cy', field: '009ext_extension' });
    expect(logins(), 'nothing changed').toEqual(['amy', 'boss']);
  });

  it('refuses a number held outside the profile or twice within the push (409, naming the record)', async () => {
    const taken = await push([{ '003use_name': 'amy', '003use_bez': 'Amy', '009ext_extension': '100' }]).catch(
      (e: unknown) => e,
    );
    expect(taken).toBeInstanceOf(PascomConflictError);
    expect(taken).toMatchObject({ login: 'amy', field: '009ext_extension', status: 409 });
    const twice = await push([
      { '003use_name': 'amy', '003use_bez': 'Amy', '009ext_extension': '300' },
      { '003use_name': 'bob', '003use_bez': 'Bob', '009ext_extension': '300' },
    ]).catch((e: unknown) => e);
    expect(twice).toMatchObject({ login: 'bob', field: '009ext_extension' });
    expect(logins()).toEqual(['boss']);
  });

  it('lets numbers move between the profile’s own records within one push', async () => {
    await push([
      { '003use_name': 'amy', '003use_bez': 'Amy', '009ext_extension': '201' },
      { '003use_name': 'bob', '003use_bez': 'Bob', '009ext_extension': '202' },
    ]);
    await push([
      { '003use_name': 'amy', '003use_bez': 'Amy', '009ext_extension': '202' },
      { '003use_name': 'bob', '003use_bez': 'Bob', '009ext_extension': '201' },
    ]);
    const byLogin = Object.fromEntries(sim.identities().map((i) => [i['003use_name'], i['009ext_extension']]));
    expect(byLogin).toEqual({ amy: '202', bob: '201', boss: '100' });
  });

  it('refuses a malformed CSV and wrong credentials', async () => {
    await expect(client.pushCsv('ucs', '"003use_name"\n"open\n')).rejects.toThrow(/not closed/);
    const wrong = new PascomClient({ url: sim.url, instance: sim.instance, user: sim.user, password: 'nope' });
    try {
      await expect(wrong.pushCsv('ucs', csvOf([]))).rejects.toThrow(PascomAuthError);
    } finally {
      wrong.close();
    }
  });

  it('is sent as text/csv to connector/{profile}/push', async () => {
    await push([{ '003use_name': 'amy', '003use_bez': 'Amy' }], 'UCS users');
    expect(sim.journal().at(-1)).toMatchObject({
      method: 'POST',
      path: `/${sim.instance}/services/connector/UCS%20users/push`,
      body: '"003use_name","003use_bez","009ext_extension"\n"amy","Amy",""\n',
    });
  });
});
