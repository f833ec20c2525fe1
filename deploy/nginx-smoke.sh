#!/usr/bin/env bash
# Runs deploy/nginx.conf, unmodified, in front of two local replicas of the production build, the
# way docker-compose.yml does, and checks that nginx spreads requests over both, that a staff
# sign-in (form posts under the same-origin check) works through it, that it keeps answering
# after one replica is killed, that a 5 MiB upload is not refused by nginx, and that the replicas
# (TRUST_PROXY=1) take the client address from nginx and not from the client.
#
# Without Docker: a private mount namespace gets an /etc/hosts in which `app` (the compose
# service name) has two loopback addresses, and each replica listens on port 3000 of one of them.
# Needs root, nginx (apt-get install nginx), curl, psql, a PostgreSQL server (PG_ADMIN_URL) and
# the build (npx remix build). Creates and drops its own database. Listens on port 80.
set -euo pipefail
cd "$(dirname "$0")/.."
admin=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="onewindow_nginx_$$"
url="${admin%/*}/$db"
work=$(mktemp -d)
chmod 755 "$work"
pids=()

cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$work"/*.log >&2 || true; exit 1; }

[ -f build/index.js ] || fail "no build: run npx remix build"
psql "$admin" -qc "CREATE DATABASE $db"

# Two replicas started together on the empty database, as compose starts them, with one data key.
keys="smoke:$(head -c 32 /dev/urandom | base64)"
for ip in 127.0.0.2 127.0.0.3; do
  HOST=$ip PORT=3000 NODE_ENV=production DATABASE_URL="$url" SESSION_SECRET=nginx-smoke DATA_ENCRYPTION_KEYS="$keys" DOCUMENT_SIGNING_KEYS="$keys" MOCKS=true TRUST_PROXY=1 \
    OUTBOX_WORKER=off SEED_DEMO=true UPLOAD_DIR="$work/uploads" \
    node --import tsx server/index.ts >"$work/replica-$ip.log" 2>&1 &
  pids+=($!)
done
for ip in 127.0.0.2 127.0.0.3; do
  for _ in $(seq 1 120); do curl -fs "http://$ip:3000/healthz" >/dev/null && break; sleep 0.5; done
  curl -fs "http://$ip:3000/healthz" >/dev/null || fail "replica $ip did not start"
done
echo "replicas up on 127.0.0.2:3000 and 127.0.0.3:3000"

printf '127.0.0.1 localhost\n127.0.0.2 app\n127.0.0.3 app\n' >"$work/hosts"
mkdir -m 777 "$work/tmp"
# What the nginx image's own nginx.conf provides around conf.d/*.conf, plus a log of which replica answered.
cat >"$work/nginx.conf" <<EOF
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events {}
http {
  log_format replica '\$request_method \$uri \$status \$upstream_addr';
  access_log $work/nginx-access.log replica;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  include $PWD/deploy/nginx.conf;
}
EOF
unshare -m sh -c "mount --bind '$work/hosts' /etc/hosts && nginx -t -c '$work/nginx.conf' && nginx -c '$work/nginx.conf'"

# As the browser sees it behind compose's port mapping: http://localhost:3000.
base=http://127.0.0.1:80
hdr=(-H 'Host: localhost:3000')
origin=(-H 'Origin: http://localhost:3000')
code() { curl -s -o /dev/null -w '%{http_code}' "${hdr[@]}" "$@"; }

for _ in $(seq 1 20); do [ "$(code "$base/services")" = 200 ] || fail "GET /services"; done
replicas=$(grep -c . <(awk '$2 == "/services" {print $4}' "$work/nginx-access.log" | sort -u))
[ "$replicas" = 2 ] || fail "20 requests reached $replicas replica(s), expected both"
echo "20 x GET /services: 200, spread over both replicas ($(awk '$2 == "/services" {print $4}' "$work/nginx-access.log" | sort | uniq -c | xargs))"

# Staff sign-in through nginx: password, then the demo clerk's current code.
jar="$work/cookies"
[ "$(code -c "$jar" "${origin[@]}" --data 'identifier=010001&password=onewindow-demo' "$base/login")" = 302 ] || fail "password step through nginx"
totp=$(npx tsx scripts/totp.ts 010001 | cut -d' ' -f1)
[ "$(code -b "$jar" -c "$jar" "${origin[@]}" --data "code=$totp" "$base/login/totp")" = 302 ] || fail "code step through nginx"
for _ in $(seq 1 6); do [ "$(code -b "$jar" "$base/desk")" = 200 ] || fail "GET /desk signed in"; done
echo "staff sign-in through nginx (password + code): ok; 6 x GET /desk: 200"

# One replica dies without warning; nginx must keep answering from the other.
kill -9 "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
before=$(wc -l <"$work/nginx-access.log")
for _ in $(seq 1 20); do [ "$(code -b "$jar" "$base/desk")" = 200 ] || fail "GET /desk after killing a replica"; done
take=$(code -b "$jar" "${origin[@]}" --data 'intent=takeNext' "$base/desk")
[ "$take" = 302 ] || fail "take next after killing a replica: $take"
after=$(tail -n +"$((before + 1))" "$work/nginx-access.log" | awk '{print $4}' | sort | uniq -c | xargs)
echo "replica 127.0.0.2 killed (SIGKILL); 20 x GET /desk: 200 and take next: 302 (upstreams: $after)"

big="$work/big.bin"
head -c $((5 * 1024 * 1024)) /dev/zero >"$big"
# To an upload page: every other page refuses more than 64 KiB itself (server/body-limit.ts).
status=$(code -b "$jar" "${origin[@]}" -H 'Content-Type: application/octet-stream' --data-binary @"$big" "$base/services/hukou-migration/apply")
[ "$status" != 413 ] || fail "a 5 MiB body to an upload page was refused"
echo "5 MiB POST to an upload page passed nginx (the app answered $status: the clerk files nothing)"

# TRUST_PROXY=1: the app believes nginx's X-Forwarded-For and nothing a client adds to it. Made-up
# addresses on every attempt still count as this client's (127.0.0.1) against the per-address
# sign-in limit of 10 a minute, while a client at another address is counted on its own.
limited=0
for i in $(seq 1 11); do
  s=$(code "${origin[@]}" -H "X-Forwarded-For: 198.51.100.$i" --data "identifier=1390000$(printf %04d "$i")&password=wrong-password" "$base/login")
  [ "$s" = 429 ] && limited=$((limited + 1))
done
[ "$limited" -ge 1 ] || fail "11 failed sign-ins, each with a made-up X-Forwarded-For, were never limited"
other=$(code --interface 127.0.0.9 "${origin[@]}" --data 'identifier=13900009999&password=wrong-password' "$base/login")
[ "$other" = 401 ] || fail "a sign-in from another address was answered $other, expected 401 (its own limit)"
echo "per-address sign-in limit through nginx: made-up X-Forwarded-For ignored ($limited of 11 refused), another address counted apart"
echo "nginx smoke: ok"
