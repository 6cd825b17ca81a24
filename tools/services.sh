#!/usr/bin/env bash
# Starts or stops the membership stores the cluster tests use, on loopback:
#   tools/services.sh start postgres  Debian's PostgreSQL cluster (the first pg_lsclusters lists),
#                                     with a role and database for the tests; prints the Npgsql
#                                     connection string
#   tools/services.sh start redis     a private redis-server on 127.0.0.1:6390 (no persistence);
#                                     prints its address
#   tools/services.sh stop postgres|redis
# Exit 0 when the store runs. Run as root (PostgreSQL's role and database are made as postgres).
set -euo pipefail
role=qd_test
redis_port=6390
redis_pid=/tmp/qd-test-redis.pid

start_postgres() {
  local cluster port
  cluster="$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 {print $1 " " $2}')"
  if [ -z "$cluster" ]; then
    echo "services: no PostgreSQL cluster (install Debian's postgresql package)" >&2
    return 2
  fi
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster status >/dev/null 2>&1 || pg_ctlcluster $cluster start >&2
  port="$(pg_lsclusters --no-header | awk 'NR == 1 {print $3}')"
  for _ in $(seq 1 30); do
    runuser -u postgres -- psql -p "$port" -qAtc "select 1" >/dev/null 2>&1 && break
    sleep 1
  done
  runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN PASSWORD '$role';
  END IF;
END \$\$;
SQL
  if ! runuser -u postgres -- psql -p "$port" -qAtc "select 1 from pg_database where datname = '$role'" | grep -q 1; then
    runuser -u postgres -- createdb -p "$port" -O "$role" "$role"
  fi
  echo "Host=127.0.0.1;Port=$port;Username=$role;Password=$role;Database=$role"
}

stop_postgres() {
  local cluster
  cluster="$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 {print $1 " " $2}')"
  # shellcheck disable=SC2086
  [ -n "$cluster" ] && pg_ctlcluster $cluster stop >&2 || true
}

start_redis() {
  command -v redis-server >/dev/null || { echo "services: redis-server is not installed" >&2; return 2; }
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --pidfile "$redis_pid" --logfile /tmp/qd-test-redis.log >&2
    for _ in $(seq 1 30); do
      redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
      sleep 0.2
    done
  fi
  redis-cli -p "$redis_port" ping >/dev/null
  echo "127.0.0.1:$redis_port"
}

stop_redis() {
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-}:${2:-}" in
  start:postgres) start_postgres ;;
  stop:postgres) stop_postgres ;;
  start:redis) start_redis ;;
  stop:redis) stop_redis ;;
  *)
    echo "usage: tools/services.sh start|stop postgres|redis" >&2
    exit 2
    ;;
esac
