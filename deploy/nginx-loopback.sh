#!/usr/bin/env bash
# Start nginx on loopback with the committed deploy/nginx.conf (rendered by
# deploy/nginx-site.sh), TLS with a throw-away self-signed certificate made
# here for 127.0.0.1 and localhost, unprivileged paths and test ports (used
# by .ci/run and for local checks):
#
#   deploy/nginx-loopback.sh HTTP_PORT HTTPS_PORT UPSTREAM_PORT STATIC_DIR WORK_DIR
#
# Writes WORK_DIR/nginx.pid, WORK_DIR/cert.pem (trust it in clients) and
# WORK_DIR/access.log; stop it with: kill "$(cat WORK_DIR/nginx.pid)".
set -euo pipefail
http_port=$1 https_port=$2 upstream_port=$3 static_dir=$4 work=$5
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work/tmp"
# nginx's workers (nobody, when started as root) write request bodies under
# $work/tmp: they must be able to reach it.
chmod a+rx "$work"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
MLH_DOMAIN="127.0.0.1 localhost" MLH_TLS_CERT="$work/cert.pem" MLH_TLS_KEY="$work/key.pem" \
  MLH_HTTP_LISTEN="127.0.0.1:${http_port}" MLH_HTTPS_LISTEN="127.0.0.1:${https_port}" \
  MLH_APP_BIND="127.0.0.1:${upstream_port}" MLH_STATIC_DIR="$static_dir" \
  MLH_NGINX_ACCESS_LOG="$work/access.log" "$here/nginx-site.sh" > "$work/site.conf"
# The substitutions must all have happened: the test runs the real file.
! grep -q "@[A-Z_]*@" "$work/site.conf"
grep -q "listen 127.0.0.1:${https_port} ssl;" "$work/site.conf"
# Started as root, the workers would run as nobody, who may not reach a
# checkout in root's home: this throw-away loopback server keeps root.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat > "$work/main.conf" <<CONF
$user_line
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
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
