#!/usr/bin/env bash
# Throwaway PostgreSQL and MariaDB servers on 127.0.0.1 for the Idem test suite.
#
#   databases.sh start [--no-install] [--state DIR] [postgresql] [mariadb]
#   databases.sh stop [--state DIR]      # DIR defaults to $IDEM_DATABASES_STATE
#   databases.sh status [--state DIR]
#
# `start` prints only `export NAME=value` lines on stdout, so that
# `eval "$(databases.sh start)"` works; everything else goes to stderr.
set -euo pipefail

WAIT_SECONDS=60
INSTALL=1
STATE=""

log() { printf 'databases.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Print an export line for eval; values are shell-quoted, empty stays empty.
emit() {
  if [[ -z "$2" ]]; then printf 'export %s=\n' "$1"; else printf 'export %s=%q\n' "$1" "$2"; fi
}

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

install_pkg() { # install_pkg PACKAGE: apt-get install, only as root and if allowed
  [[ "$INSTALL" == 1 && "$EUID" == 0 ]] || return 1
  log "installing $1 with apt-get (output below)"
  apt-get -q -o DPkg::Lock::Timeout=600 update >&2
  DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 install "$1" >&2
}

# Remember a key=value for a database in the state dir (sourced by stop).
record() { printf '%s=%q\n' "$2" "$3" >>"$STATE/$1.env"; }

# Is PID alive and a server for data directory DIR? (guards against pid reuse)
owns() { [[ -n "$1" && -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"; }

# Does PID still exist (and is not a zombie)? Used while waiting for an exit.
alive() { local s; s="$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | cut -c1)"; [[ -n "$s" && "$s" != Z ]]; }

# Wait (bounded) until PID has exited; SIGKILL it if it does not. Never fails.
wait_exit() {
  local i
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do alive "$1" || return 0; sleep 0.5; done
  log "pid $1 did not exit, killing it"; kill -KILL "$1" 2>/dev/null || true
}

# Remove a data dir, but only one of ours under /tmp.
remove_dir() { [[ "$1" == /tmp/idem-* && -d "$1" ]] && rm -rf -- "$1"; return 0; }

# ---------------------------------------------------------------- PostgreSQL
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }

# PostgreSQL refuses to run as root: use the `postgres` OS user then.
as_pg() { if [[ "$EUID" == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

start_postgresql() {
  local bin dir port pid
  bin="$(pg_bin)"
  if [[ -z "$bin" ]]; then
    install_pkg postgresql || die "PostgreSQL not found; install it: apt-get install postgresql"
    bin="$(pg_bin)"
  fi
  dir="$(mktemp -d /tmp/idem-pg.XXXXXX)"
  record postgresql DIR "$dir"      # recorded first, so a failed start is cleaned up
  [[ "$EUID" == 0 ]] && chown postgres: "$dir"
  port="$(free_port)"
  record postgresql PORT "$port"
  record postgresql BIN "$bin"
  log "PostgreSQL ($bin): initdb in $dir"
  as_pg "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C >"$STATE/postgresql-initdb.log" 2>&1 \
    || { tail -n 20 "$STATE/postgresql-initdb.log" >&2; die "initdb failed"; }
  # Test server: loopback only, socket in the data dir, durability off for speed.
  cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF
  log "PostgreSQL: starting on 127.0.0.1:$port"
  if ! as_pg "$bin/pg_ctl" start -D "$dir" -l "$dir/server.log" -w -t "$WAIT_SECONDS" \
      </dev/null >/dev/null 2>&1; then
    tail -n 30 "$dir/server.log" >&2 || true
    die "PostgreSQL did not accept connections within ${WAIT_SECONDS}s (log above: $dir/server.log)"
  fi
  pid="$(head -n 1 "$dir/postmaster.pid")"
  record postgresql PID "$pid"
  log "PostgreSQL: $(PGCONNECT_TIMEOUT=10 psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc 'SELECT version()')"
  EXPORTS+=("IDEM_POSTGRESQL_URL=jdbc:postgresql://127.0.0.1:$port/postgres"
            "IDEM_POSTGRESQL_USER=postgres" "IDEM_POSTGRESQL_PASSWORD=")
}

stop_postgresql() { # runs in a subshell with the state file sourced
  local DIR="" PID="" BIN=""; source "$STATE/postgresql.env"
  if owns "$PID" "$DIR"; then
    log "PostgreSQL: stopping pid $PID ($DIR)"
    as_pg "$BIN/pg_ctl" stop -D "$DIR" -m fast -w -t "$WAIT_SECONDS" </dev/null >&2 2>&1 || true
    wait_exit "$PID"
  fi
  remove_dir "$DIR"
}

# ------------------------------------------------------------------- MariaDB
mariadbd_bin() { command -v mariadbd || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; } || true; }

# Run the mariadb client as root over the server's unix socket.
mdb_socket() { mariadb --no-defaults --socket="$1/sock" -uroot "${@:2}"; }

start_mariadb() {
  local bin dir port pid i
  bin="$(mariadbd_bin)"
  if [[ -z "$bin" ]]; then
    install_pkg mariadb-server || die "mariadbd not found; install it: sudo apt-get install mariadb-server"
    bin="$(mariadbd_bin)"
    [[ -n "$bin" ]] || die "mariadbd still not found after installing mariadb-server"
  fi
  dir="$(mktemp -d /tmp/idem-mariadb.XXXXXX)"
  record mariadb DIR "$dir"
  port="$(free_port)"
  record mariadb PORT "$port"
  log "MariaDB ($bin): mariadb-install-db in $dir"
  mariadb-install-db --no-defaults --datadir="$dir" --user="$(id -un)" --auth-root-authentication-method=normal \
    --skip-test-db >"$STATE/mariadb-install-db.log" 2>&1 \
    || { tail -n 20 "$STATE/mariadb-install-db.log" >&2; die "mariadb-install-db failed"; }
  log "MariaDB: starting on 127.0.0.1:$port"
  # setsid: the server outlives this script and ignores the caller's Ctrl-C.
  # </dev/null and log files: it must not hold the caller's $(...) pipe open.
  setsid "$bin" --no-defaults --datadir="$dir" --user="$(id -un)" --port="$port" --bind-address=127.0.0.1 \
    --socket="$dir/sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
    --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=256M --max-connections=300 \
    --skip-name-resolve --character-set-server=utf8mb4 </dev/null >>"$dir/stdout.log" 2>&1 &
  pid=$!
  record mariadb PID "$pid"
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
    mariadb-admin --no-defaults -h127.0.0.1 -P"$port" -uroot --connect-timeout=2 ping >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { i=$((WAIT_SECONDS * 2)); log "MariaDB: mariadbd exited"; }
    sleep 0.5
  done
  if ((i >= WAIT_SECONDS * 2)); then
    tail -n 30 "$dir/stdout.log" "$dir/error.log" >&2 2>/dev/null || true
    die "MariaDB did not accept connections on port $port (exited, or no answer within ${WAIT_SECONDS}s; log above)"
  fi
  # install-db (normal auth) creates root@{localhost,<hostname>,127.0.0.1,::1} without
  # password plus anonymous ''@localhost/''@<hostname>: drop those, ensure root@127.0.0.1.
  mdb_socket "$dir" -N -e "SELECT CONCAT('DROP USER ''''@''', host, ''';') FROM mysql.user WHERE user=''" \
    | mdb_socket "$dir"
  mdb_socket "$dir" -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
  log "MariaDB: $(mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -N -e 'SELECT VERSION()' mysql)"
  EXPORTS+=("IDEM_MARIADB_URL=jdbc:mysql://127.0.0.1:$port/mysql"
            "IDEM_MARIADB_USER=root" "IDEM_MARIADB_PASSWORD=")
}

stop_mariadb() { # runs in a subshell with the state file sourced
  local DIR="" PID=""; source "$STATE/mariadb.env"
  if owns "$PID" "$DIR"; then
    log "MariaDB: stopping pid $PID ($DIR)"
    mariadb-admin --no-defaults --socket="$DIR/sock" -uroot --connect-timeout=5 shutdown >/dev/null 2>&1 \
      || kill -TERM "$PID" 2>/dev/null || true
    wait_exit "$PID"
  fi
  remove_dir "$DIR"
}

# ------------------------------------------------------------------ commands
cmd_stop() {
  [[ -n "$STATE" ]] || { log "no --state DIR and IDEM_DATABASES_STATE unset: nothing to stop"; return 0; }
  [[ -d "$STATE" ]] || { log "state dir $STATE is gone: nothing to stop"; return 0; }
  local db
  for db in postgresql mariadb; do
    [[ -f "$STATE/$db.env" ]] || continue
    ( stop_"$db" ) || log "WARNING: stopping $db failed"
    rm -f -- "$STATE/$db.env" "$STATE/$db"-*.log
  done
  rmdir -- "$STATE" 2>/dev/null || log "state dir $STATE not empty, left in place"
  return 0
}

cmd_status() {
  [[ -n "$STATE" && -d "$STATE" ]] || { log "no state dir: nothing runs"; return 0; }
  local db
  for db in postgresql mariadb; do
    [[ -f "$STATE/$db.env" ]] || continue
    ( DIR="" PORT="" PID=""; source "$STATE/$db.env"
      if owns "$PID" "$DIR"; then state=running; else state=stopped; fi
      echo "$db: $state pid=$PID port=$PORT datadir=$DIR" )
  done
}

cmd_start() {
  local dbs=("$@") db
  ((${#dbs[@]})) || dbs=(postgresql mariadb)
  for db in "${dbs[@]}"; do
    [[ "$db" == postgresql || "$db" == mariadb ]] || die "unknown database '$db' (postgresql, mariadb)"
  done
  if [[ -n "$STATE" ]]; then mkdir -p -- "$STATE"; else STATE="$(mktemp -d /tmp/idem-databases.XXXXXX)"; fi
  STATE="$(cd -- "$STATE" && pwd)"
  for db in "${dbs[@]}"; do
    [[ ! -e "$STATE/$db.env" ]] || die "$db already started with state dir $STATE; stop it first"
  done
  EXPORTS=()
  # If anything below fails, stop what was already started.
  trap 'rc=$?; if ((rc)); then log "start failed, cleaning up"; cmd_stop; fi' EXIT
  for db in "${dbs[@]}"; do start_"$db"; done
  trap - EXIT
  local kv
  for kv in "${EXPORTS[@]}" "IDEM_DATABASES_STATE=$STATE"; do emit "${kv%%=*}" "${kv#*=}"; done
  log "started; stop with: $0 stop --state $STATE"
}

main() {
  local cmd="${1:-}" args=()
  [[ $# -gt 0 ]] && shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-install) INSTALL=0 ;;
      --state) [[ $# -ge 2 ]] || die "--state needs a directory"; STATE="$2"; shift ;;
      --state=*) STATE="${1#--state=}" ;;
      -*) die "unknown option $1" ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  case "$cmd" in
    start) cmd_start "${args[@]+"${args[@]}"}" ;;
    stop) STATE="${STATE:-${IDEM_DATABASES_STATE:-}}"; cmd_stop ;;
    status) STATE="${STATE:-${IDEM_DATABASES_STATE:-}}"; cmd_status ;;
    *) die "usage: $0 start [--no-install] [--state DIR] [postgresql] [mariadb] | stop [--state DIR] | status [--state DIR]" ;;
  esac
}

main "$@"
