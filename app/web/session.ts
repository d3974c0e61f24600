/** Sign-in and sign-out on the session: a new session id on every sign-in (no fixation). */
import type { Request } from 'express';
import { newCsrfToken } from './middleware/csrf.js';

function promised(fn: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    fn((err) =>
      err === undefined || err === null ? resolve() : reject(err instanceof Error ? err : new Error(String(err))),
    ),
  );
}

export async function signIn(req: Request, user: string): Promise<void> {
  await promised((done) => req.session.regenerate(done));
  req.session.user = user;
  req.session.csrf = newCsrfToken();
  await promised((done) => req.session.save(done));
}

export async function signOut(req: Request): Promise<void> {
  await promised((done) => req.session.destroy(done));
}
