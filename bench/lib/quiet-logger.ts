/** A logger for benchmarks: keeps nothing of info/debug (memory stays flat), counts and keeps the first problems. */
import type { Logger } from '../../app/core/ports.js';

export interface QuietLogger extends Logger {
  readonly warnings: number;
  readonly errors: number;
  /** The first few warnings and errors, for the JSON. */
  readonly firstProblems: string[];
}

export function quietLogger(keep = 5): QuietLogger {
  const counts = { warnings: 0, errors: 0 };
  const firstProblems: string[] = [];
  const problem = (level: 'warnings' | 'errors') => (message: string, meta?: Record<string, unknown>) => {
    counts[level] += 1;
    if (firstProblems.length < keep)
      firstProblems.push(
        `${level === 'errors' ? 'error' : 'warn'}: ${message} ${meta === undefined ? '' : JSON.stringify(meta)}`.trim(),
      );
  };
  return {
    get warnings() {
      return counts.warnings;
    },
    get errors() {
      return counts.errors;
    },
    firstProblems,
    debug: () => undefined,
    info: () => undefined,
    warn: problem('warnings'),
    error: problem('errors'),
  };
}
