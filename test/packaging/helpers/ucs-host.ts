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
export const BIND_ARGS = ['--binddn', `uid=Administrator,cn=users,${LDAP_BASE}`, '--bindpwdfile', '/tmp/join.pwd'];
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
joinscript_container_is_running () { [ -z "\${FAKE_CONTAINER_STOPPED:-}" ]; }
joinscript_container_file () { record joinscript_container_file "$@"; joinscript_container_is_running || die; printf '%s%s\\n' "$R/container" "$1"; }
joinscript_run_in_container () { record joinscript_run_in_container "$@"; joinscript_container_is_running || die; }
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
    this.write(join(bin, 'univention-app'), RECORDER_STUB('univention-app', 'UNIVENTION_APP_EXIT'), 0o755);
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
      env: { PATH: `${join(this.root, 'bin')}:${process.env['PATH'] ?? ''}`, UCS_STUB_ROOT: this.root, ...env },
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
