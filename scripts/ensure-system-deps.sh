#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when they are missing:
# slapd + ldap-utils (the real OpenLDAP test directory), openssl (throwaway test CA),
# chromium (browser tests), shellcheck (App Center script checks), python3 (UMC backend test),
# buildah + debootstrap (the image rehearsal builds the Dockerfile without a Docker daemon).
# Usage: scripts/ensure-system-deps.sh [--no-browser]
set -euo pipefail

want_browser=1
[ "${1:-}" = "--no-browser" ] && want_browser=0

missing=()
need() { # need <command> <package>
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || missing+=("$2")
}
need slapd slapd
need slapadd slapd
need ldapsearch ldap-utils
need openssl openssl
need shellcheck shellcheck
need python3 python3
need buildah buildah
need debootstrap debootstrap
[ "$want_browser" = 1 ] && need chromium chromium
[ -f /usr/lib/ldap/back_mdb.so ] || missing+=(slapd)
[ -f /usr/lib/ldap/syncprov.so ] || missing+=(slapd)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "Installing missing system packages: ${packages[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "error: missing packages (${packages[*]}) and not root; install them with apt-get" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# The package starts a system slapd on port 389; the tests run their own on random ports.
if printf '%s\n' "${packages[@]}" | grep -qx slapd; then
  "${sudo_cmd[@]}" service slapd stop >/dev/null 2>&1 || true
fi
