import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { setPassword, updateConfigFile, writeConfigFile, writeFileAtomic } from '../../../app/config/write.js';

const COMMENTED = `# pascom connector configuration
ucs:
  url: ldap://ucs.example.intranet:7389 # the primary
  baseDn: dc=example,dc=intranet
  bindDn: cn=pascom,cn=computers,dc=example,dc=intranet
  passwordFile: /etc/pascom-connector/ucs.secret
pascom:
  url: https://pbx.example.com
  instance: acme
  # generated in pascom
  password: old-secret
schedule: "0 3 * * *" # nightly
`;

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-write-'));
  file = join(dir, 'config.yaml');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

function withUmask<T>(mask: number, run: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  return run().finally(() => process.umask(previous));
}

describe('writeFileAtomic()', () => {
  it('creates the file with mode 0600 even under a permissive umask', async () => {
    await withUmask(0o000, () => writeFileAtomic(file, 'a: 1\n'));
    expect(await mode(file)).toBe(0o600);
  });

  it('tightens the mode when it replaces a world-readable file', async () => {
    await writeFile(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, 'new');
    expect([await mode(file), await readFile(file, 'utf8')]).toEqual([0o600, 'new']);
  });

  it('leaves the old file intact and no temp file behind when the rename fails', async () => {
    await writeFile(file, 'old content', { mode: 0o600 });
    const failingRename = (): Promise<void> => Promise.reject(new Error('simulated crash before rename'));
    await expect(writeFileAtomic(file, 'new content', { rename: failingRename })).rejects.toThrow('simulated crash');
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['config.yaml']);
  });
});

describe('writeConfigFile()', () => {
  it('writes YAML with mode 0600', async () => {
    await writeConfigFile(file, { schedule: '', http: { port: 8081 } });
    expect(parse(await readFile(file, 'utf8'))).toEqual({ schedule: '', http: { port: 8081 } });
    expect(await mode(file)).toBe(0o600);
  });

  it('keeps passwordFile references and drops the password read from them', async () => {
    await writeConfigFile(file, {
      ucs: { passwordFile: '/run/ucs.secret', password: 'from-file' },
      pascom: { password: 'typed-in' },
    });
    const written = await readFile(file, 'utf8');
    expect(parse(written)).toEqual({ ucs: { passwordFile: '/run/ucs.secret' }, pascom: { password: 'typed-in' } });
    expect(written).not.toContain('from-file');
  });
});

describe('updateConfigFile()', () => {
  it('keeps comments and key order when it changes a value', async () => {
    await writeFile(file, COMMENTED);
    const result = await updateConfigFile(file, (doc) => doc.set('schedule', '30 2 * * *'), { env: {} });
    expect(result).toEqual({ ok: true });
    expect(await readFile(file, 'utf8')).toBe(COMMENTED.replace('"0 3 * * *"', '"30 2 * * *"'));
  });

  it('stores a new password in place of a passwordFile, with mode 0600', async () => {
    await writeFile(file, COMMENTED, { mode: 0o644 });
    await updateConfigFile(file, (doc) => setPassword(doc, 'ucs', 'new-ucs-secret'), { env: {} });
    const written = parse(await readFile(file, 'utf8'));
    expect([written.ucs.password, written.ucs.passwordFile, await mode(file)]).toEqual([
      'new-ucs-secret',
      undefined,
      0o600,
    ]);
  });

  it('refuses an invalid result and leaves the file untouched', async () => {
    await writeFile(file, COMMENTED);
    const result = await updateConfigFile(file, (doc) => doc.setIn(['http', 'port'], 'eighty'), { env: {} });
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'http.port', message: 'http.port: "eighty" is a string, expected a number' }],
    });
    expect(await readFile(file, 'utf8')).toBe(COMMENTED);
    expect(await readdir(dir)).toEqual(['config.yaml']);
  });

  it('validates with the container defaults, so a file that relies on them stays editable', async () => {
    const env = { LDAP_SERVER_NAME: 'primary', LDAP_BASE: 'dc=x', LDAP_HOSTDN: 'cn=pc,dc=x' };
    await writeFile(file, 'pascom:\n  url: https://pbx.example.com\n  instance: acme\n  password: p\n');
    const result = await updateConfigFile(file, (doc) => doc.set('schedule', ''), { env });
    expect(result).toEqual({ ok: true });
    expect(await readFile(file, 'utf8')).not.toContain('primary');
  });
});
