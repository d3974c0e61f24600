import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PascomClient, PascomNotFoundError } from '../../../app/pascom/index.js';
import type { PascomClientOptions } from '../../../app/pascom/index.js';
import { startPascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';

let sim: PascomSimulator;
let client: PascomClient;

const seed = {
  '003use_name': 'boss',
  '003use_bez': 'The Boss',
  '009ext_extension': '100',
  post: { phonebook: [{ '028pho_lastname': 'Boss' }] },
};
const jdoe = {
  '003use_name': 'jdoe',
  '003use_bez': 'John Doe',
  '009ext_extension': '101',
  '028pho_mobile': '+491701234567',
};

function optionsFor(target: PascomSimulator, extra: Partial<PascomClientOptions> = {}): PascomClientOptions {
  return { url: target.url, instance: target.instance, user: target.user, password: target.password, ...extra };
}

beforeAll(async () => {
  sim = await startPascomSimulator({ identities: [seed] });
  client = new PascomClient(optionsFor(sim));
});
afterAll(async () => {
  client.close();
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

describe('PascomClient against the simulator', () => {
  it('lists identities flattened', async () => {
    expect(await client.listIdentities()).toEqual([
      { '003use_name': 'boss', '003use_bez': 'The Boss', '009ext_extension': '100', '028pho_lastname': 'Boss' },
    ]);
  });

  it('gets one identity flattened', async () => {
    expect(await client.getIdentity('boss')).toMatchObject({ '003use_name': 'boss', '028pho_lastname': 'Boss' });
  });

  it('returns undefined for an identity that does not exist', async () => {
    expect(await client.getIdentity('nobody')).toBeUndefined();
  });

  it('creates an identity, nesting the phonebook on the wire', async () => {
    expect(await client.createIdentity(jdoe)).toEqual(jdoe);
    expect(sim.identities()).toContainEqual({
      '003use_name': 'jdoe',
      '003use_bez': 'John Doe',
      '009ext_extension': '101',
      post: { phonebook: [{ '028pho_mobile': '+491701234567' }] },
    });
  });

  it('sends Basic auth, a JSON content type and a POST to the collection path', async () => {
    await client.createIdentity(jdoe);
    expect(sim.journal()).toEqual([
      expect.objectContaining({ method: 'POST', path: '/acme/services/identity/', status: 201 }),
    ]);
  });

  it('updates an identity with PUT and returns the new state', async () => {
    const updated = await client.updateIdentity('boss', { '003use_name': 'boss', '003use_bez': 'Chief' });
    expect(updated).toEqual({ '003use_name': 'boss', '003use_bez': 'Chief' });
    expect(sim.identities()).toEqual([{ '003use_name': 'boss', '003use_bez': 'Chief' }]);
  });

  it('renames an identity with PUT under the old login', async () => {
    await client.updateIdentity('boss', { '003use_name': 'chief', '003use_bez': 'The Boss' });
    expect(sim.identities().map((identity) => identity['003use_name'])).toEqual(['chief']);
    expect(sim.journal()[0]).toMatchObject({ method: 'PUT', login: 'boss', status: 200 });
  });

  it('throws PascomNotFoundError when the identity to update does not exist', async () => {
    await expect(client.updateIdentity('nobody', { '003use_bez': 'X' })).rejects.toBeInstanceOf(PascomNotFoundError);
  });

  it('deletes an identity and reports true', async () => {
    expect(await client.deleteIdentity('boss')).toBe(true);
    expect(sim.identities()).toEqual([]);
  });

  it('reports false when deleting an identity that does not exist', async () => {
    expect(await client.deleteIdentity('nobody')).toBe(false);
  });

  it('URL-encodes the login in the path', async () => {
    await client.getIdentity('a b/c');
    expect(sim.journal()[0]).toMatchObject({ path: '/acme/services/identity/a%20b%2Fc', login: 'a b/c' });
  });

  it('accepts a pascom URL with a trailing slash', async () => {
    const other = new PascomClient(optionsFor(sim, { url: `${sim.url}/` }));
    try {
      expect(await other.listIdentities()).toHaveLength(1);
    } finally {
      other.close();
    }
  });

  it('leaves the caller’s options object untouched', () => {
    const options = Object.freeze(
      optionsFor(sim, { api: Object.freeze({ paths: Object.freeze({ list: '/identity/' }) }) }),
    );
    const copy = structuredClone(options);
    new PascomClient(options).close();
    expect(options).toEqual(copy);
  });
});

describe('PascomClient: api overrides', () => {
  it('uses overridden paths on the wire', async () => {
    const users = await startPascomSimulator({ resource: 'users' });
    const paths = {
      list: '/users/',
      get: '/users/{login}',
      create: '/users/',
      update: '/users/{login}',
      delete: '/users/{login}',
    };
    const custom = new PascomClient(optionsFor(users, { api: { paths } }));
    try {
      await custom.createIdentity(jdoe);
      expect(await custom.getIdentity('jdoe')).toEqual(jdoe);
      expect(users.journal().map((entry) => entry.path)).toEqual([
        '/acme/services/users/',
        '/acme/services/users/jdoe',
      ]);
    } finally {
      custom.close();
      await users.stop();
    }
  });

  it('sends phonebook fields under an overridden container', async () => {
    const custom = new PascomClient(optionsFor(sim, { api: { fields: { phonebook: 'contact.entries' } } }));
    try {
      await expect(custom.createIdentity(jdoe)).rejects.toMatchObject({ status: 400, field: 'contact' });
      expect(sim.journal()[0]?.body).toMatchObject({ contact: { entries: [{ '028pho_mobile': '+491701234567' }] } });
    } finally {
      custom.close();
    }
  });
});

describe('PascomClient: options', () => {
  it.each<[string, Partial<PascomClientOptions>, RegExp]>([
    ['credentials in the URL', { url: 'http://moby:secret@127.0.0.1:1' }, /must not contain credentials/],
    ['a URL that is not http(s)', { url: 'ftp://127.0.0.1' }, /must be http:\/\/ or https:\/\//],
    ['an empty instance', { instance: ' ' }, /instance must not be empty/],
    ['a user with a colon', { user: 'a:b' }, /must not contain ":"/],
    ['a concurrency of 0', { concurrency: 0 }, /concurrency must be a positive/],
    ['a negative timeout', { timeoutMs: -1 }, /timeoutMs must be a positive/],
    ['a path override without {login}', { api: { paths: { get: '/identity/' } } }, /must contain \{login\}/],
  ])('refuses %s', (_case, extra, message) => {
    expect(() => new PascomClient({ ...optionsFor(sim), ...extra })).toThrow(message);
  });

  it('does not echo the password when refusing a URL with credentials', () => {
    expect(() => new PascomClient({ ...optionsFor(sim), url: 'http://moby:hunter2@127.0.0.1:1' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
