#!/usr/bin/env bash
# Starts what the full test suite needs besides SQLite, if it is installed
# but stopped: PostgreSQL on 127.0.0.1:5432 (user `postgres`, trust auth)
# and Redis on 127.0.0.1:6379. Waits until both answer, and drops the
# databases earlier test runs left behind. Called by scripts/test.sh; run
# it yourself before `cargo test` with TEST_DATABASE_URL and TEST_REDIS_URL
# set to run the PostgreSQL, Redis and two-node tests outside it.
source "$(dirname "$0")/common.sh"

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

step "PostgreSQL and Redis"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break
    sleep 1
done
# Databases left by earlier test runs (FORCE: a run that was killed can
# leave a test process holding connections to them).
psql "$TEST_DATABASE_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'mealstream_test_%'" \
    | while read -r db; do psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null; done
