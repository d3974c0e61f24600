/** The in-memory pascom answers as the REST contract says, so handler tests prove something about pascom. */
import { describe, expect, it } from 'vitest';
import { PascomError } from '../../../../app/pascom/errors.js';
import { MemoryPascom } from '../../../fixtures/memory-pascom.js';

const anna = { '003use_name': 'anna', '003use_bez': 'Anna Berg', '009ext_extension': '101' };

async function failure(promise: Promise<unknown>): Promise<{ name: string; field?: unknown; retryable: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof PascomError)) throw error;
    return { name: error.name, field: 'field' in error ? error.field : undefined, retryable: error.retryable };
  }
  throw new Error('expected a failure');
}

describe('MemoryPascom', () => {
  it('creates an identity it can then read', async () => {
    const pascom = new MemoryPascom();
    await pascom.createIdentity(anna);
    expect(await pascom.getIdentity('anna')).toEqual(anna);
  });

  it('answers a read of a missing identity with nothing (404)', async () => {
    expect(await new MemoryPascom().getIdentity('nobody')).toBeUndefined();
  });

  it('refuses a second create of a login with a conflict on the login field (409)', async () => {
    const pascom = new MemoryPascom([anna]);
    expect(await failure(pascom.createIdentity({ ...anna, '009ext_extension': '102' }))).toEqual({
      name: 'PascomConflictError',
      field: '003use_name',
      retryable: false,
    });
  });

  it('refuses an extension another identity holds with a conflict on the extension field (409)', async () => {
    const pascom = new MemoryPascom([anna]);
    expect(await failure(pascom.createIdentity({ ...anna, '003use_name': 'bob' }))).toMatchObject({
      name: 'PascomConflictError',
      field: '009ext_extension',
    });
  });

  it('refuses a login with capitals as invalid (400)', async () => {
    expect(await failure(new MemoryPascom().createIdentity({ ...anna, '003use_name': 'Anna' }))).toMatchObject({
      name: 'PascomRejectedError',
      field: '003use_name',
    });
  });

  it('refuses an update of a missing identity (404)', async () => {
    expect(await failure(new MemoryPascom().updateIdentity('anna', anna))).toMatchObject({
      name: 'PascomNotFoundError',
    });
  });

  it('renames an identity whose update carries a new login', async () => {
    const pascom = new MemoryPascom([anna]);
    await pascom.updateIdentity('anna', { ...anna, '003use_name': 'anna.lind' });
    expect(pascom.identities()).toEqual([{ ...anna, '003use_name': 'anna.lind' }]);
  });

  it('replaces the whole identity on update', async () => {
    const pascom = new MemoryPascom([{ ...anna, '016voi_email': 'anna@example.com' }]);
    await pascom.updateIdentity('anna', anna);
    expect(pascom.identity('anna')).toEqual(anna);
  });

  it('says whether a deleted identity existed (204 or 404)', async () => {
    const pascom = new MemoryPascom([anna]);
    expect([await pascom.deleteIdentity('anna'), await pascom.deleteIdentity('anna')]).toEqual([true, false]);
  });

  it('applies a write whose answer it loses and reports a timeout', async () => {
    const pascom = new MemoryPascom();
    pascom.loseAnswerOf('POST');
    expect([await failure(pascom.createIdentity(anna)), pascom.identities()]).toEqual([
      { name: 'PascomTimeoutError', field: undefined, retryable: true },
      [anna],
    ]);
  });
});
