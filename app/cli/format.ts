/** Human-readable renderings of plans and results for the terminal. */
import type { Operation, Plan } from '../core/types.js';

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `${s.create} create, ${s.update} update, ${s.delete} delete, ${s.unchanged} unchanged, ${s.rejected} rejected`;
}

function show(value: string | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function describe(op: Operation): string | undefined {
  switch (op.kind) {
    case 'create':
      return `+ create  ${op.login}  ${op.dn}`;
    case 'update': {
      const changes = Object.entries(op.changes)
        .map(([field, change]) => `      ${field}: ${show(change.from)} -> ${show(change.to)}`)
        .join('\n');
      return `~ ${op.adopt ? 'adopt ' : 'update'}  ${op.login}  ${op.dn}${changes === '' ? '' : `\n${changes}`}`;
    }
    case 'delete':
      return `- delete  ${op.login}  (${op.reason})`;
    case 'rejected':
      return `! reject  ${op.dn}\n${op.reasons.map((r) => `      ${r.message}`).join('\n')}`;
    case 'unchanged':
      return undefined;
  }
}

/** The plan as text lines: every change and rejection, then the counts; unchanged users are only counted. */
export function* renderPlanLines(plan: Plan): Generator<string> {
  for (const op of plan.operations) {
    const line = describe(op);
    if (line !== undefined) yield line;
  }
  yield '';
  yield `Plan: ${summaryLine(plan)}`;
  if (plan.blocked !== undefined) {
    yield (
      `BLOCKED: ${plan.blocked.deletes} deletes exceed deletes.maxPerRun (${plan.blocked.maxPerRun}); ` +
      'review them and run `import --confirm-deletes` to apply'
    );
  }
}
