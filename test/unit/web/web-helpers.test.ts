import { describe, expect, it } from 'vitest';
import type { SessionData } from 'express-session';
import { domainBase } from '../../../app/web/auth/admin-check.js';
import { JtiStore } from '../../../app/web/auth/jti-store.js';
import { deliveryChart } from '../../../app/web/chart.js';
import { urlForMode } from '../../../app/web/connection-form.js';
import { describeSchedule, nextRuns } from '../../../app/web/cron-next.js';
import { splitSources, validateDrafts } from '../../../app/web/mapping-form.js';
import { safeBack } from '../../../app/web/routes/language.js';
import { MemorySessionStore } from '../../../app/web/session-store.js';
import { translator } from '../../../app/i18n/index.js';
import type { AuditEntry } from '../../../app/store/index.js';

const t = translator('en');

describe('mapping form', () => {
  it.each([
    ['displayName', ['displayName']],
    ['mobile, homePhone', ['mobile', 'homePhone']],
    ['{sn}, {givenName}\nuid', ['{sn}, {givenName}', 'uid']],
    ['  \n', []],
  ])('splits %j into %j', (input, sources) => {
    expect(splitSources(input)).toEqual(sources);
  });

  it('reports every bad row and builds rules only when all are valid', () => {
    const row = {
      field: '003use_name',
      sources: 'uid',
      transforms: ['lowercase'],
      default: '',
      required: true,
      policy: 'force',
    };
    const bad = validateDrafts(
      [row, { ...row, field: 'x y', transforms: ['shout'], policy: 'sometimes' }],
      '003use_name',
      t,
    );
    expect(bad.rules).toBeUndefined();
    expect(Object.keys(bad.rowErrors[1] ?? {}).sort()).toEqual(['field', 'policy', 'transforms']);
    const good = validateDrafts([row], '003use_name', t);
    expect(good.rules).toEqual([
      { field: '003use_name', sources: ['uid'], transforms: ['lowercase'], required: true, policy: 'force' },
    ]);
  });
});

describe('session store', () => {
  it('forgets a session after its idle time', () => {
    let now = 0;
    const store = new MemorySessionStore({ ttlMs: 1000, now: () => now });
    const data = { cookie: { originalMaxAge: 1000 } } as unknown as SessionData;
    store.set('a', data);
    const read = (): unknown => new Promise((resolve) => store.get('a', (_e, s) => resolve(s)));
    return (async () => {
      expect(await read()).not.toBeNull();
      now = 1001;
      expect(await read()).toBeNull();
    })();
  });

  it('keeps at most maxSessions, dropping the least recently used', () => {
    const store = new MemorySessionStore({ ttlMs: 1000, maxSessions: 2 });
    const data = {} as SessionData;
    for (const sid of ['a', 'b', 'c']) store.set(sid, data);
    expect(store.size).toBe(2);
  });
});

describe('one-time SSO token ids', () => {
  it('refuses a replay until the id expires, then forgets it', () => {
    let now = 100;
    const jtis = new JtiStore(() => now);
    expect(jtis.remember('x', 160)).toBe(true);
    expect(jtis.remember('x', 160)).toBe(false);
    now = 161;
    expect(jtis.remember('x', 220)).toBe(true);
  });
});

describe('small helpers', () => {
  it.each([
    ['cn=users,dc=example,dc=intranet', 'dc=example,dc=intranet'],
    ['dc=example,dc=intranet', 'dc=example,dc=intranet'],
    ['o=acme', 'o=acme'],
  ])('searches groups from the domain base of %s', (base, expected) => {
    expect(domainBase(base)).toBe(expected);
  });

  it.each([
    ['/sync', '/sync'],
    ['//evil.example', '/status'],
    ['https://evil.example', '/status'],
    ['/a?b', '/status'],
  ])('redirects back to %j as %j', (back, expected) => {
    expect(safeBack(back)).toBe(expected);
  });

  it.each([
    ['ldap://h:389', 'ldaps', 'ldaps://h:389'],
    ['ldaps://h:636', 'starttls', 'ldap://h:636'],
    ['ldap://h:389', 'none', 'ldap://h:389'],
  ] as const)('fits the scheme of %s to %s', (url, mode, expected) => {
    expect(urlForMode(url, mode)).toBe(expected);
  });

  it('describes and forecasts a schedule', () => {
    expect(describeSchedule('0 3 * * *', 'en')).toBe('At 03:00');
    expect(describeSchedule('0 3 * * *', 'de')).toBe('Um 03:00');
    expect(describeSchedule('nonsense', 'en')).toBeUndefined();
    const runs = nextRuns('0 3 * * *', 5);
    expect(runs).toHaveLength(5);
    expect(runs.every((run) => run.getHours() === 3 && run.getMinutes() === 0 && run.getTime() > Date.now())).toBe(
      true,
    );
  });

  it('counts deliveries per minute over the last hour', () => {
    const now = 10 * 3_600_000;
    const entry = (at: number, result: AuditEntry['result'], action = 'create'): AuditEntry => ({
      id: 1,
      at,
      actor: 'x',
      runId: null,
      uuid: null,
      login: null,
      action,
      result,
      detail: null,
    });
    const chart = deliveryChart(
      [
        entry(now - 1000, 'ok'),
        entry(now - 1000, 'failed'),
        entry(now - 2 * 3_600_000, 'ok'),
        entry(now, 'ok', 'retry-dead-letter'),
      ],
      now,
    );
    expect([chart.totalOk, chart.totalFailed]).toEqual([1, 1]);
    expect(chart.bars).toHaveLength(60);
    expect(chart.bars.at(-2)?.ok).toBe(1); // the minute before the current one
  });
});
