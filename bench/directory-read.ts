/**
 * Directory read benchmark: all enabled users (default 10,000, all activated) read as the
 * computer account, best of 5 runs, three ways:
 *   - `ldapsearch -x -LLL -E pr=1000/noprompt` (the floor: C client, same attributes);
 *   - the ldapts path (`searchUsersWithLdapts`, what readEnabledUsers used before);
 *   - the streaming paged search (`UcsDirectory.readEnabledUsers`).
 * Every run includes connect and bind. Prints one JSON object.
 *
 *   npx tsx bench/directory-read.ts [--n 10000] [--runs 5]
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';

import { attributesForRules } from '../app/core/attributes.js';
import { DEFAULT_MAPPING } from '../app/core/default-mapping.js';
import { searchUsersWithLdapts } from '../app/directory/ldapts-user-search.js';
import { UcsDirectory } from '../app/directory/ucs-directory.js';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { generateUsers } from '../test/fixtures/user-generator.js';

const run = promisify(execFile);
const USER_FILTER = '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))';
const PAGE_SIZE = 1000;

/** Best (minimum) wall time of `runs` calls, and the last call's count. */
async function best(runs: number, fn: () => Promise<number>): Promise<{ ms: number; runsMs: number[]; count: number }> {
  const runsMs: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    count = await fn();
    runsMs.push(Math.round(performance.now() - start));
  }
  return { ms: Math.min(...runsMs), runsMs, count };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { n: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
  const n = Number(values.n);
  const runs = Number(values.runs);
  const slapd = await startSlapd({ users: generateUsers(n).map((u) => ({ ...u, activated: true })), readyTimeoutMs: 60_000 });
  try {
    const attributes = ['entryUUID', ...attributesForRules(DEFAULT_MAPPING)];
    const directory = new UcsDirectory({
      url: slapd.url,
      starttls: false,
      tlsVerify: true,
      timeoutMs: 30_000,
      baseDn: slapd.baseDn,
      bindDn: slapd.computerDn,
      password: slapd.computerPassword,
      userFilter: USER_FILTER,
      attributes,
      pageSize: PAGE_SIZE,
    });
    const ldapsearch = await best(runs, async () => {
      const { stdout } = await run(
        'ldapsearch',
        ['-x', '-LLL', '-H', slapd.url, '-D', slapd.computerDn, '-w', slapd.computerPassword, '-b', slapd.baseDn, '-E', `pr=${PAGE_SIZE}/noprompt`, USER_FILTER, ...attributes],
        { maxBuffer: 1 << 30 },
      );
      return stdout.split('\ndn: ').length;
    });
    const ldapts = await best(runs, async () => {
      const users = await directory.withClient('search', (client) =>
        searchUsersWithLdapts(client, { baseDn: slapd.baseDn, filter: USER_FILTER, attributes, pageSize: PAGE_SIZE }),
      );
      return users.length;
    });
    const paged = await best(runs, async () => (await directory.readEnabledUsers()).length);
    const out = {
      benchmark: 'directory-read',
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
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
