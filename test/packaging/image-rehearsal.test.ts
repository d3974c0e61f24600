/**
 * Image rehearsal: builds the production Dockerfile with buildah (no Docker daemon, no registry;
 * the base image is this machine's Node on a debootstrapped Debian bookworm, see
 * helpers/image-rehearsal.ts) and runs the built image the way the App Center does:
 *
 * - volumes and files laid out as on a UCS host: data/ and conf/ created by root and bind-mounted
 *   at the same path, /etc/machine.secret (root, 0600), the container UCR file with the App
 *   settings, the PasswordFile setting, and the files the join script leaves in conf/;
 * - the image's ENTRYPOINT with the ini's DockerScriptInit as PID 1 of its own PID namespace
 *   (as in a container), the App Center scripts run like `docker exec -u root` in that namespace.
 *
 * Against the real slapd fixture and the pascom simulator, reachable over the host network that
 * buildah's chroot isolation shares. All steps run once in beforeAll; the tests check what they
 * left behind. What only a real UCS host can show is listed in docs/install.md.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startPascomSimulator, type PascomSimulator } from '../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../fixtures/slapd/index.js';
import { Udm } from '../fixtures/udm.js';
import { freePort } from '../fixtures/free-port.js';
import { waitFor } from '../fixtures/wait.js';
import { ListenerDirectory, userChange } from '../fixtures/listener-files.js';
import { Buildah, hostNode, missingTools, removeTree, type CommandResult } from './helpers/image-rehearsal.js';
import { iniValue, parseStrictIni } from './helpers/strict-ini.js';

const ROOT = join(import.meta.dirname, '..', '..');
const APP_DIR = '/var/lib/univention-appcenter/apps/pascom-connector';
const TAG = 'localhost/pascom-connector:rehearsal';
/** For working on this test: keep the built image and use it again instead of building. */
const REUSE_IMAGE = process.env['PASCOM_REHEARSAL_REUSE_IMAGE'] === '1';
const NODE_UID = 1000;
const ini = parseStrictIni(readFileSync(join(ROOT, 'ucs-app.ini'), 'utf8'));
const DOCKER_SCRIPT_INIT = (iniValue(ini, 'Application', 'DockerScriptInit') ?? '').split(' ');

interface Step {
  readonly result: CommandResult;
  readonly errorFile: string;
}

interface Rehearsal {
  buildah: Buildah;
  container: string;
  host: string;
  port: number;
  serve: ChildProcess;
  serveOutput: { text: string };
  serveExit: Promise<number | null>;
  tiniPid: number;
  servePid: number;
  serveUid: number;
  figures: Record<string, number | undefined>;
  health: { status: string };
  imageUser: string;
  setup: Step;
  configure: Step;
  listenerTrigger: Step;
  storeData: Step;
  reloadedAfterConfigure: boolean;
  syncedUser: string;
  importStep: Step;
  imported: boolean;
  exitCode: number | null;
  confAfterSetup: Record<string, { uid: number; mode: number }>;
}

let r: Partial<Rehearsal> = {};
let slapd: SlapdHandle | undefined;
let sim: PascomSimulator | undefined;

const hostPath = (containerPath: string): string => {
  const base = r.host ?? '';
  if (containerPath.startsWith(APP_DIR)) return join(base, 'apps', containerPath.slice(APP_DIR.length));
  if (containerPath === '/etc/machine.secret') return join(base, 'machine.secret');
  if (containerPath === '/etc/univention/base.conf') return join(base, 'base.conf');
  if (containerPath.startsWith('/etc/pascom-connector/'))
    return join(base, 'etc-pascom-connector', containerPath.slice(22));
  if (containerPath.startsWith('/var/univention/tmp/')) return join(base, 'univention-tmp', containerPath.slice(20));
  throw new Error(`not a rehearsal volume: ${containerPath}`);
};

/** Owner and permission bits of a file the container wrote, seen from the host. */
const owner = (containerPath: string): { uid: number; mode: number } => {
  const stat = statSync(hostPath(containerPath));
  return { uid: stat.uid, mode: stat.mode & 0o777 };
};

/** The bind mounts and environment every run gets, as the App Center gives them to the container. */
function runArgs(host: string, env: Record<string, string>): string[] {
  const volumes: Array<[string, string]> = [
    [join(host, 'apps', 'data'), `${APP_DIR}/data`],
    [join(host, 'apps', 'conf'), `${APP_DIR}/conf`],
    [join(host, 'machine.secret'), '/etc/machine.secret'],
    [join(host, 'base.conf'), '/etc/univention/base.conf'],
    [join(host, 'etc-pascom-connector'), '/etc/pascom-connector'],
    [join(host, 'univention-tmp'), '/var/univention/tmp'],
  ];
  return [
    '--isolation',
    'chroot',
    // Only to make a PID namespace (unshare/nsenter below); dropped from the bounding set before
    // anything of the app runs.
    '--cap-add',
    'CAP_SYS_ADMIN',
    ...volumes.flatMap(([from, to]) => ['--volume', `${from}:${to}`]),
    ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
  ];
}

const DROP_SYS_ADMIN = ['setpriv', '--bounding-set', '-sys_admin', '--'];

/** The processes whose PID namespace is `pid`'s, with their command lines. */
function processesInNamespaceOf(pid: number): Array<{ pid: number; argv: string[] }> {
  const namespace = readlinkSync(`/proc/${pid}/ns/pid`);
  const found: Array<{ pid: number; argv: string[] }> = [];
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) !== namespace) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      found.push({ pid: Number(name), argv });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const uidOf = (pid: number): number => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** Runs the whole rehearsal; the tests below check what it left behind. */
async function rehearse(): Promise<void> {
  const missing = await missingTools();
  if (missing.length > 0)
    throw new Error(
      `the image rehearsal needs ${missing.join(', ')}: run scripts/ensure-system-deps.sh (CI does) or apt-get install them`,
    );
  if (process.getuid?.() !== 0)
    throw new Error('the image rehearsal needs root (debootstrap, buildah chroot isolation); CI runs as root');

  const figures: Record<string, number | undefined> = {};
  r = { figures };
  const buildah = new Buildah();
  r.buildah = buildah;
  const base = await buildah.ensureBase(await hostNode());
  figures['debootstrapSeconds'] = base.debootstrapSeconds;
  if (!REUSE_IMAGE || !(await buildah.hasImage(TAG))) {
    await buildah.prune();
    const buildStarted = Date.now();
    await buildah.buildImage(ROOT, base.image, TAG);
    figures['buildSeconds'] = (Date.now() - buildStarted) / 1000;
  }
  figures['imageBytes'] = await buildah.imageSizeBytes(TAG);
  const start = await buildah.startCommand(TAG);
  r.imageUser = start.user;

  [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  const ldapPort = new URL(slapd.url).port;

  // The host side, as the App Center and the join script leave it before the container starts.
  const host = mkdtempSync(join(tmpdir(), 'image-rehearsal-'));
  r.host = host;
  for (const dir of ['apps/data', 'apps/conf', 'etc-pascom-connector', 'univention-tmp'])
    mkdirSync(join(host, dir), { recursive: true, mode: 0o755 });
  writeFileSync(join(host, 'machine.secret'), slapd.computerPassword, { mode: 0o600 });
  const port = await freePort();
  r.port = port;
  const settings: Record<string, string> = {
    'pascom-connector/pascom/url': sim.url,
    'pascom-connector/pascom/instance': sim.instance,
    'pascom-connector/pascom/user': sim.user,
    'pascom-connector/listener/mode': 'syncrepl',
    'pascom-connector/deletes/maxperrun': '10',
  };
  const writeUcr = (values: Record<string, string>): void =>
    writeFileSync(
      join(host, 'base.conf'),
      `# univention_ base.conf\n\n${Object.entries(values)
        .map(([key, value]) => `${key}: ${value}\n`)
        .join('')}`,
    );
  writeUcr(settings);
  writeFileSync(join(host, 'etc-pascom-connector', 'pascom-password'), `${sim.password}\n`, { mode: 0o600 });
  // What the join script writes (as root) before it hands conf/ to the app.
  writeFileSync(join(host, 'apps/conf/sso.secret'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
  writeFileSync(join(host, 'apps/conf/pascom-account.secret'), 'join-script-password\n', { mode: 0o600 });
  writeFileSync(join(host, 'apps/conf/pascom-account.dn'), `cn=pascom,cn=computers,${slapd.baseDn}\n`, { mode: 0o600 });
  // The port the admin page would have set; the host network is shared with other tests here.
  writeFileSync(join(host, 'apps/conf/config.yaml'), `http:\n  port: ${port}\n  host: 127.0.0.1\n`, { mode: 0o600 });

  const env = {
    LDAP_SERVER_NAME: '127.0.0.1',
    LDAP_SERVER_PORT: ldapPort,
    LDAP_BASE: slapd.baseDn,
    LDAP_HOSTDN: slapd.computerDn,
  };
  const container = (await buildah.must(['from', '--pull=never', TAG])).trim();
  r.container = container;

  // Container start: ENTRYPOINT + DockerScriptInit as PID 1 of a fresh PID namespace.
  const serve = spawn(
    'buildah',
    [
      '--root',
      buildah.storage,
      '--runroot',
      buildah.runroot,
      '--storage-driver',
      'vfs',
      'run',
      ...runArgs(host, env),
      container,
      '--',
      'unshare',
      '--pid',
      '--fork',
      '--mount-proc',
      ...DROP_SYS_ADMIN,
      ...start.entrypoint,
      ...DOCKER_SCRIPT_INIT,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  r.serve = serve;
  const serveOutput = { text: '' };
  r.serveOutput = serveOutput;
  serve.stdout?.on('data', (chunk: Buffer) => (serveOutput.text += chunk.toString()));
  serve.stderr?.on('data', (chunk: Buffer) => (serveOutput.text += chunk.toString()));
  r.serveExit = new Promise((resolve) => serve.once('exit', resolve));

  const failWithLog = (error: unknown): never => {
    throw new Error(`${String(error)}\n--- container output ---\n${serveOutput.text}`);
  };
  r.health = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/pascom-connector/healthz`).catch(() => undefined);
      return res?.ok === true ? ((await res.json()) as { status: string }) : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200, message: 'the container never answered /healthz' },
  ).catch(failWithLog);

  const tini = waitFor(
    () =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number)
        .find((pid) => {
          try {
            const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
            return argv[0] === start.entrypoint[0] && argv.includes('/app/appcenter/image/entrypoint');
          } catch {
            return false;
          }
        }),
    { timeoutMs: 5_000, message: 'no tini process' },
  );
  r.tiniPid = await tini;
  r.servePid = processesInNamespaceOf(r.tiniPid).find(
    (proc) => proc.argv[0] === 'node' && proc.argv.includes('/app/dist/app/cli/main.js') && proc.argv.includes('serve'),
  )?.pid;
  if (r.servePid !== undefined) r.serveUid = uidOf(r.servePid);

  /** `docker exec -u root <container> COMMAND` into the running container's PID namespace. */
  const exec = async (argv: readonly string[], name: string): Promise<Step> => {
    const errorFile = `/var/univention/tmp/${name}.error`;
    const result = await buildah.run(
      [
        'run',
        ...runArgs(host, env),
        container,
        '--',
        'nsenter',
        '--target',
        String(r.tiniPid),
        '--pid',
        '--',
        ...DROP_SYS_ADMIN,
        ...argv.map((arg) => arg.replace('ERROR_FILE', errorFile)),
      ],
      { timeoutMs: 120_000 },
    );
    return { result, errorFile };
  };
  const appArgs = ['--app', 'pascom-connector', '--app-version', '0.1.0'];

  r.setup = await exec(
    [
      '/app/appcenter/setup',
      '--username',
      'pascom-connector',
      '--password-file',
      '/etc/machine.secret',
      '--error-file',
      'ERROR_FILE',
      ...appArgs,
    ],
    'setup',
  );
  r.confAfterSetup = Object.fromEntries(
    readdirSync(join(host, 'apps/conf')).map((name) => [name, owner(`${APP_DIR}/conf/${name}`)]),
  );

  // Users ticked for pascom in UCS reach pascom through the container's LDAP bind (LDAP_*
  // environment + /etc/machine.secret) and the App settings' pascom connection: the first by the
  // administrator's first import (the CLI in the container, as `univention-app shell` runs it),
  // the second live, by the listener that starts after it.
  const udm = new Udm(slapd);
  const inPascom = (login: string): boolean =>
    sim?.identities().some((identity) => identity['003use_name'] === login) === true;
  await udm.createUser({ username: 'imported.user', firstname: 'Im', lastname: 'Ported', activated: true });
  r.importStep = await exec(['pascom-connector', 'import', '--json'], 'import');
  r.imported = inPascom('imported.user');
  const username = 'live.user';
  const created = await udm.createUser({ username, firstname: 'Li', lastname: 'Ve', activated: true });
  await waitFor(() => inPascom(username), {
    timeoutMs: 60_000,
    intervalMs: 200,
    message: 'the live change never reached the pascom simulator',
  }).catch(failWithLog);
  r.syncedUser = username;

  // App Center listener files (root-owned, written by the converter on the host).
  const listener = join(host, 'apps/data/listener');
  mkdirSync(listener, { recursive: true });
  await new ListenerDirectory(listener).write(
    userChange({ username, lastname: 'Hearsal', activated: true, ...created }, { version: 2 }),
  );
  r.listenerTrigger = await exec(['/app/appcenter/listener_trigger'], 'listener_trigger');

  // A changed App setting: configure writes it and makes the running app reload.
  const before = serveOutput.text.length;
  writeUcr({ ...settings, 'pascom-connector/deletes/maxperrun': '7' });
  r.configure = await exec(
    ['/app/appcenter/configure', 'settings', '--error-file', 'ERROR_FILE', ...appArgs],
    'configure',
  );
  r.reloadedAfterConfigure = await waitFor(() => serveOutput.text.slice(before).includes('configuration reloaded'), {
    timeoutMs: 20_000,
    message: 'serve did not reload after configure',
  }).catch(() => false);

  r.storeData = await exec(['/app/appcenter/store_data', '--error-file', 'ERROR_FILE', ...appArgs], 'store_data');

  // docker stop: SIGTERM to PID 1.
  if (serve.exitCode !== null) failWithLog(new Error(`the container stopped early (exit ${serve.exitCode})`));
  process.kill(r.tiniPid, 'SIGTERM');
  r.exitCode = await r.serveExit;
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  writeFileSync(
    join(ROOT, 'test-artifacts', 'image-rehearsal.json'),
    `${JSON.stringify({ ...figures, node: process.version }, null, 2)}\n`,
  );
}

/** Set when the rehearsal could not run (e.g. buildah missing): every test then fails with it, none is skipped. */
let setupError: unknown;
beforeAll(async () => {
  try {
    await rehearse();
  } catch (error) {
    setupError = error;
  }
}, 1_200_000);
beforeEach(() => {
  if (setupError !== undefined) throw setupError;
});

afterAll(async () => {
  if (r.serve !== undefined && r.serve.exitCode === null) r.serve.kill('SIGKILL');
  if (r.buildah !== undefined) {
    await r.buildah.removeContainersOf(TAG);
    if (!REUSE_IMAGE) await r.buildah.removeImage(TAG);
  }
  await Promise.all([slapd?.stop(), sim?.stop()]);
  if (r.host !== undefined) removeTree(r.host);
}, 180_000);

describe('the image built from the Dockerfile', () => {
  it('starts as root, so that its entrypoint can hand the volumes to the app user', () => {
    expect(r.imageUser).toBe('');
  });

  it('serves /healthz through the entrypoint and the ini’s DockerScriptInit (INI-21, INI-23)', () => {
    expect(r.health?.status).toBe('ok');
  });

  it('runs the Node process as the user node, not root', () => {
    expect(r.servePid, 'no `serve` process in the container').toBeDefined();
    expect(r.serveUid).toBe(NODE_UID);
  });

  it('stops with exit status 0 on SIGTERM to PID 1 (docker stop)', () => {
    expect(r.exitCode, r.serveOutput?.text).toBe(0);
  });
});

describe('App Center scripts in the running container', () => {
  it('setup succeeds and writes no error file (FILE-05)', () => {
    expect(r.setup?.result.status, r.setup?.result.stderr).toBe(0);
    expect(existsSync(hostPath(r.setup?.errorFile ?? ''))).toBe(false);
  });

  it('setup writes the App settings into config.yaml and moves the pascom password into a private file', () => {
    const config = parse(readFileSync(hostPath(`${APP_DIR}/conf/config.yaml`), 'utf8')) as {
      pascom: { url: string; passwordFile: string };
      http: { port: number };
    };
    expect(config.pascom.url).toBe(sim?.url);
    expect(config.pascom.passwordFile).toBe(`${APP_DIR}/conf/pascom-rest.secret`);
    expect(config.http.port).toBe(r.port);
    expect(readdirSync(join(r.host ?? '', 'etc-pascom-connector'))).toEqual([]);
  });

  it('hands data/, conf/, the app’s secrets and /etc/machine.secret to node, private (0700/0600)', () => {
    expect(owner(`${APP_DIR}/data`)).toEqual({ uid: NODE_UID, mode: 0o700 });
    expect(owner(`${APP_DIR}/conf`)).toEqual({ uid: NODE_UID, mode: 0o700 });
    for (const name of ['config.yaml', 'sso.secret', 'pascom-rest.secret'])
      expect(r.confAfterSetup?.[name], name).toEqual({ uid: NODE_UID, mode: 0o600 });
    expect(owner('/etc/machine.secret')).toEqual({ uid: NODE_UID, mode: 0o600 });
  });

  it('keeps the pascom computer account’s password root-only: the app never needs it', () => {
    expect(r.confAfterSetup?.['pascom-account.secret']).toEqual({ uid: 0, mode: 0o600 });
    expect(owner(`${APP_DIR}/conf/pascom-account.secret`)).toEqual({ uid: 0, mode: 0o600 });
  });

  it('imports UCS users into pascom with the container’s LDAP account and the App settings, as node', () => {
    expect(r.importStep?.result.status, r.importStep?.result.stderr).toBe(0);
    expect(r.imported).toBe(true);
  });

  it('then follows UCS live: a new user reaches pascom through the listener', () => {
    expect(r.syncedUser).toBe('live.user');
  });

  it('listener_trigger stores the listener files as node and exits 0 (LT-01, LT-02, LT-06)', () => {
    expect(r.listenerTrigger?.result.status, r.listenerTrigger?.result.stderr).toBe(0);
    expect(r.listenerTrigger?.result.stdout).toMatch(/1 changes stored from 1 files/);
    expect(owner(`${APP_DIR}/data/state.sqlite`).uid).toBe(NODE_UID);
  });

  it('configure writes the changed setting and makes the running app reload (SIGHUP to PID 1)', () => {
    expect(r.configure?.result.status, r.configure?.result.stderr).toBe(0);
    const config = parse(readFileSync(hostPath(`${APP_DIR}/conf/config.yaml`), 'utf8')) as {
      deletes: { maxPerRun: number };
    };
    expect(config.deletes.maxPerRun).toBe(7);
    expect(r.reloadedAfterConfigure).toBe(true);
  });

  it('store_data leaves a private backup of the state database, owned by node', () => {
    expect(r.storeData?.result.status, r.storeData?.result.stderr).toBe(0);
    expect(owner(`${APP_DIR}/data/backups/state-before-upgrade.sqlite`)).toEqual({ uid: NODE_UID, mode: 0o600 });
  });

  it('leaves no file in data/ or conf/ to root except the pascom account’s password', () => {
    const rootOwned: string[] = [];
    const walk = (dir: string, shown: string): void => {
      for (const name of readdirSync(dir)) {
        const stat = statSync(join(dir, name));
        if (stat.uid !== NODE_UID) rootOwned.push(`${shown}/${name}`);
        if (stat.isDirectory()) walk(join(dir, name), `${shown}/${name}`);
      }
    };
    walk(join(r.host ?? '', 'apps'), '');
    expect(rootOwned).toEqual(['/conf/pascom-account.secret']);
  });
});
