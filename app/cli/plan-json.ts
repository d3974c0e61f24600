/**
 * `--json` output of a plan, streamed: 100,000 users would otherwise be one string of hundreds
 * of megabytes next to the plan itself. The text is the same as `JSON.stringify(planToJson(plan),
 * null, 2)` would give, chunked and written with back-pressure.
 */
import { causeToJson, operationToJson, PLAN_JSON_SECTIONS } from '../core/plan-output.js';
import type { Plan } from '../core/types.js';
import { writeChunked } from './io.js';

function indent(json: string, prefix: string): string {
  return json.replaceAll('\n', `\n${prefix}`);
}

function* planJsonParts(plan: Plan, extra: Readonly<Record<string, unknown>>): Generator<string> {
  yield `{\n  "summary": ${indent(JSON.stringify(plan.summary, null, 2), '  ')}`;
  for (const section of PLAN_JSON_SECTIONS) {
    let count = 0;
    yield `,\n  "${section}": [`;
    for (const op of plan.operations) {
      const entry = operationToJson(op);
      if (entry?.section !== section) continue;
      yield `${count === 0 ? '\n' : ',\n'}    ${indent(JSON.stringify(entry.item, null, 2), '    ')}`;
      count++;
    }
    yield count === 0 ? ']' : '\n  ]';
  }
  // Grouped causes are few (one per kind of rejection), so one stringify is fine.
  yield `,\n  "causes": ${indent(JSON.stringify(plan.causes.map(causeToJson), null, 2), '  ')}`;
  for (const [key, value] of Object.entries(extra))
    yield `,\n  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}`;
  yield '\n}\n';
}

/** Writes the plan's JSON (plus `extra` top-level keys) to `stream`, waiting for it to drain. */
export async function writePlanJson(
  stream: NodeJS.WritableStream,
  plan: Plan,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  await writeChunked(stream, planJsonParts(plan, extra));
}
