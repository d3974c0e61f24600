/**
 * Where the page's templates and static files are. `npm run build` only runs tsc, so they are
 * never copied to dist/: they are read from the source tree, `app/web/views` and
 * `app/web/public`. From `app/web/` (tsx) that is this module's own directory; from
 * `dist/app/web/` (node) it is three levels up, then `app/web/`. The first candidate that
 * exists wins, so both ways of running work.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function firstExisting(name: string): string {
  const candidates = [new URL(`./${name}`, import.meta.url), new URL(`../../../app/web/${name}`, import.meta.url)].map(
    (url) => fileURLToPath(url),
  );
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined)
    throw new Error(`cannot find the admin page's ${name} directory; looked in ${candidates.join(', ')}`);
  return found;
}

export const VIEWS_DIR = firstExisting('views');
export const PUBLIC_DIR = firstExisting('public');
