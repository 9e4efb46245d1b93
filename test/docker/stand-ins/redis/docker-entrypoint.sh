#!/bin/sh
# The official redis image's start, in short: options alone mean `redis-server <options>`; as root, hand
# the data folder to `redis` and run again as that user. The official binary is built with protected mode
# off (the container's network is the fence), Debian's is not: turn it off unless the arguments say.
set -eu
case "${1:-}" in -*) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . ! -user redis -exec chown redis:redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "${1:-}" = redis-server ]; then
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
fi
umask 0077
exec "$@"
