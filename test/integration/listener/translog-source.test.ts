/**
 * The translog source against a real slapd with `cn=translog`, the UDM stand-in recording each
 * change as the UCS notifier does, and the notifier emulation: every kind of change is seen, in
 * order, and resolves to the right outcome; restarts resume from the stored id; without the
 * notifier, polling still delivers.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TranslogSource } from '../../../listener/translog/translog-source.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { startNotifierEmulator, TranslogUdm, type NotifierEmulator } from '../../fixtures/translog/index.js';
import { waitFor } from '../../fixtures/wait.js';
import { ConnectorSide, directoryFor, translogSource } from './translog-harness.js';

let slapd: SlapdHandle;
let udm: TranslogUdm;
let notifier: NotifierEmulator;
let seq = 0;
const login = (): string => `tl${++seq}p${process.pid % 1000}`;

beforeAll(async () => {
  slapd = await startSlapd({ translog: true });
  udm = new TranslogUdm(slapd);
  notifier = await startNotifierEmulator(udm.translog);
});
afterAll(async () => {
  await notifier.stop();
  await udm.close();
  await slapd.stop();
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('translog source with the notifier', () => {
  let side: ConnectorSide;
  let source: TranslogSource;

  beforeEach(async () => {
    side = new ConnectorSide(directoryFor(slapd));
    // Far longer than any wait below: only WAIT_ID wake-ups can deliver in time.
    source = translogSource(slapd, side, {
      notifier: { host: notifier.host, port: notifier.port },
      intervalMs: 60_000,
    });
    source.start();
    await waitFor(() => side.checkpoint === udm.translog.lastId(), {
      message: 'the source did not start at the current id',
    });
  });
  afterEach(() => source.stop());

  it('sees a newly activated user as a refresh that resolves to an upsert', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'New', activated: true });
    await side.waitForOutcome(uuid, 'upsert', dn);
    expect(side.events.filter((e) => e.uuid === uuid)).toEqual([{ kind: 'refresh', uuid, dn }]);
  });

  it('sees a user activated later', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Later' });
    await side.waitForOutcome(uuid, 'gone');
    await udm.activate(dn);
    await side.waitForOutcome(uuid, 'upsert', dn);
  });

  it('sees an edit', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Edit', activated: true });
    await side.waitForOutcome(uuid, 'upsert');
    const before = side.events.length;
    await udm.modifyUser(dn, { displayName: 'Edited' });
    await waitFor(() => side.events.slice(before).some((e) => e.uuid === uuid), { message: 'edit not seen' });
    expect(side.events.slice(before)).toEqual([{ kind: 'refresh', uuid, dn }]);
  });

  it('follows a rename to the new DN', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Rename', activated: true });
    await side.waitForOutcome(uuid, 'upsert', dn);
    const newDn = await udm.renameUser(dn, login());
    await side.waitForOutcome(uuid, 'upsert', newDn);
    expect(side.outcomes.filter((o) => o.uuid === uuid).map((o) => o.kind)).not.toContain('gone');
  });

  it('follows a move to another container', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Move', activated: true });
    await side.waitForOutcome(uuid, 'upsert', dn);
    const newDn = await udm.moveUser(dn, slapd.salesDn);
    await side.waitForOutcome(uuid, 'upsert', newDn);
    expect(side.outcomes.filter((o) => o.uuid === uuid).map((o) => o.kind)).not.toContain('gone');
  });

  it('sees a deactivation as gone', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Off', activated: true });
    await side.waitForOutcome(uuid, 'upsert');
    await udm.deactivate(dn);
    await side.waitForOutcome(uuid, 'gone');
  });

  it('sees a deletion of a managed user as gone, found by its DN in the anchor table', async () => {
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Delete', activated: true });
    await side.waitForOutcome(uuid, 'upsert');
    await udm.deleteUser(dn);
    const gone = await side.waitForOutcome(uuid, 'gone');
    expect(gone.dn).toBe(dn);
  });

  it('delivers changes of several users in the order they were made', async () => {
    const users = [];
    for (let i = 0; i < 3; i++)
      users.push(await udm.createUser({ username: login(), lastname: `Order${i}`, activated: true }));
    await Promise.all(users.map((u) => side.waitForOutcome(u.uuid, 'upsert')));
    const mine = new Set(users.map((u) => u.uuid));
    expect(side.events.filter((e) => mine.has(e.uuid)).map((e) => e.uuid)).toEqual(users.map((u) => u.uuid));
    expect(side.checkpoint).toBe(udm.translog.lastId());
  });
});

describe('translog source across a restart', () => {
  it('resumes from the stored id and delivers the changes made while it was stopped', async () => {
    const side = new ConnectorSide(directoryFor(slapd));
    const first = translogSource(slapd, side, { notifier: { host: notifier.host, port: notifier.port } });
    first.start();
    await waitFor(() => side.checkpoint === udm.translog.lastId(), { message: 'the source did not start' });
    const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Before', activated: true });
    await side.waitForOutcome(uuid, 'upsert');
    await first.stop();
    const stoppedAt = side.checkpoint;

    await udm.modifyUser(dn, { displayName: 'Offline edit' });
    const offline = await udm.createUser({ username: login(), lastname: 'Offline', activated: true });
    const seen = side.events.length;
    const second = translogSource(slapd, side, { notifier: { host: notifier.host, port: notifier.port } });
    second.start();
    try {
      await side.waitForOutcome(offline.uuid, 'upsert');
      expect(stoppedAt).toBeLessThan(udm.translog.lastId());
      expect(side.events.slice(seen).map((e) => e.uuid)).toEqual([uuid, offline.uuid]);
    } finally {
      await second.stop();
    }
  });
});

describe('translog source without the notifier', () => {
  it('polls cn=translog and still delivers', async () => {
    const side = new ConnectorSide(directoryFor(slapd));
    const source = translogSource(slapd, side, {
      notifier: { host: '127.0.0.1', port: await unusedPort() },
      intervalMs: 100,
    });
    source.start();
    try {
      await waitFor(() => side.checkpoint === udm.translog.lastId(), { message: 'the source did not start' });
      const { dn, uuid } = await udm.createUser({ username: login(), lastname: 'Polled', activated: true });
      await side.waitForOutcome(uuid, 'upsert', dn);
      await udm.deleteUser(dn);
      await side.waitForOutcome(uuid, 'gone');
      expect(side.warnings).toEqual([expect.stringContaining('notifier is unreachable')]);
    } finally {
      await source.stop();
    }
  });

  it('skips an id that never appears after waiting for it', async () => {
    const side = new ConnectorSide(directoryFor(slapd));
    const source = translogSource(slapd, side, { intervalMs: 50, gapWaitMs: 300 });
    source.start();
    try {
      await waitFor(() => side.checkpoint === udm.translog.lastId(), { message: 'the source did not start' });
      const hole = udm.translog.skipId();
      const { uuid } = await udm.createUser({ username: login(), lastname: 'AfterHole', activated: true });
      await side.waitForOutcome(uuid, 'upsert');
      expect(side.warnings).toEqual([expect.stringContaining('missing')]);
      expect(side.checkpoint).toBeGreaterThan(hole);
    } finally {
      await source.stop();
    }
  });
});
