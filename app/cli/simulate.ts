/** `simulate [--json]`: the full plan, changing nothing in pascom. */
import { createApp } from '../main.js';
import { renderPlanLines } from './format.js';
import { writeLines, type CliIo } from './io.js';
import { writePlanJson } from './plan-json.js';
import type { Runtime } from './runtime.js';

export async function simulateCommand(runtime: Runtime, io: CliIo, flags: { json: boolean }): Promise<number> {
  const app = createApp(runtime.config, runtime.logger, { deliver: false });
  try {
    const { plan } = await app.fullSync.simulate('cli');
    if (flags.json) await writePlanJson(io.stdout, plan);
    else await writeLines(io.stdout, renderPlanLines(plan));
    return 0;
  } finally {
    await app.close();
  }
}
