/**
 * The floor the full-sync benchmarks compare with: OpenLDAP's own C client dumping the same
 * users, as the computer account, paged like the connector. Returns the number of entries.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SlapdHandle } from '../../test/fixtures/slapd/index.js';

const run = promisify(execFile);

export async function ldapsearchDump(
  slapd: SlapdHandle,
  query: { readonly filter: string; readonly attributes: readonly string[]; readonly pageSize: number },
): Promise<number> {
  const { stdout } = await run(
    'ldapsearch',
    [
      ...['-x', '-LLL', '-H', slapd.url, '-D', slapd.computerDn, '-w', slapd.computerPassword, '-b', slapd.baseDn],
      ...['-E', `pr=${query.pageSize}/noprompt`, query.filter, ...query.attributes],
    ],
    { maxBuffer: 1 << 30 },
  );
  return stdout.split('\ndn: ').length;
}
