/** chooseSource(): the mode `listener.mode` leads to, and the reason status and the page show for it. */
import { describe, expect, it } from 'vitest';
import { chooseSource, type SourceProbes } from '../../../listener/index.js';

const fail = (message: string) => () => Promise.reject(new Error(message));
const probes = (over: Partial<SourceProbes> = {}): SourceProbes => ({
  syncAvailable: () => Promise.resolve({ available: true }),
  translogReadable: () => Promise.resolve(true),
  ...over,
});
const noSync = { syncAvailable: () => Promise.resolve({ available: false as const, reason: 'code 12' }) };

describe('chooseSource()', () => {
  it.each([
    ['syncrepl', 'listener.mode is syncrepl'],
    ['translog', 'listener.mode is translog'],
    ['poll', 'listener.mode is poll'],
    ['appcenter', 'listener.mode is appcenter: only App Center listener files are processed'],
  ] as const)('takes listener.mode %s as configured, without probing', async (mode, reason) => {
    const untouched = probes({ syncAvailable: fail('probed'), translogReadable: fail('probed') });
    expect(await chooseSource(mode, untouched)).toEqual({ mode, reason });
  });

  it('auto: syncrepl when the server offers RFC 4533 sync', async () => {
    expect(await chooseSource('auto', probes())).toEqual({
      mode: 'syncrepl',
      reason: 'the LDAP server offers RFC 4533 sync (syncprov)',
    });
  });

  it('auto: the translog when sync is refused and cn=translog is readable', async () => {
    expect(await chooseSource('auto', probes(noSync))).toEqual({
      mode: 'translog',
      reason: 'no RFC 4533 sync on the LDAP server (code 12); the UCS translog cn=translog is readable: following it',
    });
  });

  it('auto: polling when sync is refused and cn=translog is not readable', async () => {
    const chosen = await chooseSource('auto', probes({ ...noSync, translogReadable: () => Promise.resolve(false) }));
    expect(chosen).toEqual({
      mode: 'poll',
      reason:
        'no RFC 4533 sync on the LDAP server (code 12); no readable UCS translog (cn=translog): polling modifyTimestamp',
    });
  });

  it('auto: polling, naming both failures, when the probe and the translog read fail', async () => {
    const chosen = await chooseSource(
      'auto',
      probes({ syncAvailable: fail('timeout'), translogReadable: fail('refused') }),
    );
    expect(chosen).toEqual({
      mode: 'poll',
      reason: 'the sync probe failed (timeout); reading the UCS translog failed (refused): polling modifyTimestamp',
    });
  });

  it('auto: the translog after a failed probe when cn=translog is readable', async () => {
    expect(await chooseSource('auto', probes({ syncAvailable: fail('timeout') }))).toEqual({
      mode: 'translog',
      reason: 'the sync probe failed (timeout); the UCS translog cn=translog is readable: following it',
    });
  });
});
