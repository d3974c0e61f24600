/**
 * The login form does not tell whether a password was right: a UCS user who is not an
 * administrator gets exactly the answer of a wrong password (status, message, page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';

const PASSWORD = 'Oracle-Test-Pass-3';
let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness();
  await h.udm.createUser({ username: 'worker', lastname: 'Worker', password: PASSWORD });
});
afterAll(async () => h.close());

/** The page without the per-visitor CSRF token (hidden field and data-csrf). */
const page = (body: string): string => {
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  return token === undefined ? body : body.replaceAll(token, 'TOKEN');
};

describe('a non-administrator with the right password', () => {
  it('gets the same status and the same page as with a wrong password', async () => {
    const right = await h.client().login('worker', PASSWORD);
    const wrong = await h.client().login('worker', 'not-the-password');
    expect(right.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(page(right.body)).toBe(page(wrong.body));
    // Told apart in the log only, for the operator.
    const messages = h.logs.entries.map((e) => e.message);
    expect(messages).toContain('admin page login refused: not in the admin group');
    expect(messages).toContain('admin page login refused: wrong password');
  });
});
