# shellcheck shell=bash
# Helpers for install.sh and stop.sh (sourced, not run).
# sync_plugin and start_server use install.sh's PHP (command array), WWW and SITE.

die() { echo "${0##*/}: $*" >&2; exit 1; }

# Prints how long the previous stage took, then names the next one.
_STAGE_NAME=""
_STAGE_START=0
_TOTAL_START=$(date +%s.%N)
stage() {
  stage_done_one
  _STAGE_NAME=$1
  _STAGE_START=$(date +%s.%N)
  echo "== $1"
}
stage_done_one() {
  [[ -n $_STAGE_NAME ]] || return 0
  awk -v n="$_STAGE_NAME" -v a="$_STAGE_START" -v b="$(date +%s.%N)" 'BEGIN { printf "   %s: %.1fs\n", n, b - a }'
}
stage_done() {
  stage_done_one
  _STAGE_NAME=""
  awk -v a="$_TOTAL_START" -v b="$(date +%s.%N)" 'BEGIN { printf "== total: %.1fs\n", b - a }'
}

# apt-get only when something is missing, so a warm run costs no apt time.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || { echo "all packages present"; return 0; }
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

as_postgres() { (cd / && PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- "$@"); }

psql_admin() {
  local port=$1; shift
  as_postgres psql -p "$port" -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}

# Starts the cluster without systemd and prints its port.
start_postgres() {
  local version=$1 cluster=$2 line
  line=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c')
  if [[ -z $line ]]; then
    pg_createcluster "$version" "$cluster" >&2
    line=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c')
  fi
  [[ $line == *online* ]] || pg_ctlcluster "$version" "$cluster" start >&2
  awk '{print $3}' <<<"$line"
}

ensure_db_role() {
  local port=$1 user=$2 pass=$3
  psql_admin "$port" -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
        CREATE ROLE $user LOGIN PASSWORD '$pass';
      END IF; END \$\$;"
}

database_exists() {
  [[ $(psql_admin "$1" -c "SELECT 1 FROM pg_database WHERE datname = '$2'") == 1 ]]
}

create_database() {
  local port=$1 name=$2 owner=$3
  as_postgres createdb -p "$port" -O "$owner" -E UTF8 -T template0 "$name"
}

drop_database() {
  psql_admin "$1" -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)"
}

# Kills the process group of the server we recorded, and nothing else.
stop_recorded_server() {
  local pidfile=$1 pid
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  rm -f "$pidfile"
  if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- ' -S 127.0.0.1:'; then
    kill -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    echo "stopped Moodle server (pid $pid)"
  fi
}

port_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null; }

# Copies the companion plugin into the site and upgrades when its files changed.
sync_plugin() {
  local src=$1 dest=$2 shafile=$3 sha
  sha=$(cd "$src" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
  if [[ -f $shafile && $(<"$shafile") == "$sha" && -d $dest ]]; then
    echo "local_rtcmlms unchanged"
    return 0
  fi
  rm -rf "$dest"
  cp -a "$src" "$dest"
  rm -f "$shafile"
  "${PHP[@]}" "$WWW/admin/cli/upgrade.php" --non-interactive >"$SITE/upgrade.log" 2>&1 \
    || { tail -40 "$SITE/upgrade.log" >&2; die "upgrade with local_rtcmlms failed (log: $SITE/upgrade.log)"; }
  echo "$sha" >"$shafile"
  echo "local_rtcmlms installed/upgraded"
}

# Starts PHP's built-in server in its own session (so it outlives this shell) and waits for it.
start_server() {
  local www=$1 port=$2 state=$3 pid
  port_answers "$port" && die "port $port is taken by a process this script did not start; set RTCM_MOODLE_PORT"
  PHP_CLI_SERVER_WORKERS=4 setsid "${PHP[@]}" -d upload_max_filesize=256M -d post_max_size=256M \
    -S "127.0.0.1:$port" -t "$www" >"$state/server.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$state/server.pid"
  for _ in $(seq 100); do
    if curl -s -o /dev/null --max-time 5 -w '%{http_code}' "http://127.0.0.1:$port/login/index.php" | grep -q 200; then
      echo "server pid $pid answers on port $port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$state/server.log" >&2; die "server exited"; }
    sleep 0.2
  done
  die "server did not answer within 20s (log: $state/server.log)"
}

# Writes KEY=VALUE lines readable by both bash (source) and the pytest fixture; owner-only.
write_state() {
  local file=$1; shift
  (umask 077 && printf '%s\n' "$@" >"$file.tmp")
  mv "$file.tmp" "$file"
}
