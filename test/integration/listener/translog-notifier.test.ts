/** The notifier client against the notifier emulation (both follow UCS's protocol 3 sources). */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotifierClient, NotifierUnavailableError } from '../../../listener/translog/notifier-client.js';
import { NotifierProtocolError } from '../../../listener/translog/notifier-protocol.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { startNotifierEmulator, TranslogWriter, type NotifierEmulator } from '../../fixtures/translog/index.js';
import { waitFor } from '../../fixtures/wait.js';

let slapd: SlapdHandle;
let writer: TranslogWriter;
let notifier: NotifierEmulator;
const clients: NotifierClient[] = [];
const never = new AbortController().signal;

function client(port = notifier.port, timeoutMs = 2000): NotifierClient {
  const c = new NotifierClient({ host: '127.0.0.1', port, timeoutMs });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  slapd = await startSlapd({ translog: true });
  writer = new TranslogWriter(slapd);
  notifier = await startNotifierEmulator(writer);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await notifier.stop();
  await writer.close();
  await slapd.stop();
});

const someDn = (): string => `uid=n${writer.lastId() + 1},cn=users,${slapd.baseDn}`;

describe('NotifierClient', () => {
  it('reads the newest transaction id with GET_ID', async () => {
    await writer.record('a', someDn());
    await expect(client().currentId()).resolves.toBe(writer.lastId());
  });

  it('answers WAIT_ID for an id that exists at once, with the newest id', async () => {
    await writer.record('m', someDn());
    await writer.record('m', someDn());
    await expect(client().waitFor(writer.lastId() - 1, 5000, never)).resolves.toBe(writer.lastId());
  });

  it('wakes a WAIT_ID when the awaited transaction is written', async () => {
    const c = client();
    const next = (await c.currentId()) + 1;
    const woken = c.waitFor(next, 10_000, never);
    await waitFor(() => notifier.requests.includes(`WAIT_ID ${next}`), { message: 'WAIT_ID not sent' });
    await writer.record('a', someDn());
    await expect(woken).resolves.toBe(next);
  });

  it('gives up a WAIT_ID after its timeout without failing', async () => {
    const c = client();
    await expect(c.waitFor((await c.currentId()) + 1000, 50, never)).resolves.toBeUndefined();
  });

  it('rejects a pending WAIT_ID when the connection drops and connects again on the next call', async () => {
    const c = client();
    const pending = c.waitFor((await c.currentId()) + 1000, 10_000, never);
    await waitFor(() => notifier.connections() > 0, { message: 'no connection' });
    notifier.dropConnections();
    await expect(pending).rejects.toThrow(NotifierUnavailableError);
    await expect(c.currentId()).resolves.toBe(writer.lastId());
  });

  it('reports an unreachable notifier as NotifierUnavailableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(client(port).currentId()).rejects.toThrow(NotifierUnavailableError);
  });

  it('refuses a notifier that only speaks protocol 2 (no WAIT_ID)', async () => {
    const old = await startNotifierEmulator(writer, { protocolVersion: 2 });
    try {
      // An older notifier caps the version it agrees to at what it knows.
      await expect(client(old.port).currentId()).rejects.toThrow(NotifierProtocolError);
    } finally {
      await old.stop();
    }
  });
});
