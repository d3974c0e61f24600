import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { identity, rawRequest } from './raw-http.js';

let sim: PascomSimulator;

beforeAll(async () => {
  sim = await startPascomSimulator({ identities: [identity('boss', { '009ext_extension': '100' })] });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

describe('pascom simulator: the REST contract', () => {
  it('lists the seeded identities', async () => {
    const answer = await rawRequest(sim, 'GET', '/identity/');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([identity('boss', { '009ext_extension': '100' })]);
  });

  it('creates an identity with 201 and returns it, phonebook nested', async () => {
    const body = identity('jdoe', {
      '009ext_extension': '101',
      post: { phonebook: [{ '028pho_mobile': '+491701234567' }] },
    });
    const answer = await rawRequest(sim, 'POST', '/identity/', { body });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual(body);
    expect(sim.identities()).toContainEqual(body);
  });

  it('gets an identity by login', async () => {
    const answer = await rawRequest(sim, 'GET', '/identity/boss');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ '003use_name': 'boss' });
  });

  it('answers 404 with a JSON error for an unknown login', async () => {
    const answer = await rawRequest(sim, 'GET', '/identity/nobody');
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ error: expect.any(String) });
  });

  it('URL-decodes the login in the path', async () => {
    await rawRequest(sim, 'POST', '/identity/', { body: identity('j.doe-1_x') });
    const answer = await rawRequest(sim, 'GET', `/identity/${encodeURIComponent('j.doe-1_x').replace('.', '%2E')}`);
    expect(answer.status).toBe(200);
  });

  it('replaces an identity with PUT', async () => {
    const answer = await rawRequest(sim, 'PUT', '/identity/boss', {
      body: identity('boss', { '003use_bez': 'The Boss' }),
    });
    expect(answer.status).toBe(200);
    expect(sim.identities()).toEqual([identity('boss', { '003use_bez': 'The Boss' })]);
  });

  it('renames with PUT when the body carries a new login', async () => {
    const answer = await rawRequest(sim, 'PUT', '/identity/boss', {
      body: identity('chief', { '009ext_extension': '100' }),
    });
    expect(answer.status).toBe(200);
    expect(sim.identities().map((i) => i['003use_name'])).toEqual(['chief']);
  });

  it('keeps the URL login when a PUT body has none', async () => {
    const answer = await rawRequest(sim, 'PUT', '/identity/boss', { body: { '003use_bez': 'Boss' } });
    expect(answer.status).toBe(200);
    expect(sim.identities()[0]?.['003use_name']).toBe('boss');
  });

  it('lets an identity keep its own extension on PUT', async () => {
    const answer = await rawRequest(sim, 'PUT', '/identity/boss', {
      body: identity('boss', { '009ext_extension': '100' }),
    });
    expect(answer.status).toBe(200);
  });

  it('answers 404 to a PUT of an unknown login', async () => {
    const answer = await rawRequest(sim, 'PUT', '/identity/nobody', { body: identity('nobody') });
    expect(answer.status).toBe(404);
  });

  it('refuses a rename onto a taken login with 409 naming the field', async () => {
    await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') });
    const answer = await rawRequest(sim, 'PUT', '/identity/jdoe', { body: identity('boss') });
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ field: '003use_name' });
  });

  it('deletes with 204 and then answers 404', async () => {
    expect((await rawRequest(sim, 'DELETE', '/identity/boss')).status).toBe(204);
    expect((await rawRequest(sim, 'DELETE', '/identity/boss')).status).toBe(404);
    expect(sim.identities()).toEqual([]);
  });

  it.each([
    ['GET', '/identity'],
    ['GET', '/identity/boss/'],
    ['GET', '/users/'],
    ['GET', '//other/services/identity/'],
  ])('answers 404 to %s %s (paths exactly as the contract writes them)', async (method, path) => {
    expect((await rawRequest(sim, method, path)).status).toBe(404);
  });

  it.each([
    ['DELETE', '/identity/'],
    ['PUT', '/identity/'],
    ['POST', '/identity/boss'],
  ])('answers 405 to %s %s', async (method, path) => {
    expect((await rawRequest(sim, method, path, { body: {} })).status).toBe(405);
  });
});

describe('pascom simulator: authentication', () => {
  it.each([
    ['no credentials', 'none'],
    ['a wrong password', 'moby:wrong'],
    ['a wrong user', 'admin:x'],
  ])('answers 401 with WWW-Authenticate and a JSON error to %s', async (_case, auth) => {
    const answer = await rawRequest(sim, 'GET', '/identity/', { auth });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic /);
    expect(answer.json).toEqual({ error: expect.any(String) });
  });

  it('changes nothing for an unauthenticated POST', async () => {
    await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe'), auth: 'none' });
    expect(sim.identities()).toHaveLength(1);
  });
});

describe('pascom simulator: validation', () => {
  it.each<[string, unknown, string | undefined]>([
    ['a body that is not JSON', '{"003use_name": ', undefined],
    ['a JSON array', '[]', undefined],
    ['a missing login', { '003use_bez': 'X' }, '003use_name'],
    ['an empty login', identity(''), '003use_name'],
    ['a login with capitals', identity('JDoe'), '003use_name'],
    ['a login with a space', identity('j doe'), '003use_name'],
    ['a login with an umlaut', identity('jürgen'), '003use_name'],
    ['a login that is a number', identity('x', { '003use_name': 7 }), '003use_name'],
    ['a missing display name', { '003use_name': 'jdoe' }, '003use_bez'],
    ['a blank display name', identity('jdoe', { '003use_bez': '  ' }), '003use_bez'],
    ['an extension with letters', identity('jdoe', { '009ext_extension': '12a' }), '009ext_extension'],
    ['an extension with a plus', identity('jdoe', { '009ext_extension': '+49' }), '009ext_extension'],
    ['an unknown auth method', identity('jdoe', { '003use_auth_method': 'ldap' }), '003use_auth_method'],
    ['an unknown top-level field', identity('jdoe', { '099foo': 'x' }), '099foo'],
    ['post that is not an object', identity('jdoe', { post: [] }), 'post'],
    ['an unknown key in post', identity('jdoe', { post: { phonebook: [], extra: 1 } }), 'post.extra'],
    ['a phonebook that is not an array', identity('jdoe', { post: { phonebook: {} } }), 'post.phonebook'],
    ['a phonebook entry that is not an object', identity('jdoe', { post: { phonebook: ['x'] } }), 'post.phonebook'],
    ['an unknown phonebook field', identity('jdoe', { post: { phonebook: [{ '028pho_fax': '1' }] } }), '028pho_fax'],
    [
      'a phonebook value that is not a string',
      identity('jdoe', { post: { phonebook: [{ '028pho_mobile': 1 }] } }),
      '028pho_mobile',
    ],
  ])('rejects %s with 400', async (_case, body, field) => {
    const answer = await rawRequest(sim, 'POST', '/identity/', { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(
      field === undefined ? { error: expect.any(String) } : { error: expect.any(String), field },
    );
    expect(sim.identities()).toHaveLength(1);
  });

  it.each(['EXTERN', 'mobydick'])('accepts the auth method %s', async (method) => {
    const answer = await rawRequest(sim, 'POST', '/identity/', {
      body: identity('jdoe', { '003use_auth_method': method }),
    });
    expect(answer.status).toBe(201);
  });

  it('rejects a taken login with 409 naming the field', async () => {
    const answer = await rawRequest(sim, 'POST', '/identity/', { body: identity('boss') });
    expect(answer.status).toBe(409);
    expect(answer.json).toEqual({ error: expect.any(String), field: '003use_name' });
  });

  it('rejects a taken extension with 409 naming the field', async () => {
    const answer = await rawRequest(sim, 'POST', '/identity/', {
      body: identity('jdoe', { '009ext_extension': '100' }),
    });
    expect(answer.status).toBe(409);
    expect(answer.json).toEqual({ error: expect.any(String), field: '009ext_extension' });
  });

  it('frees the extension of a deleted identity', async () => {
    await rawRequest(sim, 'DELETE', '/identity/boss');
    const answer = await rawRequest(sim, 'POST', '/identity/', {
      body: identity('jdoe', { '009ext_extension': '100' }),
    });
    expect(answer.status).toBe(201);
  });

  it('validates a PUT like a POST', async () => {
    const answer = await rawRequest(sim, 'PUT', '/identity/boss', { body: identity('Boss') });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ field: '003use_name' });
  });

  it('refuses to start with an invalid seed identity', async () => {
    await expect(startPascomSimulator({ identities: [identity('Bad')] })).rejects.toThrow(/seed/);
  });
});
