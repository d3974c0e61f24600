/**
 * The outbox job kinds by name: checks a row's payload against its kind's schema before the
 * handler sees it, so a payload no handler can read (damaged, or written by another version)
 * becomes a dead letter with the reason instead of being retried forever.
 */
import type { OutboxRow } from '../../store/index.js';
import type { JobKind, Settlement } from '../job.js';

type RowHandler = (row: OutboxRow) => Promise<Settlement>;

/** Issues listed in a dead letter's reason; more are counted. */
const ISSUES_SHOWN = 3;

export class JobRegistry {
  private readonly handlers = new Map<string, RowHandler>();

  /** Adds a kind; a second kind of the same name replaces the first. */
  register<P>(job: JobKind<P>): this {
    this.handlers.set(job.kind, async (row) => {
      const payload = parsePayload(job, row.payload);
      if (!payload.ok) return { outcome: 'dead', error: payload.error };
      return job.handle(payload.value, row);
    });
    return this;
  }

  /**
   * The row's settlement: its handler's, or a dead letter for an unknown kind or a payload its
   * schema refuses. A handler that throws throws here too (the caller decides what that means).
   */
  async run(row: OutboxRow): Promise<Settlement> {
    const handler = this.handlers.get(row.kind);
    if (handler === undefined) {
      return { outcome: 'dead', error: `unknown outbox job kind "${row.kind}" (written by a newer version?)` };
    }
    return handler(row);
  }
}

type Parsed<P> = { readonly ok: true; readonly value: P } | { readonly ok: false; readonly error: string };

function parsePayload<P>(job: JobKind<P>, text: string): Parsed<P> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `malformed "${job.kind}" payload: not JSON (${reason})` };
  }
  const result = job.payload.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues;
  const shown = issues
    .slice(0, ISSUES_SHOWN)
    .map((issue) => `${issue.path.length === 0 ? '(payload)' : issue.path.map(String).join('.')}: ${issue.message}`);
  if (issues.length > ISSUES_SHOWN) shown.push(`and ${issues.length - ISSUES_SHOWN} more`);
  return { ok: false, error: `malformed "${job.kind}" payload: ${shown.join('; ')}` };
}
