/** listener.mode auto without RFC 4533 sync: the UCS translog when cn=translog is readable, else polling. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { startLive } from '../live/live-harness.js';

let sim: PascomSimulator;
let withTranslog: SlapdHandle;
let withoutTranslog: SlapdHandle;

beforeAll(async () => {
  [sim, withTranslog, withoutTranslog] = await Promise.all([
    startPascomSimulator(),
    startSlapd({ syncprov: false, translog: true }),
    startSlapd({ syncprov: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim.stop(), withTranslog.stop(), withoutTranslog.stop()]);
});

async function chosen(slapd: SlapdHandle): Promise<{ mode: string | undefined; reason: string | undefined }> {
  const live = await startLive(slapd, sim, { listener: { mode: 'auto' } });
  try {
    // The reason of the choice, as logged: a running source later writes its own status.
    const logged = live.logs.entries.find((e) => e.message === 'listener started')?.meta?.['reason'];
    return {
      mode: live.service.current().store.kv.get('listener.mode'),
      reason: typeof logged === 'string' ? logged : undefined,
    };
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
}

describe('listener.mode auto on a server without syncprov', () => {
  it('follows the translog when cn=translog is readable', async () => {
    const { mode, reason } = await chosen(withTranslog);
    expect(mode).toBe('translog');
    expect(reason).toMatch(
      /^no RFC 4533 sync on the LDAP server \(.*\); the UCS translog cn=translog is readable: following it$/,
    );
  });

  it('polls when there is no translog, saying why', async () => {
    expect(await chosen(withoutTranslog)).toEqual({
      mode: 'poll',
      reason: expect.stringMatching(
        /^no RFC 4533 sync on the LDAP server \(.*\); no readable UCS translog \(cn=translog\): polling modifyTimestamp$/,
      ),
    });
  });
});
