/**
 * Saving a section of config.yaml from the page: updateConfigFile (validated, atomic, 0600,
 * comments kept), then a reload of the running app. Flashes the outcome.
 */
import type { Request } from 'express';
import type { Document } from 'yaml';
import { updateConfigFile, type ConfigError } from '../config/index.js';
import type { WebDeps } from './deps.js';
import { addFlash } from './middleware/flash.js';

export type SaveResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly ConfigError[] };

export async function saveConfig(deps: WebDeps, req: Request, mutate: (doc: Document) => void): Promise<SaveResult> {
  const written = await updateConfigFile(deps.configPath, mutate, {
    env: deps.env ?? {},
    ...(deps.machineSecretPath === undefined ? {} : { machineSecretPath: deps.machineSecretPath }),
  });
  if (!written.ok) return written;
  deps.logger.info('configuration changed on the admin page', { user: req.session.user });
  const reloaded = await deps.reload();
  if (reloaded.ok) addFlash(req, { type: 'ok', key: 'common.saved' });
  else
    addFlash(req, {
      type: 'error',
      key: 'common.reloadFailed',
      extra: reloaded.errors.map((e) => e.message).join('; '),
    });
  return { ok: true };
}
