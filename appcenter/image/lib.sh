# Shared by the container-side App Center scripts (sourced, not run).
# shellcheck shell=sh disable=SC2034  # the constants are used by the scripts that source this file

APP_ID=pascom-connector
APP_DIR=/var/lib/univention-appcenter/apps/pascom-connector
DATA_DIR="$APP_DIR/data"
CONF_DIR="$APP_DIR/conf"
STATE_DB="$DATA_DIR/state.sqlite"
IMAGE_DIR=/app/appcenter/image

# The App Center passes "--error-file FILE" to every container script; what is written there is
# shown to the administrator when the script fails (docs/appcenter-rules.md FILE-04/FILE-05).
error_file_from_args () {
	while [ "$#" -gt 0 ]; do
		if [ "$1" = "--error-file" ] && [ "$#" -gt 1 ]; then
			printf '%s' "$2"
			return 0
		fi
		shift
	done
}

# fail ERROR_FILE MESSAGE: tell the administrator (error file and stderr), then exit 1.
fail () {
	if [ -n "$1" ]; then
		printf '%s\n' "$2" >>"$1" || true
	fi
	printf '%s: %s\n' "$APP_ID" "$2" >&2
	exit 1
}
