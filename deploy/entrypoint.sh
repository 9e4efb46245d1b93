#!/bin/sh
# The web container's entrypoint (the seed's entrypoint.sh): wait for the database (bounded by
# DB_WAIT_TIMEOUT, default 30 s, then exit 1), apply migrations, collect static files, print the deploy
# checks, then exec the command so the server is the process that receives docker's SIGTERM.
# The same script runs outside Docker: KEEN="node /path/to/bin/keen.js" deploy/entrypoint.sh keen serve
set -eu

KEEN="${KEEN:-node /app/bin/keen.js}"

echo "entrypoint: waiting for the database"
$KEEN wait-for-db
echo "entrypoint: applying migrations"
$KEEN migrate
echo "entrypoint: collecting static files"
$KEEN collectstatic --noinput
echo "entrypoint: deployment checks"
# Warnings are printed and do not stop the start; errors (a broken configuration) do.
$KEEN check --deploy

if [ "$#" -eq 0 ]; then
  set -- $KEEN serve
elif [ "$1" = "keen" ]; then
  shift
  set -- $KEEN "$@"
fi
echo "entrypoint: starting: $*"
exec "$@"
