/** `simulate [--json]`: the full plan, changing nothing in pascom. */
import { planToJson } from '../core/plan.js';
import { createApp } from '../main.js';
import { renderPlan } from './format.js';
import { println, type CliIo } from './io.js';
import type { Runtime } from './runtime.js';

export async function simulateCommand(runtime: Runtime, io: CliIo, flags: { json: boolean }): Promise<number> {
  const app = createApp(runtime.config, runtime.logger, { deliver: false });
  try {
    const { plan } = await app.fullSync.simulate('cli');
    println(io.stdout, flags.json ? JSON.stringify(planToJson(plan), null, 2) : renderPlan(plan));
    return 0;
  } finally {
    await app.close();
  }
}
