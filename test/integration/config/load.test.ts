import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config/load.js';
import type { LoadOptions, LoadResult } from '../../../app/config/load.js';
import { redactConfig } from '../../../app/config/secrets.js';
import { KEY_CATALOG } from '../../../app/config/schema.js';

const VALID = (ucsSecret = 'password: ucs-secret', pascomSecret = 'password: pascom-secret') => `
ucs:
  url: ldap://ucs.example.intranet:7389
  baseDn: dc=example,dc=intranet
  bindDn: cn=pascom,cn=computers,dc=example,dc=intranet
  ${ucsSecret}
pascom:
  url: https://pbx.example.com
  instance: acme
  ${pascomSecret}
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function load(options: Partial<LoadOptions> = {}): Promise<LoadResult> {
  return loadConfig({
    env: {},
    cwd: dir,
    ucsCaPath: join(dir, 'no-ca.pem'),
    machineSecretPath: join(dir, 'machine.secret'),
    ...options,
  });
}

function expectOk(result: LoadResult) {
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result;
}

function errorsOf(result: LoadResult) {
  return result.ok ? [] : result.errors;
}

async function put(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('loadConfig() file search order', () => {
  it('uses --config before $PASCOM_CONNECTOR_CONFIG', async () => {
    const chosen = await put('cli.yaml', VALID());
    await put('env.yaml', 'not: valid');
    const result = expectOk(await load({ path: 'cli.yaml', env: { PASCOM_CONNECTOR_CONFIG: join(dir, 'env.yaml') } }));
    expect([result.path, result.sources.chosenBy]).toEqual([chosen, '--config']);
  });

  it('uses $PASCOM_CONNECTOR_CONFIG before <dataDir>/config.yaml', async () => {
    const chosen = await put('env.yaml', VALID());
    await put('data/config.yaml', 'not: valid');
    const result = expectOk(await load({ env: { PASCOM_CONNECTOR_CONFIG: chosen } }));
    expect([result.path, result.sources.chosenBy]).toEqual([chosen, '$PASCOM_CONNECTOR_CONFIG']);
  });

  it('falls back to config.yaml in $PASCOM_CONNECTOR_DATA_DIR', async () => {
    const chosen = await put('state/config.yaml', VALID());
    const result = expectOk(await load({ env: { PASCOM_CONNECTOR_DATA_DIR: join(dir, 'state') } }));
    expect([result.path, result.config.dataDir]).toEqual([chosen, join(dir, 'state')]);
  });

  it('falls back to ./data/config.yaml relative to the working directory', async () => {
    const chosen = await put('data/config.yaml', VALID());
    expect(expectOk(await load()).path).toBe(chosen);
  });

  it('says where it looked when no file exists', async () => {
    const [error] = errorsOf(await load());
    expect(error?.message).toContain(`no configuration file at ${join(dir, 'data', 'config.yaml')}`);
    expect(error?.message).toContain('--config PATH, else $PASCOM_CONNECTOR_CONFIG, else <dataDir>/config.yaml');
  });

  it('does not fall back when the file given with --config is missing', async () => {
    await put('data/config.yaml', VALID());
    const [error] = errorsOf(await load({ path: 'missing.yaml' }));
    expect(error?.message).toContain(`no configuration file at ${join(dir, 'missing.yaml')} (chosen by --config`);
  });
});

describe('loadConfig() file problems', () => {
  it('reports a YAML syntax error with its line and column', async () => {
    const path = await put('c.yaml', 'ucs:\n  url: ldap://x\n  baseDn: a: b\n');
    const [error] = errorsOf(await load({ path }));
    expect(error?.message).toMatch(new RegExp(`^${path}: line 3, column \\d+: `));
  });

  it('does not quote the offending line of a YAML error (it may hold a password)', async () => {
    const path = await put('c.yaml', 'ucs:\n  password: "s3cr3t-unterminated\n');
    const messages = errorsOf(await load({ path }))
      .map((error) => error.message)
      .join('\n');
    expect(messages).toContain('line');
    expect(messages).not.toContain('s3cr3t');
  });

  it('reports a duplicate key as a YAML error', async () => {
    const path = await put('c.yaml', `${VALID()}\nschedule: ""\nschedule: "0 3 * * *"\n`);
    expect(errorsOf(await load({ path }))[0]?.message).toContain('Map keys must be unique');
  });

  it('reports an unreadable file with its error code', async () => {
    const path = await put('c.yaml', VALID());
    const readFile = (): Promise<string> => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' }));
    expect(errorsOf(await load({ path, readFile }))[0]?.message).toBe(
      `cannot read the configuration file ${path} (EACCES)`,
    );
  });
});

describe('loadConfig() secrets', () => {
  it('reads passwordFile and strips the trailing newline', async () => {
    await put('ucs.secret', 'from-file\n');
    const path = await put('c.yaml', VALID('passwordFile: ucs.secret'));
    const result = expectOk(await load({ path }));
    expect(result.config.ucs.password).toBe('from-file');
    expect(result.sources.secrets.ucs).toEqual({ kind: 'file', path: join(dir, 'ucs.secret') });
  });

  it('names a missing passwordFile without showing anything else', async () => {
    const path = await put('c.yaml', VALID('password: ucs-secret', 'passwordFile: /nonexistent/pascom.secret'));
    expect(errorsOf(await load({ path }))).toEqual([
      {
        path: 'pascom.passwordFile',
        message: 'pascom.passwordFile: cannot read "/nonexistent/pascom.secret" (ENOENT)',
      },
    ]);
  });

  it('rejects an empty passwordFile', async () => {
    await put('empty.secret', '\n');
    const path = await put('c.yaml', VALID('passwordFile: empty.secret'));
    expect(errorsOf(await load({ path }))[0]?.message).toBe(
      `ucs.passwordFile: "${join(dir, 'empty.secret')}" is empty (expected the password)`,
    );
  });

  it('rejects password and passwordFile together', async () => {
    const path = await put('c.yaml', VALID('password: a\n  passwordFile: b'));
    expect(errorsOf(await load({ path }))).toEqual([
      { path: 'ucs', message: 'ucs: has both password and passwordFile (expected one of them)' },
    ]);
  });

  it('names both options when neither is given', async () => {
    const path = await put('c.yaml', VALID('password: ucs-secret', ''));
    expect(errorsOf(await load({ path }))[0]?.message).toContain('pascom: needs password or passwordFile');
  });

  it('uses the machine secret inside a UCS container', async () => {
    await put('machine.secret', 'machine-pw\n');
    const path = await put('c.yaml', 'pascom:\n  url: https://pbx.example.com\n  instance: acme\n  password: p\n');
    const env = {
      LDAP_SERVER_NAME: 'primary',
      LDAP_SERVER_PORT: '7389',
      LDAP_BASE: 'dc=x',
      LDAP_HOSTDN: 'cn=pc,cn=computers,dc=x',
    };
    const result = expectOk(await load({ path, env }));
    expect([result.config.ucs.bindDn, result.config.ucs.password]).toEqual(['cn=pc,cn=computers,dc=x', 'machine-pw']);
    expect(result.sources.container).toContain('ucs.passwordFile');
  });

  it('hides both passwords in redactConfig()', async () => {
    const path = await put('c.yaml', VALID());
    const redacted = redactConfig(expectOk(await load({ path })).config);
    expect([redacted.ucs.password, redacted.pascom.password]).toEqual(['(set)', '(set)']);
    expect(JSON.stringify(redacted)).not.toMatch(/ucs-secret|pascom-secret/);
  });

  it('shows "(not set)" for an empty password in redactConfig()', async () => {
    const config = expectOk(await load({ path: await put('c.yaml', VALID()) })).config;
    expect(redactConfig({ ...config, ucs: { ...config.ucs, password: '' } }).ucs.password).toBe('(not set)');
  });
});

describe('loadConfig() paths', () => {
  it('returns relative paths resolved against the working directory', async () => {
    await put('ca.pem', 'pem');
    const path = await put(
      'c.yaml',
      `${VALID()}\ndataDir: state\nhttp: {ssoSecretFile: conf/sso.secret}\n`.replace(
        '  password: ucs-secret',
        '  password: ucs-secret\n  caFile: ca.pem',
      ),
    );
    const { config } = expectOk(await load({ path }));
    expect([config.dataDir, config.ucs.caFile, config.http.ssoSecretFile]).toEqual([
      join(dir, 'state'),
      join(dir, 'ca.pem'),
      join(dir, 'conf/sso.secret'),
    ]);
  });

  it('reports a caFile that does not exist', async () => {
    const path = await put(
      'c.yaml',
      VALID().replace('  instance: acme', '  instance: acme\n  caFile: /nonexistent/ca.pem'),
    );
    expect(errorsOf(await load({ path }))).toEqual([
      { path: 'pascom.caFile', message: 'pascom.caFile: "/nonexistent/ca.pem" does not exist or cannot be read' },
    ]);
  });
});

describe('config.example.yaml', () => {
  const example = join(import.meta.dirname, '../../../config.example.yaml');

  it('is a valid configuration', async () => {
    await put('ucs.secret', 'u\n');
    await put('pascom.secret', 'p\n');
    const text = (await readFile(example, 'utf8'))
      .replace('/etc/pascom-connector/ucs.secret', join(dir, 'ucs.secret'))
      .replace('/etc/pascom-connector/pascom.secret', join(dir, 'pascom.secret'));
    const path = await put(
      'example.yaml',
      text.replace('caFile: /etc/univention/ssl/ucsCA/CAcert.pem', `caFile: ${await put('ca.pem', 'pem')}`),
    );
    expectOk(await load({ path }));
  });

  it('mentions every key of the schema', async () => {
    const text = await readFile(example, 'utf8');
    const keys = Object.values(KEY_CATALOG).flat();
    expect(keys.filter((key) => !new RegExp(`\\b${key}:`).test(text))).toEqual([]);
  });
});
