/** The Automate section's schedule helpers: validation, a description in the page language (cronstrue), the next runs (node-cron). */
import cronstrue from 'cronstrue/i18n.js';
import { createTask, validate } from 'node-cron';
import type { Lang } from '../i18n/index.js';

export function isValidSchedule(expression: string): boolean {
  return expression.trim() !== '' && validate(expression.trim());
}

type Describe = typeof cronstrue.default.toString;
/**
 * Node's import of this CommonJS module gives `module.exports` ({default, toString}); vite's
 * interop (vitest) gives the class itself. Both carry `toString(expression, options)`.
 */
const describe = Reflect.get(cronstrue, 'toString') as Describe;

/** "At 03:00" / "Um 03:00"; undefined for an invalid expression. */
export function describeSchedule(expression: string, lang: Lang): string | undefined {
  if (!isValidSchedule(expression)) return undefined;
  try {
    return describe.call(cronstrue, expression.trim(), { locale: lang, use24HourTimeFormat: true, verbose: false });
  } catch {
    return undefined; // cronstrue knows fewer forms than node-cron: no description then
  }
}

/** The next `count` runs after now (server time zone), from node-cron's own matcher. */
export function nextRuns(expression: string, count: number): Date[] {
  if (!isValidSchedule(expression)) return [];
  const task = createTask(expression.trim(), () => undefined);
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}
