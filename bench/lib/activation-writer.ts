/**
 * Child process for bench/listener-burst.ts: activates users as UDM (and test/fixtures/udm.ts's
 * `activate`) does — read the object classes, add `mobydickUser` if missing, set
 * `mobydickActivated: TRUE` — over several LDAP connections, in its own process so the
 * benchmark's CPU and memory figures are the connector's. Protocol, one JSON line each:
 *   stdin:  {"slapd": {url, rootDn, rootPassword}, "dns": [...], "connections": n, "inflight": n}
 *   stdout: {"ready": true}            (every connection bound)
 *   stdin:  go
 *   stdout: {"firstWriteAt": ms, "lastWriteAt": ms, "written": n}   (wall clock, like the simulator's)
 */
import { createInterface } from 'node:readline';
import { Attribute, Change, Client } from 'ldapts';
import { ACTIVATION_ATTRIBUTE, ACTIVATION_CLASS } from '../../test/fixtures/slapd/ucs-user-entry.js';

export interface WriterJob {
  readonly slapd: { readonly url: string; readonly rootDn: string; readonly rootPassword: string };
  readonly dns: readonly string[];
  readonly connections: number;
  readonly inflight: number;
}

const wallClockMs = (): number => performance.timeOrigin + performance.now();

async function activate(client: Client, dn: string): Promise<void> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectClass'] });
  const raw = searchEntries[0]?.['objectClass'] ?? [];
  const classes = (Array.isArray(raw) ? raw : [raw]).map((c) => String(c).toLowerCase());
  const changes = [
    ...(classes.includes(ACTIVATION_CLASS.toLowerCase())
      ? []
      : [
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'objectClass', values: [ACTIVATION_CLASS] }),
          }),
        ]),
    new Change({ operation: 'replace', modification: new Attribute({ type: ACTIVATION_ATTRIBUTE, values: ['TRUE'] }) }),
  ];
  await client.modify(dn, changes);
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const job = JSON.parse(String((await lines.next()).value)) as WriterJob;
  const clients = Array.from({ length: job.connections }, () => new Client({ url: job.slapd.url, timeout: 30_000 }));
  await Promise.all(clients.map((client) => client.bind(job.slapd.rootDn, job.slapd.rootPassword)));
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await lines.next();

  let next = 0;
  let lastWriteAt = 0;
  const firstWriteAt = wallClockMs();
  const worker = async (client: Client): Promise<void> => {
    for (let dn = job.dns[next++]; dn !== undefined; dn = job.dns[next++]) {
      await activate(client, dn);
      lastWriteAt = Math.max(lastWriteAt, wallClockMs());
    }
  };
  await Promise.all(clients.flatMap((client) => Array.from({ length: job.inflight }, () => worker(client))));
  process.stdout.write(`${JSON.stringify({ firstWriteAt, lastWriteAt, written: job.dns.length })}\n`);
  await Promise.all(clients.map((client) => client.unbind()));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
