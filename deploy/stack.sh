#!/bin/sh
# The production stack on one machine (docs/operations.md#production):
# Redis (persistent), gunicorn on loopback, nginx with TLS in front.
#
#   deploy/stack.sh start    # Redis, checks, migrate, collectstatic, gunicorn, nginx
#   deploy/stack.sh reload   # new code or settings: gunicorn replaces its workers
#                            # gracefully, nginx re-reads its configuration
#   deploy/stack.sh stop     # nginx, gunicorn, then Redis (which writes its data)
#
# Run from the repository, as the user that owns it (root only to bind 80/443:
# nginx's workers then run as MLH_NGINX_USER). Every value comes from the
# environment; the recipe in docs/operations.md sets them. Pidfiles, nginx's
# own configuration and logs live in MLH_RUN_DIR.
set -eu
cd "$(dirname "$0")/.."

run="${MLH_RUN_DIR:-/run/mylittlehero}"
redis_port="${MLH_REDIS_PORT:-6379}"
redis_dir="${MLH_REDIS_DIR:-/var/lib/mylittlehero/redis}"
python="${MLH_PYTHON:-.venv/bin/python}"
gunicorn="${MLH_GUNICORN:-.venv/bin/gunicorn}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS COMMAND...: until COMMAND succeeds
  n=$(( $1 * 10 )); shift
  while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}

nginx_main() {
  # nginx's main configuration: this site only, its own pidfile and logs.
  user_line=""
  [ "$(id -u)" = 0 ] && user_line="user ${MLH_NGINX_USER:-www-data};"
  MLH_NGINX_ACCESS_LOG="${MLH_NGINX_ACCESS_LOG:-$run/nginx/access.log}" \
    MLH_APP_BIND="$GUNICORN_BIND" deploy/nginx-site.sh > "$run/nginx/site.conf"
  cat > "$run/nginx/main.conf" <<CONF
$user_line
worker_processes auto;
pid $run/nginx/nginx.pid;
error_log $run/nginx/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server_tokens off;
    sendfile on;
    client_body_temp_path $run/nginx/tmp/body;
    proxy_temp_path $run/nginx/tmp/proxy;
    fastcgi_temp_path $run/nginx/tmp/fastcgi;
    uwsgi_temp_path $run/nginx/tmp/uwsgi;
    scgi_temp_path $run/nginx/tmp/scgi;
    include $run/nginx/site.conf;
}
CONF
  nginx -t -q -c "$run/nginx/main.conf" -p "$run/nginx"
}

start() {
  mkdir -p "$run/nginx/tmp" "$redis_dir"
  chmod 711 "$run" "$run/nginx"  # nginx's workers spool request bodies below it
  # Redis with an append-only file: lockouts and rate limits survive a
  # restart of Redis, not only of the workers.
  if ! pid_alive "$run/redis.pid"; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --protected-mode yes \
      --dir "$redis_dir" --appendonly yes --save "" \
      --daemonize yes --pidfile "$run/redis.pid" --logfile "$run/redis.log"
    wait_for 10 redis-cli -p "$redis_port" ping >/dev/null
  fi
  export MLH_CACHE="${MLH_CACHE:-redis://127.0.0.1:$redis_port/0}"
  "$python" manage.py check --deploy --fail-level WARNING
  "$python" manage.py migrate --noinput
  "$python" manage.py collectstatic --noinput -v0
  if ! pid_alive "$run/gunicorn.pid"; then
    "$gunicorn" mylittlehero.wsgi --daemon --pid "$run/gunicorn.pid" \
      --error-logfile "$run/gunicorn.log" \
      --access-logfile "${GUNICORN_ACCESS_LOG:-$run/gunicorn-access.log}"
    wait_for 60 curl -fsS -o /dev/null -H "Host: ${MLH_DOMAIN:-localhost}" \
      -H "X-Forwarded-Proto: https" "http://$GUNICORN_BIND/healthz" \
      || { echo "gunicorn did not answer; see $run/gunicorn.log" >&2; exit 1; }
  fi
  nginx_main
  if pid_alive "$run/nginx/nginx.pid"; then
    nginx -c "$run/nginx/main.conf" -p "$run/nginx" -s reload
  else
    nginx -c "$run/nginx/main.conf" -p "$run/nginx"
    wait_for 10 pid_alive "$run/nginx/nginx.pid"
  fi
  echo "started: redis $(cat "$run/redis.pid"), gunicorn $(cat "$run/gunicorn.pid"), nginx $(cat "$run/nginx/nginx.pid")"
}

reload() {
  pid_alive "$run/gunicorn.pid" && kill -HUP "$(cat "$run/gunicorn.pid")"
  nginx_main
  nginx -c "$run/nginx/main.conf" -p "$run/nginx" -s reload
}

stop_pid() {  # stop_pid PIDFILE: TERM, then wait up to 30 s for it to exit
  pid_alive "$1" || return 0
  pid="$(cat "$1")"
  kill -TERM "$pid"
  wait_for 30 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid"
  rm -f "$1"
}

stop() {
  # nginx first (no new requests), gunicorn finishes the requests it has,
  # Redis last: on TERM it writes its append-only file and exits.
  stop_pid "$run/nginx/nginx.pid"
  stop_pid "$run/gunicorn.pid"
  stop_pid "$run/redis.pid"
}

case "${1:-}" in
  start) start ;;
  reload) reload ;;
  stop) stop ;;
  *) echo "usage: $0 start|reload|stop" >&2; exit 2 ;;
esac
