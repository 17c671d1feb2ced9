#!/bin/sh
# Fill deploy/nginx.conf's placeholders from the environment; prints the site
# configuration (nginx's http context) on stdout:
#
#   MLH_DOMAIN=mylittlehero.example MLH_TLS_CERT=... MLH_TLS_KEY=... \
#     deploy/nginx-site.sh > /etc/nginx/conf.d/mylittlehero.conf
#
# Variables (defaults in brackets): MLH_DOMAIN (required), MLH_TLS_CERT and
# MLH_TLS_KEY (required: PEM files), MLH_HTTP_LISTEN [80], MLH_HTTPS_LISTEN
# [443], MLH_HTTPS_PORT [the port of MLH_HTTPS_LISTEN], MLH_APP_BIND
# [127.0.0.1:8000], MLH_STATIC_DIR [$PWD/staticfiles], MLH_NGINX_ACCESS_LOG
# [/var/log/nginx/mylittlehero.access.log].
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
: "${MLH_DOMAIN:?set MLH_DOMAIN (the site host name)}"
: "${MLH_TLS_CERT:?set MLH_TLS_CERT (certificate chain, PEM)}"
: "${MLH_TLS_KEY:?set MLH_TLS_KEY (private key, PEM)}"
http_listen="${MLH_HTTP_LISTEN:-80}"
https_listen="${MLH_HTTPS_LISTEN:-443}"
https_port="${MLH_HTTPS_PORT:-${https_listen##*:}}"
suffix=""
[ "$https_port" = 443 ] || suffix=":$https_port"
static_dir="${MLH_STATIC_DIR:-$PWD/staticfiles}"
for value in "$MLH_DOMAIN" "$MLH_TLS_CERT" "$MLH_TLS_KEY" "$static_dir" \
             "${MLH_NGINX_ACCESS_LOG:-}" "$http_listen" "$https_listen" "${MLH_APP_BIND:-}"; do
  case "$value" in *[\|\;\{\}\"\']*) echo "nginx-site.sh: unsafe character in '$value'" >&2; exit 2;; esac
done
sed -e "s|@SERVER_NAME@|${MLH_DOMAIN}|g" \
    -e "s|@HTTP_LISTEN@|${http_listen}|g" \
    -e "s|@HTTPS_LISTEN@|${https_listen}|g" \
    -e "s|@HTTPS_SUFFIX@|${suffix}|g" \
    -e "s|@TLS_CERT@|${MLH_TLS_CERT}|g" \
    -e "s|@TLS_KEY@|${MLH_TLS_KEY}|g" \
    -e "s|@UPSTREAM@|${MLH_APP_BIND:-127.0.0.1:8000}|g" \
    -e "s|@STATIC_DIR@|${static_dir%/}|g" \
    -e "s|@ACCESS_LOG@|${MLH_NGINX_ACCESS_LOG:-/var/log/nginx/mylittlehero.access.log}|g" \
    "$here/nginx.conf"
