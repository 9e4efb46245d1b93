#!/bin/sh
# The web container's entrypoint (the seed's entrypoint.sh): wait for the database (bounded by
# DB_WAIT_TIMEOUT, default 30 s, then exit 1), apply migrations, collect static files, print the deploy
# checks, then exec the command so the server is the process that receives docker's SIGTERM.
# The same script runs outside Docker: KEEN="node /path/to/bin/keen.js" deploy/entrypoint.sh keen serve
set -eu

KEEN="${KEEN:-node /app/bin/keen.js}"

# As the container's PID 1 this shell gets docker's SIGTERM, and a shell ignores it while a command runs
# in the foreground: a `docker stop` during these steps would wait out the whole grace period. So each
# step runs in the background and the shell waits for it, which a trapped signal interrupts: the step
# is stopped and the script exits 143 at once.
step_pid=""
stop_step() {
  if [ -n "$step_pid" ]; then
    kill -TERM "$step_pid" 2>/dev/null || true
    wait "$step_pid" || true
  fi
  echo "entrypoint: stopped by a signal"
  exit 143
}
trap stop_step TERM INT
step() {
  "$@" &
  step_pid=$!
  status=0
  wait "$step_pid" || status=$?
  step_pid=""
  return "$status"
}

echo "entrypoint: waiting for the database"
step $KEEN wait-for-db
echo "entrypoint: applying migrations"
step $KEEN migrate
echo "entrypoint: collecting static files"
step $KEEN collectstatic --noinput
echo "entrypoint: deployment checks"
# Warnings are printed and do not stop the start; errors (a broken configuration) do.
step $KEEN check --deploy

if [ "$#" -eq 0 ]; then
  set -- $KEEN serve
elif [ "$1" = "keen" ]; then
  shift
  set -- $KEEN "$@"
fi
echo "entrypoint: starting: $*"
exec "$@"
