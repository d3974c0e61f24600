import { describe, expect, it } from 'vitest';
import { listenerHealth } from '../../../app/sync/status.js';

describe('listenerHealth (the status badge)', () => {
  it.each([
    [undefined, undefined, 'notRunning'],
    ['syncrepl', 'live (refreshAndPersist)', 'healthy'],
    ['syncrepl', 'the LDAP server offers RFC 4533 sync (syncprov)', 'healthy'],
    ['translog', 'live (UCS notifier WAIT_ID, reading cn=translog)', 'healthy'],
    ['poll', 'no RFC 4533 sync; reading the UCS translog failed (x): polling modifyTimestamp', 'healthy'],
    ['syncrepl', 'waiting: connect ECONNREFUSED 127.0.0.1:389', 'degraded'],
    ['syncrepl', 'failed: invalid credentials', 'degraded'],
    ['syncrepl', 'stopped: the sync control is not supported', 'degraded'],
    ['translog', 'reading the translog failed: timeout', 'degraded'],
    ['waiting', 'live sync starts after the first Import (Simulate, then Import now)', 'waiting'],
  ])('mode %s with reason "%s" is %s', (mode, reason, expected) => {
    expect(listenerHealth({ mode, reason })).toBe(expected);
  });
});
