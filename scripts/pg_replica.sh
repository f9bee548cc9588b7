#!/usr/bin/env bash
# A streaming replica of the PostgreSQL on 127.0.0.1:5432, on this machine, for the test run
# and the replica benchmark: `scripts/pg_replica.sh [start|stop|status]`.
#
# start: a second cluster on REPLICA_PORT (5433) made by pg_basebackup into REPLICA_DIR,
#   run by pg_ctl as the postgres user, streaming from the primary. Idempotent: a standby
#   already answering on the port is reused; one whose folder is left from before is
#   started again; one that cannot start is made anew. The primary's pg_hba.conf gets a
#   `host replication all 127.0.0.1/32 trust` line first if it has none that allows
#   replication from 127.0.0.1 (then reloaded); wal_level must be replica or logical (the
#   default) and max_wal_senders above 0 (10 by default).
# Prints the replica's DATABASE_REPLICA_URL for DATABASE (default shaodian) on stdout.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/tmp/shaodian-pg-replica-$REPLICA_PORT}
DATABASE=${DATABASE:-shaodian}
action=${1:-start}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[[ -n "$bindir" ]] || { echo "pg_replica: PostgreSQL's server programs are not installed" >&2; exit 1; }
as_owner=()
if [[ $(id -u) == 0 ]]; then as_owner=(runuser -u postgres --); fi
psql_primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"; }
ctl() { "${as_owner[@]}" "$bindir/pg_ctl" -D "$REPLICA_DIR/data" -l "$REPLICA_DIR/server.log" "$@"; }
standby_up() {
  [[ $(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc \
       'SELECT pg_is_in_recovery()' 2>/dev/null) == t ]]
}
url() { echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/$DATABASE"; }

case "$action" in
  status) standby_up && { url; exit 0; } || { echo "pg_replica: no standby on $REPLICA_PORT" >&2; exit 1; } ;;
  stop)
    [[ -f "$REPLICA_DIR/data/postmaster.pid" ]] && ctl stop -m fast -w >/dev/null || true
    rm -rf "$REPLICA_DIR"; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

if standby_up; then url; exit 0; fi

# The primary must let 127.0.0.1 connect for replication (its pg_hba.conf, first line that
# matches wins: the new line goes first).
hba=$(psql_primary 'SHOW hba_file')
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
  sed -i '1i host replication all 127.0.0.1/32 trust  # shaodian: scripts/pg_replica.sh' "$hba"
  psql_primary 'SELECT pg_reload_conf()' >/dev/null
fi
[[ $(psql_primary 'SHOW wal_level') != minimal ]] || { echo "pg_replica: the primary's wal_level is minimal" >&2; exit 1; }

# Started, then waited for: a standby opens for reads once it has replayed to a consistent
# point and seen a snapshot of the primary's running transactions that is complete. A
# transaction on the primary with more than 64 subtransactions (savepoints) still open keeps
# that from coming, so on a busy shared primary this may take minutes (REPLICA_WAIT_SECONDS).
start_standby() {
  ctl start -W -o "-p $REPLICA_PORT -k $REPLICA_DIR -c listen_addresses=127.0.0.1" >/dev/null
  local deadline=$((SECONDS + ${REPLICA_WAIT_SECONDS:-600}))
  while ((SECONDS < deadline)); do
    standby_up && return 0
    ctl status >/dev/null 2>&1 || return 1  # the server stopped: its folder is no good
    sleep 0.5
  done
  echo "pg_replica: the standby on $REPLICA_PORT runs but accepts no connection yet" \
       "(a long transaction on the primary?); see $REPLICA_DIR/server.log" >&2
  exit 1
}

if [[ -f "$REPLICA_DIR/data/standby.signal" ]] && start_standby 2>/dev/null; then url; exit 0; fi

# Made anew: a base backup of the whole cluster (every database, those created later arrive
# by streaming), written with standby.signal and primary_conninfo (-R).
[[ -f "$REPLICA_DIR/data/postmaster.pid" ]] && ctl stop -m immediate -w >/dev/null 2>&1 || true
rm -rf "$REPLICA_DIR"
mkdir -p "$REPLICA_DIR"
[[ ${#as_owner[@]} == 0 ]] || chown postgres "$REPLICA_DIR"
"${as_owner[@]}" "$bindir/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
  -D "$REPLICA_DIR/data" -X stream -R --checkpoint=fast --no-sync
chmod 700 "$REPLICA_DIR/data"
# Debian keeps a cluster's postgresql.conf and pg_hba.conf in /etc, outside the data folder
# the backup copies: the standby gets small ones of its own (its settings from the primary's
# postgresql.auto.conf still apply, and -R wrote primary_conninfo there).
d="$REPLICA_DIR/data"
if [[ ! -f "$d/postgresql.conf" ]]; then
  { echo "hot_standby = on"; echo "shared_buffers = 64MB"; echo "fsync = off"
    # a hot standby needs these at least as high as its primary's
    for name in max_connections max_worker_processes max_wal_senders \
                max_prepared_transactions max_locks_per_transaction; do
      echo "$name = $(psql_primary "SHOW $name")"
    done; } > "$d/postgresql.conf"
fi
[[ -f "$d/pg_hba.conf" ]] || printf '%s\n' "local all all trust" \
  "host all all 127.0.0.1/32 trust" > "$d/pg_hba.conf"
[[ -f "$d/pg_ident.conf" ]] || : > "$d/pg_ident.conf"
[[ ${#as_owner[@]} == 0 ]] || chown postgres "$d/postgresql.conf" "$d/pg_hba.conf" "$d/pg_ident.conf"
start_standby || { echo "pg_replica: the standby did not start:" >&2; tail -n 30 "$REPLICA_DIR/server.log" >&2; exit 1; }
url
