/**
 * Server time of each admin page with 10 000 users in the directory. Prints JSON: per route, the median and worst of several requests in ms.
 * Run: npx tsx bench/web-pages.ts
 */
import { startWebHarness } from '../test/web/harness.js';
import { generateUsers } from '../test/fixtures/user-generator.js';

const ROUTES = [
  '/status',
  '/connection',
  '/mapping',
  '/mapping?preview=1',
  '/sync',
  '/automate',
  '/authentication',
  '/login',
];
const RUNS = 7;

async function main(): Promise<void> {
  const users = generateUsers(10_000);
  const h = await startWebHarness({ slapd: { users, readyTimeoutMs: 60_000 } });
  try {
    const client = await h.admin();
    // A result page needs a simulation first; its rendering (not the run) is measured.
    const simulateStarted = performance.now();
    const simulated = await client.post('/sync/simulate');
    const simulateMs = performance.now() - simulateStarted;
    const routes = [
      ...ROUTES,
      client.pathOf(simulated.location),
      `${client.pathOf(simulated.location)}?kind=create&q=user1`,
    ];
    const results: Record<string, { medianMs: number; maxMs: number; status: number }> = {};
    for (const route of routes) {
      const times: number[] = [];
      let status = 0;
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        status = (await client.get(route)).status;
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      results[route] = {
        medianMs: round(times[Math.floor(RUNS / 2)] ?? 0),
        maxMs: round(times[RUNS - 1] ?? 0),
        status,
      };
    }
    console.log(
      JSON.stringify(
        { users: users.length, runsPerRoute: RUNS, simulateRunMs: round(simulateMs), routes: results },
        null,
        2,
      ),
    );
  } finally {
    await h.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

await main();
