/**
 * A fake UCS host for running the join and unjoin scripts: recording stubs of `udm`, `ucr`,
 * `systemctl`, `docker` and `univention-app` on PATH, stub helper libraries in place of
 * joinscripthelper.sh and umc.sh, and a directory per LDAP object. The scripts run unchanged
 * except that their absolute host paths are moved under the fake root.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const LDAP_BASE = 'dc=example,dc=intranet';
/** The bind password file univention-run-join-scripts passes; FakeUcsHost writes it. */
export const BIND_PASSWORD_FILE = join(tmpdir(), 'fake-ucs-join.pwd');
export const BIND_PASSWORD = 'join-bind-password';
export const BIND_ARGS = ['--binddn', `uid=Administrator,cn=users,${LDAP_BASE}`, '--bindpwdfile', BIND_PASSWORD_FILE];
/** attributeTypes of cn=Subschema as univention-ldapsearch prints them (the part the join script reads). */
export const SCHEMA_WITH_MOBYDICK = [
  'dn: cn=Subschema',
  "attributeTypes: ( 2.5.4.0 NAME 'objectClass' DESC 'RFC4512: object classes of the entity' EQUALITY objectIdentifierMatch )",
  "attributeTypes: ( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s)' SUP name )",
  "attributeTypes: ( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' ) EQUALITY caseIgnoreMatch )",
  "attributeTypes: ( 1.3.6.1.4.1.10176.1003.1 NAME 'univentionObjectType' DESC 'UDM module' )",
  "attributeTypes: ( 1.3.6.1.4.1.10176.4200.99.1 NAME 'mobydickActivated' DESC 'pascom mobydick' SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 )",
  '',
].join('\n');
const HOST_PREFIXES = [
  '/usr/share/univention-appcenter/',
  '/usr/share/univention-lib/',
  '/usr/share/univention-management-console',
  '/usr/lib/python3/',
  '/var/lib/univention-appcenter/',
];

const RECORD = `record () { { printf '%s' "$1"; shift; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >>"$UCS_STUB_ROOT/calls.log"; }`;

const UDM_STUB = `#!/bin/bash
# Recording stub of univention-directory-manager over one file per object ($UCS_STUB_ROOT/ldap/<dn>).
set -u
R="$UCS_STUB_ROOT"
${RECORD}
record udm "$@"
module="$1"; action="$2"; shift 2
dn=""; position=""; filter=""; ignore=0; sets=(); appends=(); removes=()
while [ $# -gt 0 ]; do
	case "$1" in
	--dn) dn="$2"; shift 2 ;;
	--position) position="$2"; shift 2 ;;
	--filter) filter="$2"; shift 2 ;;
	--set) sets+=("$2"); shift 2 ;;
	--append) appends+=("$2"); shift 2 ;;
	--remove) removes+=("$2"); shift 2 ;;
	--ignore_exists) ignore=1; shift ;;
	--binddn|--bindpwdfile) shift 2 ;;
	*) echo "udm stub: unknown argument $1" >&2; exit 2 ;;
	esac
done
event () { echo "$1" >>"$R/events.log"; }
case "$action" in
create)
	name=""
	for kv in "\${sets[@]}"; do case "$kv" in name=*) name="\${kv#name=}" ;; esac; done
	dn="cn=$name,$position"; f="$R/ldap/$dn"
	if [ -e "$f" ]; then
		[ "$ignore" = 1 ] && { event "EXISTS $dn"; echo "Object exists: $dn"; exit 0; }
		echo "E: Object exists: $dn" >&2; exit 1
	fi
	{ echo "__module: $module"; for kv in "\${sets[@]}"; do echo "\${kv%%=*}: \${kv#*=}"; done; } >"$f"
	event "CREATED $dn"; echo "Object created: $dn" ;;
modify)
	f="$R/ldap/$dn"; [ -e "$f" ] || { echo "E: No such object: $dn" >&2; exit 1; }
	for kv in "\${sets[@]}"; do grep -v "^\${kv%%=*}: " "$f" >"$f.tmp"; echo "\${kv%%=*}: \${kv#*=}" >>"$f.tmp"; mv "$f.tmp" "$f"; done
	for kv in "\${appends[@]}"; do line="\${kv%%=*}: \${kv#*=}"; grep -qxF "$line" "$f" || echo "$line" >>"$f"; done
	for kv in "\${removes[@]}"; do line="\${kv%%=*}: \${kv#*=}"; grep -vxF "$line" "$f" >"$f.tmp"; mv "$f.tmp" "$f"; done
	event "MODIFIED $dn"; echo "Object modified: $dn" ;;
remove)
	f="$R/ldap/$dn"; [ -e "$f" ] || { echo "E: No such object: $dn" >&2; exit 1; }
	rm -f "$f"; event "REMOVED $dn"; echo "Object removed: $dn" ;;
list)
	for f in "$R"/ldap/*; do
		[ -e "$f" ] || continue
		grep -qxF "__module: $module" "$f" && grep -qxF "name: \${filter#name=}" "$f" || continue
		echo "DN: \${f##*/}"; grep -v '^__module: ' "$f" | sed 's/^/  /'; echo
	done ;;
*) echo "udm stub: unknown action $action" >&2; exit 2 ;;
esac
`;

const UCR_STUB = `#!/bin/bash
${RECORD}
record ucr "$@"
[ "$1" = get ] || { echo "ucr stub: only get" >&2; exit 2; }
sed -n "s|^$2: ||p" "$UCS_STUB_ROOT/ucr"
`;

const UNIVENTION_APP_STUB = `#!/bin/bash
# Recording stub of univention-app: "status" answers whether the container runs
# (FAKE_CONTAINER_STOPPED, or only the first FAKE_CONTAINER_RUNNING_CHECKS checks succeed).
${RECORD}
record univention-app "$@"
case "$1" in
status)
	[ -z "\${FAKE_CONTAINER_STOPPED:-}" ] || exit 1
	if [ -n "\${FAKE_CONTAINER_RUNNING_CHECKS:-}" ]; then
		echo x >>"$UCS_STUB_ROOT/status-checks"
		[ "$(wc -l <"$UCS_STUB_ROOT/status-checks")" -le "$FAKE_CONTAINER_RUNNING_CHECKS" ] || exit 1
	fi
	echo "pascom-connector: running" ;;
*) exit "\${UNIVENTION_APP_EXIT:-0}" ;;
esac
`;

const LDAPSEARCH_STUB = `#!/bin/bash
${RECORD}
record univention-ldapsearch "$@"
[ -z "\${LDAPSEARCH_EXIT:-}" ] || exit "$LDAPSEARCH_EXIT"
cat "$UCS_STUB_ROOT/schema.ldif"
`;

const PYTHON_RECORDER = (python: string): string => `#!/bin/bash
${RECORD}
record python3 "$@"
exec ${python} "$@"
`;

/** Stubs of univention.udm (simple UDM API) and univention.config_registry over the same object files. */
const PYTHON_STUBS: Record<string, string> = {
  'univention/__init__.py': '',
  'univention/config_registry/__init__.py': `import os


class ConfigRegistry(dict):
    def load(self):
        with open(os.path.join(os.environ['UCS_STUB_ROOT'], 'ucr')) as f:
            for line in f:
                if ': ' in line:
                    key, value = line.rstrip('\\n').split(': ', 1)
                    self[key] = value
`,
  'univention/udm/__init__.py': `import os

ROOT = os.environ['UCS_STUB_ROOT']


def record(*args):
    with open(os.path.join(ROOT, 'calls.log'), 'a') as f:
        f.write('\\t'.join(str(a) for a in args) + '\\n')


def event(text):
    with open(os.path.join(ROOT, 'events.log'), 'a') as f:
        f.write(text + '\\n')


class Props(object):
    pass


class Obj(object):
    def __init__(self, module, dn=None):
        self.module, self.dn, self.position, self.props = module, dn, None, Props()
        if dn is not None:
            with open(os.path.join(ROOT, 'ldap', dn)) as f:
                for line in f.read().splitlines():
                    key, value = line.split(': ', 1)
                    if key != '__module':
                        setattr(self.props, key, value)

    def save(self):
        props = self.props.__dict__
        record('udm-python', 'save', self.module, self.dn or 'new', *sorted(props))
        if self.dn is None:
            self.dn = 'cn=%s,%s' % (props['name'], self.position)
            if os.path.exists(os.path.join(ROOT, 'ldap', self.dn)):
                raise Exception('Object exists: ' + self.dn)
            event('CREATED ' + self.dn)
        else:
            event('MODIFIED ' + self.dn)
        with open(os.path.join(ROOT, 'ldap', self.dn), 'w') as f:
            f.write('__module: %s\\n' % self.module)
            for key in sorted(props):
                f.write('%s: %s\\n' % (key, props[key]))
        return self


class Module(object):
    def __init__(self, name):
        self.name = name

    def new(self):
        return Obj(self.name)

    def get(self, dn):
        return Obj(self.name, dn)


class UDM(object):
    @classmethod
    def credentials(cls, identity, password, base=None, server=None, port=None):
        with open(os.path.join(ROOT, 'bind.pwd')) as f:
            expected = f.read().strip()
        record('udm-python', 'credentials', identity, 'password-ok' if password == expected else 'password-wrong', base)
        return cls()

    @classmethod
    def admin(cls):
        record('udm-python', 'admin')
        return cls()

    def version(self, number):
        record('udm-python', 'version', number)
        return self

    def get(self, name):
        return Module(name)
`,
};

const RECORDER_STUB = (name: string, exitVar: string): string => `#!/bin/bash
${RECORD}
record ${name} "$@"
exit "\${${exitVar}:-0}"
`;

const JOINSCRIPTHELPER_STUB = `# Stub of joinscripthelper.sh (+ joinscripthelper.lib, ldap.sh) with the documented behaviour.
R="$UCS_STUB_ROOT"
${RECORD}
APP=pascom-connector
SERVICE="set by the helper"
CONTAINER=0123456789ab
STATUS="$R/status"
JS_PACKAGE="$(basename "$0" | sed -e 's/\\.inst$//' -e 's/^[0-9][0-9]//')"
die () { record die; echo "__JOINERR__:FAILED: $0" >&2; exit 1; }
joinscript_init () {
	record joinscript_init
	if [ -z "\${JOIN_FORCE:-}" ] && grep -qxF "$JS_PACKAGE v$VERSION successful" "$STATUS"; then exit 1; fi
}
joinscript_save_current_version () {
	record joinscript_save_current_version
	grep -qxF "$JS_PACKAGE v$VERSION successful" "$STATUS" || echo "$JS_PACKAGE v$VERSION successful" >>"$STATUS"
}
joinscript_remove_script_from_status_file () { record joinscript_remove_script_from_status_file "$@"; sed -i "/^$1 v/d" "$STATUS"; }
# As univention-appcenter's joinscripthelper.sh: the container helpers die when it is not running.
joinscript_container_is_running () { univention-app status "$APP"; }
joinscript_container_file () { record joinscript_container_file "$@"; joinscript_container_is_running 1>/dev/null || die; printf '%s/%s\\n' "$R/container" "$1"; }
joinscript_run_in_container () { record joinscript_run_in_container "$@"; joinscript_container_is_running 1>/dev/null || die; univention-app shell "$APP" "$@"; }
joinscript_register_schema () { record joinscript_register_schema "$@"; }
ucs_registerLDAPExtension () { record ucs_registerLDAPExtension "$@"; }
ucs_unregisterLDAPExtension () { record ucs_unregisterLDAPExtension "$@"; }
ucs_addServiceToLocalhost () { record ucs_addServiceToLocalhost "$@"; grep -qxF "$1" "$R/services" || echo "$1" >>"$R/services"; }
ucs_removeServiceFromLocalhost () { record ucs_removeServiceFromLocalhost "$@"; grep -vxF "$1" "$R/services" >"$R/services.tmp"; mv "$R/services.tmp" "$R/services"; }
ucs_isServiceUnused () { record ucs_isServiceUnused "$@"; ! grep -qxF "$1" "$R/services" "$R/services-elsewhere"; }
`;

const UMC_SH_STUB = `# Stub of univention-lib/umc.sh: like the real one, it takes the credentials from "$@" when sourced.
${RECORD}
record umc.sh-sourced "$@"
_UMC_BIND=("$@")
_umc_base () { ucr get ldap/base; }
umc_init () {
	record umc_init
	udm container/cn create "\${_UMC_BIND[@]}" --ignore_exists --position "cn=UMC,cn=univention,$(_umc_base)" --set name=operations >/dev/null || exit 1
	udm policies/umc create "\${_UMC_BIND[@]}" --ignore_exists --position "cn=UMC,cn=policies,$(_umc_base)" --set name=default-umc-all >/dev/null || exit 1
}
umc_operation_create () {
	record umc_operation_create "$@"
	udm settings/umc_operationset create "\${_UMC_BIND[@]}" --ignore_exists --position "cn=operations,cn=UMC,cn=univention,$(_umc_base)" \\
		--set name="$1" --set description="$2" --set flavor="$3" --set operation="$4"
}
umc_policy_append () {
	record umc_policy_append "$@"
	udm policies/umc modify "\${_UMC_BIND[@]}" --dn "cn=$1,cn=UMC,cn=policies,$(_umc_base)" --append allow="cn=$2,cn=operations,cn=UMC,cn=univention,$(_umc_base)"
}
umc_frontend_new_hash () { record umc_frontend_new_hash; }
`;

/** The python3 the stubs hand over to (not the recorder in the fake bin directory). */
function realPython(): string {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const candidate = join(dir, 'python3');
    if (dir !== '' && existsSync(candidate) && !candidate.includes('fake-ucs-')) return candidate;
  }
  return '/usr/bin/python3';
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class FakeUcsHost {
  readonly root = mkdtempSync(join(tmpdir(), 'fake-ucs-'));
  readonly confDir = this.path('/var/lib/univention-appcenter/apps/pascom-connector/conf');

  constructor(umcBuild: string) {
    const bin = join(this.root, 'bin');
    mkdirSync(join(this.root, 'ldap'), { recursive: true });
    mkdirSync(this.confDir, { recursive: true });
    this.write(join(bin, 'udm'), UDM_STUB, 0o755);
    this.write(join(bin, 'univention-directory-manager'), UDM_STUB, 0o755);
    this.write(join(bin, 'ucr'), UCR_STUB, 0o755);
    this.write(join(bin, 'univention-config-registry'), UCR_STUB, 0o755);
    this.write(join(bin, 'systemctl'), RECORDER_STUB('systemctl', 'SYSTEMCTL_EXIT'), 0o755);
    this.write(join(bin, 'docker'), RECORDER_STUB('docker', 'DOCKER_EXIT'), 0o755);
    this.write(join(bin, 'univention-app'), UNIVENTION_APP_STUB, 0o755);
    this.write(join(bin, 'univention-ldapsearch'), LDAPSEARCH_STUB, 0o755);
    this.write(join(bin, 'python3'), PYTHON_RECORDER(realPython()), 0o755);
    for (const [file, text] of Object.entries(PYTHON_STUBS)) this.write(join(this.root, 'python', file), text);
    this.write(join(this.root, 'schema.ldif'), SCHEMA_WITH_MOBYDICK);
    this.write(join(this.root, 'bind.pwd'), `${BIND_PASSWORD}\n`);
    if (!existsSync(BIND_PASSWORD_FILE)) writeFileSync(BIND_PASSWORD_FILE, `${BIND_PASSWORD}\n`, { mode: 0o600 });
    this.write(this.path('/usr/share/univention-appcenter/joinscripthelper.sh'), JOINSCRIPTHELPER_STUB);
    this.write(this.path('/usr/share/univention-lib/umc.sh'), UMC_SH_STUB);
    for (const file of ['ucr', 'status', 'services', 'services-elsewhere', 'calls.log', 'events.log'])
      this.write(join(this.root, file), '');
    this.write(join(this.root, 'ucr'), `ldap/base: ${LDAP_BASE}\n`);
    cpSync(umcBuild, join(this.root, 'container', 'app', 'umc'), { recursive: true });
    this.addObject(`cn=default-umc-all,cn=UMC,cn=policies,${LDAP_BASE}`, [
      '__module: policies/umc',
      'name: default-umc-all',
      `allow: cn=udm-all,cn=operations,cn=UMC,cn=univention,${LDAP_BASE}`,
    ]);
    this.addObject(`cn=operations,cn=UMC,cn=univention,${LDAP_BASE}`, ['__module: container/cn', 'name: operations']);
  }

  /** A host path moved under the fake root. */
  path(hostPath: string): string {
    return join(this.root, hostPath);
  }

  addObject(dn: string, lines: readonly string[]): void {
    this.write(join(this.root, 'ldap', dn), `${lines.join('\n')}\n`);
  }

  /** Replaces the attributeTypes that univention-ldapsearch finds in cn=Subschema. */
  setSchema(ldif: string): void {
    this.write(join(this.root, 'schema.ldif'), ldif);
  }

  /** Writes conf/config.yaml as the app (or the administrator) left it. */
  writeConfig(text: string): void {
    this.write(join(this.confDir, 'config.yaml'), text);
  }

  /** ucs_isServiceUnused looks at every host: make another host offer `service`. */
  offerServiceElsewhere(service: string): void {
    this.write(join(this.root, 'services-elsewhere'), `${service}\n`);
  }

  object(dn: string): string | undefined {
    const file = join(this.root, 'ldap', dn);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  /** Installs an appcenter/ script as the App Center would, with host paths moved under the root. */
  install(source: string, name: string): string {
    let text = readFileSync(source, 'utf8');
    for (const prefix of HOST_PREFIXES) text = text.replaceAll(prefix, this.path(prefix));
    const target = this.path(`/usr/lib/univention-install/${name}`);
    this.write(target, text, 0o755);
    return target;
  }

  run(script: string, args: readonly string[], env: Record<string, string> = {}): RunResult {
    const result = spawnSync('bash', [script, ...args], {
      encoding: 'utf8',
      env: {
        PATH: `${join(this.root, 'bin')}:${process.env['PATH'] ?? ''}`,
        PYTHONPATH: join(this.root, 'python'),
        UCS_STUB_ROOT: this.root,
        ...env,
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  calls(): string[][] {
    return this.lines('calls.log').map((line) => line.split('\t'));
  }

  events(): string[] {
    return this.lines('events.log');
  }

  /** Everything a script may change: LDAP objects, join status, services, host files. */
  snapshot(): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else files[relative(this.root, full)] = readFileSync(full, 'utf8');
      }
    };
    for (const dir of [
      'ldap',
      'usr/share/univention-management-console',
      'usr/share/univention-management-console-frontend',
      'usr/lib/python3',
      'var',
    ]) {
      if (existsSync(join(this.root, dir))) walk(join(this.root, dir));
    }
    for (const file of ['status', 'services']) files[file] = readFileSync(join(this.root, file), 'utf8');
    return files;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private lines(file: string): string[] {
    return readFileSync(join(this.root, file), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  private write(file: string, text: string, mode = 0o644): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    chmodSync(file, mode);
  }
}
