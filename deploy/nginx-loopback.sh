#!/usr/bin/env bash
# Start nginx on loopback with the committed deploy/nginx.conf, unprivileged
# paths and test ports substituted (used by .ci/run and for local checks):
#
#   deploy/nginx-loopback.sh LISTEN_PORT UPSTREAM_PORT STATIC_DIR WORK_DIR
#
# Writes WORK_DIR/nginx.pid; stop it with: kill "$(cat WORK_DIR/nginx.pid)".
set -euo pipefail
listen_port=$1 upstream_port=$2 static_dir=$3 work=$4
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work/tmp"
# nginx's workers (nobody, when started as root) write request bodies under
# $work/tmp: they must be able to reach it.
chmod a+rx "$work"
sed -e "s|listen 80;|listen 127.0.0.1:${listen_port};|" \
    -e "s|server 127.0.0.1:8000;|server 127.0.0.1:${upstream_port};|" \
    -e "s|/srv/mylittlehero/staticfiles/|${static_dir%/}/|" \
    "$here/nginx.conf" > "$work/site.conf"
# The substitutions must all have happened: the test runs the real file.
grep -q "listen 127.0.0.1:${listen_port};" "$work/site.conf"
grep -q "server 127.0.0.1:${upstream_port};" "$work/site.conf"
mime=/etc/nginx/mime.types
cat > "$work/main.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
    include $mime;
    access_log $work/access.log;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    include $work/site.conf;
}
CONF
nginx -t -q -c "$work/main.conf" -p "$work"
nginx -c "$work/main.conf" -p "$work"
for _ in $(seq 50); do [ -s "$work/nginx.pid" ] && break; sleep 0.1; done
cat "$work/nginx.pid"
