/** Human-readable renderings of plans and results for the terminal. */
import type { Cause, Operation, Plan } from '../core/types.js';

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `${s.create} create, ${s.update} update, ${s.delete} delete, ${s.unchanged} unchanged, ${s.rejected} rejected`;
}

function show(value: string | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function notesOf(op: Operation): string {
  if (op.kind === 'delete' || op.kind === 'rejected' || op.notes === undefined) return '';
  return op.notes.map((note) => `\n      note: ${note.message}`).join('');
}

function describe(op: Operation): string | undefined {
  switch (op.kind) {
    case 'create':
      return `+ create  ${op.login}  ${op.dn}${notesOf(op)}`;
    case 'update': {
      const changes = Object.entries(op.changes)
        .map(([field, change]) => `      ${field}: ${show(change.from)} -> ${show(change.to)}`)
        .join('\n');
      return `~ ${op.adopt ? 'adopt ' : 'update'}  ${op.login}  ${op.dn}${changes === '' ? '' : `\n${changes}`}${notesOf(op)}`;
    }
    case 'delete':
      return `- delete  ${op.login}  (${op.reason})`;
    case 'unchanged':
    case 'rejected':
      // Unchanged users are only counted; rejections and the notices of unchanged users are
      // listed grouped by cause (renderCauseLines), not one line per user.
      return undefined;
  }
}

/** One cause: a count line with the hint, then up to five examples with their own message. */
function* causeLines(cause: Cause): Generator<string> {
  const label = cause.field === undefined ? cause.cause : `${cause.cause} (${cause.field})`;
  yield `  ${String(cause.count).padStart(6)} × ${label}: ${cause.hint}`;
  for (const example of cause.examples) yield `           e.g. ${example.dn}: ${example.reason.message}`;
  if (cause.count > cause.examples.length) yield `           … and ${cause.count - cause.examples.length} more`;
}

/** The plan's rejections and notices grouped by cause; nothing when there are none. */
export function* renderCauseLines(plan: Plan): Generator<string> {
  const rejected = plan.causes.filter((cause) => cause.level === 'rejected');
  const notices = plan.causes.filter((cause) => cause.level === 'notice');
  if (rejected.length > 0) {
    yield '';
    yield 'Rejected, by cause (`--json` lists every user):';
    for (const cause of rejected) yield* causeLines(cause);
  }
  if (notices.length > 0) {
    yield '';
    yield 'Notices, by cause (these users are synced):';
    for (const cause of notices) yield* causeLines(cause);
  }
}

/** The plan as text lines: every change, the causes of rejections and notices, then the counts. */
export function* renderPlanLines(plan: Plan): Generator<string> {
  for (const op of plan.operations) {
    const line = describe(op);
    if (line !== undefined) yield line;
  }
  yield* renderCauseLines(plan);
  yield '';
  yield `Plan: ${summaryLine(plan)}`;
  if (plan.blocked !== undefined) {
    yield (
      `BLOCKED: ${plan.blocked.deletes} deletes exceed deletes.maxPerRun (${plan.blocked.maxPerRun}); ` +
      'review them and run `import --confirm-deletes` to apply'
    );
  }
}
