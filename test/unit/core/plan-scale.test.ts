import { describe, expect, it } from 'vitest';
import { plan } from '../../../app/core/plan.js';
import type { AnchorState, DirectoryUser, PascomRecord } from '../../../app/core/types.js';
import { rules, TODAY } from './builders.js';

/**
 * A sanity run over 100,000 users: it only finishes in the test timeout when plan() uses Maps
 * (a users × identities loop would take minutes). No timing is asserted.
 */
function generate(count: number): { users: DirectoryUser[]; identities: PascomRecord[]; anchors: AnchorState[] } {
  const users: DirectoryUser[] = [];
  const identities: PascomRecord[] = [];
  const anchors: AnchorState[] = [];
  for (let i = 0; i < count; i++) {
    const uid = `user${i}`;
    const uuid = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const dn = `uid=${uid},cn=users,dc=example,dc=intranet`;
    const ext = String(10_000 + i);
    users.push({
      uuid,
      dn,
      attributes: { uid: [uid], displayName: [`User ${i}`], telephoneNumber: [`0441 1-${ext}`] },
    });
    if (i % 2 === 0) {
      const record = {
        '003use_name': uid,
        '003use_bez': `User ${i}`,
        '028pho_bez': `User ${i}`,
        '009ext_extension': ext,
      };
      identities.push(record);
      anchors.push({ uuid, login: uid, dn, extension: ext, record });
    }
  }
  return { users, identities, anchors };
}

describe('plan at scale', () => {
  it('plans 100,000 users with Map lookups', () => {
    const input = generate(100_000);
    const p = plan({
      ...input,
      rules: rules({ extensions: { pool: undefined } }),
      todayDays: TODAY,
      confirmDeletes: false,
    });
    expect(p.summary).toEqual({ create: 50_000, update: 0, delete: 0, unchanged: 50_000, rejected: 0, blocked: 0 });
  });
});
