#!/usr/bin/env bash
# Installs (once per archive) and starts a throw-away Moodle 4.3 on 127.0.0.1 for the tests.
#
#   bash tests/moodle/install.sh           install if needed, configure, (re)start the server
#   bash tests/moodle/install.sh --reset   drop the site and database, then install afresh
#   bash tests/moodle/stop.sh              stop the server this script started
#
# Needs root on Debian 12. Env: RTCM_MOODLE_PORT (8765), RTCM_MOODLE_CACHE (/var/cache/rtcm-lms).
# RTCM_MOODLE_DB names the database (default: per archive), for a second site beside the first.
# Writes .moodle/site.env (URL, token, admin login, paths, PID) for the tests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCHIVE=${RTCM_MOODLE_ARCHIVE:-$REPO/../shared/moodle/moodle-4.3.0.tar.xz}
PORT=${RTCM_MOODLE_PORT:-8765}
CACHE_ROOT=${RTCM_MOODLE_CACHE:-/var/cache/rtcm-lms}
STATE_DIR=$REPO/.moodle
PLUGIN_SRC=$REPO/moodle/local_rtcmlms
PG_VERSION=15
PG_CLUSTER=main
# A local-only site on loopback: fixed credentials are fine and make the state reproducible.
DB_USER=rtcmlms
DB_PASS=rtcmlms-local-only
ADMIN_USER="admin"
ADMIN_PASS='Rtcm-admin-1'
PHP=(php -d max_input_vars=5000 -d memory_limit=512M)

source "$HERE/lib.sh"

RESET=0
case "${1:-}" in
  --reset) RESET=1 ;;
  "") ;;
  *) echo "usage: $0 [--reset]" >&2; exit 2 ;;
esac

[[ $(id -u) == 0 ]] || die "run as root (apt-get, PostgreSQL and /var/cache need it)"
[[ -f $ARCHIVE ]] || die "Moodle archive not found: $ARCHIVE"

stage "packages"
ensure_packages php8.2-cli php8.2-pgsql php8.2-xml php8.2-mbstring php8.2-curl php8.2-zip \
  php8.2-gd php8.2-intl php8.2-soap postgresql-15 curl xz-utils

# Stop our old server first: a reset or reinstall must not race a running site.
mkdir -p "$STATE_DIR"
stop_recorded_server "$STATE_DIR/server.pid"

stage "postgresql"
PG_PORT=$(start_postgres "$PG_VERSION" "$PG_CLUSTER")
ensure_db_role "$PG_PORT" "$DB_USER" "$DB_PASS"

SHA=$(sha256sum "$ARCHIVE" | cut -c1-12)
SITE=$CACHE_ROOT/$(basename "$ARCHIVE" .tar.xz)-$SHA
WWW=$SITE/www
DATA=$SITE/data
DB_NAME=${RTCM_MOODLE_DB:-rtcm_moodle_$SHA}
URL=http://127.0.0.1:$PORT

if ((RESET)); then
  stage "reset"
  drop_database "$PG_PORT" "$DB_NAME"
  rm -rf "$SITE"
fi

if [[ -f $SITE/installed && -f $WWW/config.php ]] && database_exists "$PG_PORT" "$DB_NAME"; then
  echo "site for archive $SHA is installed: $SITE"
else
  stage "extract"
  drop_database "$PG_PORT" "$DB_NAME"
  rm -rf "$SITE"
  mkdir -p "$SITE/www.tmp" "$DATA"
  tar -xJf "$ARCHIVE" -C "$SITE/www.tmp"
  mv "$SITE/www.tmp" "$WWW"

  stage "install (database)"
  create_database "$PG_PORT" "$DB_NAME" "$DB_USER"
  "${PHP[@]}" "$WWW/admin/cli/install.php" --non-interactive --agree-license \
    --lang=en --wwwroot="$URL" --dataroot="$DATA" \
    --dbtype=pgsql --dbhost=127.0.0.1 --dbport="$PG_PORT" --dbname="$DB_NAME" \
    --dbuser="$DB_USER" --dbpass="$DB_PASS" \
    --fullname="rtcm-lms test site" --shortname=rtcmtest \
    --adminuser="$ADMIN_USER" --adminpass="$ADMIN_PASS" --adminemail=admin@example.invalid \
    > "$SITE/install.log" 2>&1 || { tail -40 "$SITE/install.log" >&2; die "install.php failed (log: $SITE/install.log)"; }
  touch "$SITE/installed"
fi

# The port may differ from the one the site was installed with: wwwroot must match it.
sed -i "s#^\$CFG->wwwroot *=.*#\$CFG->wwwroot   = '$URL';#" "$WWW/config.php"

if [[ -d $PLUGIN_SRC ]]; then
  stage "plugin local_rtcmlms"
  sync_plugin "$PLUGIN_SRC" "$WWW/local/rtcmlms" "$SITE/plugin.sha256"
fi

stage "configure"
"${PHP[@]}" "$HERE/setup_site.php" "$WWW" "$STATE_DIR/token"
TOKEN=$(<"$STATE_DIR/token")

stage "server"
start_server "$WWW" "$PORT" "$STATE_DIR"
PID=$(<"$STATE_DIR/server.pid")

write_state "$STATE_DIR/site.env" \
  RTCM_MOODLE_URL="$URL" \
  RTCM_MOODLE_TOKEN="$TOKEN" \
  RTCM_MOODLE_SERVICE=rtcm_lms \
  RTCM_MOODLE_ADMIN_USER="$ADMIN_USER" \
  RTCM_MOODLE_ADMIN_PASSWORD="$ADMIN_PASS" \
  RTCM_MOODLE_DIR="$WWW" \
  RTCM_MOODLE_DATA="$DATA" \
  RTCM_MOODLE_DB="$DB_NAME" \
  RTCM_MOODLE_PID="$PID" \
  RTCM_MOODLE_LOG="$STATE_DIR/server.log"
rm -f "$STATE_DIR/token"

stage_done
echo "Moodle is up at $URL (pid $PID); state in $STATE_DIR/site.env"
