#!/usr/bin/env bash
# Starts or stops the membership store the cluster tests use, on loopback: Debian's PostgreSQL
# cluster (the first one pg_lsclusters lists) with a role and a database for the tests.
#   tools/services.sh start   prints the Npgsql connection string; exit 0 when PostgreSQL runs
#   tools/services.sh stop    stops PostgreSQL
# Run as root (it switches to the postgres user for the role and database).
set -euo pipefail
role=qd_test
cluster="$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 {print $1 " " $2}')"
if [ -z "$cluster" ]; then
  echo "services: no PostgreSQL cluster (install Debian's postgresql package)" >&2
  exit 2
fi
as_postgres() { runuser -u postgres -- "$@"; }
case "${1:-}" in
  start)
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster status >/dev/null 2>&1 || pg_ctlcluster $cluster start >&2
    port="$(pg_lsclusters --no-header | awk 'NR == 1 {print $3}')"
    for _ in $(seq 1 30); do
      as_postgres psql -p "$port" -qAtc "select 1" >/dev/null 2>&1 && break
      sleep 1
    done
    as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qAt >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN PASSWORD '$role';
  END IF;
END \$\$;
SQL
    if ! as_postgres psql -p "$port" -qAtc "select 1 from pg_database where datname = '$role'" | grep -q 1; then
      as_postgres createdb -p "$port" -O "$role" "$role"
    fi
    echo "Host=127.0.0.1;Port=$port;Username=$role;Password=$role;Database=$role"
    ;;
  stop)
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster stop >&2 || true
    ;;
  *)
    echo "usage: tools/services.sh start|stop" >&2
    exit 2
    ;;
esac
