/**
 * Directory read benchmark: all enabled users (default 10,000, all activated) read as the
 * computer account, best of 5 runs, three ways:
 *   - `ldapsearch -x -LLL -E pr=1000/noprompt` (the floor: C client, same attributes);
 *   - the ldapts path (`searchUsersWithLdapts`, what readEnabledUsers used before);
 *   - the streaming paged search (`UcsDirectory.readEnabledUsers`).
 * Every run includes connect and bind; the three take turns (see `interleaved`). Prints one
 * JSON object; `loadAverage` says how busy the machine was.
 *
 *   npx tsx bench/directory-read.ts [--n 10000] [--runs 5]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { attributesForRules } from '../app/core/attributes.js';
import { DEFAULT_MAPPING } from '../app/core/default-mapping.js';
import { searchUsersWithLdapts } from '../app/directory/ldapts-user-search.js';
import { UcsDirectory } from '../app/directory/ucs-directory.js';
import { openLdap } from '../app/ldap/ldap-connection.js';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { generateUsers } from '../test/fixtures/user-generator.js';
import { ldapsearchDump } from './lib/ldapsearch.js';

const USER_FILTER = '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))';
const PAGE_SIZE = 1000;

interface Timing {
  /** Best (minimum) wall time. */
  ms: number;
  runsMs: number[];
  /** Users the last run returned. */
  count: number;
}

/**
 * Runs every contender once per round, `runs` rounds, so that load from other processes on a
 * shared machine hits all of them alike; reports each one's best.
 */
async function interleaved(
  runs: number,
  contenders: Record<string, () => Promise<number>>,
): Promise<Record<string, Timing>> {
  const timings: Record<string, Timing> = {};
  for (let round = 0; round < runs; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const start = performance.now();
      const count = await fn();
      const ms = Math.round(performance.now() - start);
      const timing = (timings[name] ??= { ms, runsMs: [], count });
      timing.runsMs.push(ms);
      timing.ms = Math.min(timing.ms, ms);
      timing.count = count;
    }
  }
  return timings;
}

function timingOf(timings: Record<string, Timing>, name: string): Timing {
  const timing = timings[name];
  if (timing === undefined) throw new Error(`no timing for ${name}`);
  return timing;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } },
  });
  const n = Number(values.n);
  const runs = Number(values.runs);
  const slapd = await startSlapd({
    users: generateUsers(n).map((u) => ({ ...u, activated: true })),
    readyTimeoutMs: 60_000,
  });
  try {
    const attributes = ['entryUUID', ...attributesForRules(DEFAULT_MAPPING)];
    const connection = { url: slapd.url, starttls: false, tlsVerify: true, timeoutMs: 30_000 };
    const directory = new UcsDirectory({
      ...connection,
      baseDn: slapd.baseDn,
      bindDn: slapd.computerDn,
      password: slapd.computerPassword,
      userFilter: USER_FILTER,
      attributes,
      pageSize: PAGE_SIZE,
    });
    const readWithLdapsearch = (): Promise<number> =>
      ldapsearchDump(slapd, { filter: USER_FILTER, attributes, pageSize: PAGE_SIZE });
    const readWithLdapts = async (): Promise<number> => {
      // ldapts on a connection of its own, as the directory's small queries use it.
      const client = await openLdap(connection, slapd.computerDn, slapd.computerPassword);
      try {
        const users = await searchUsersWithLdapts(client, {
          baseDn: slapd.baseDn,
          filter: USER_FILTER,
          attributes,
          pageSize: PAGE_SIZE,
        });
        return users.length;
      } finally {
        await client.unbind();
      }
    };
    const readPaged = async (): Promise<number> => (await directory.readEnabledUsers()).length;
    const timings = await interleaved(runs, {
      ldapsearch: readWithLdapsearch,
      ldapts: readWithLdapts,
      pagedSearch: readPaged,
    });
    const ldapsearch = timingOf(timings, 'ldapsearch');
    const ldapts = timingOf(timings, 'ldapts');
    const paged = timingOf(timings, 'pagedSearch');
    const out = {
      benchmark: 'directory-read',
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      },
      users: n,
      attributes: attributes.length,
      pageSize: PAGE_SIZE,
      ldapsearch,
      ldapts: { ...ldapts, xLdapsearch: Number((ldapts.ms / ldapsearch.ms).toFixed(2)) },
      pagedSearch: { ...paged, xLdapsearch: Number((paged.ms / ldapsearch.ms).toFixed(2)) },
      target: { pagedSearchXLdapsearch: 1.5 },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await slapd.stop();
  }
}

await main();
