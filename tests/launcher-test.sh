#!/usr/bin/env bash
# tests/launcher-test.sh — the README's first command, ./nagare start, as a user runs it (test.sh calls this after
# mvn verify has built the jar). Checks, each with an exact expectation:
#   - started through a relative path from another directory, with a relative server.properties
#     and an --override, the broker listens where the properties and the override say and answers kcat's
#     metadata request with the topic the properties make it create;
#   - the class-data archive is made once for the JVM and its options, and reused by the next start;
#   - SIGTERM stops it cleanly: the JVM's status for a signal-ended run (143, as for Kafka) after the broker
#     logged "Shut down cleanly".
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/nagare-launcher-test.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "launcher-test: FAIL: $*" >&2; [ -f "$work/broker.log" ] && tail -20 "$work/broker.log" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
mkdir -p "$work/conf" "$work/elsewhere"
cat > "$work/conf/server.properties" <<EOF
listeners=PLAINTEXT://127.0.0.1:1
log.dirs=$work/data
num.partitions=3
EOF

start() { # relative path to the script from $work/elsewhere
  (cd "$work/elsewhere" && exec "$(realpath --relative-to=. "$repo")/nagare" start ../conf/server.properties \
      --override "listeners=PLAINTEXT://127.0.0.1:$port" --override http.listeners=http://127.0.0.1:0 \
      >> "$work/broker.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 600); do
    : 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port" && return 0
    kill -0 "$pid" 2>/dev/null || fail "the broker exited before opening port $port"
    sleep 0.1
  done
  fail "port $port not open after 60 s"
}
stop() {
  local before; before=$(grep -c 'Shut down cleanly' "$work/broker.log" || true)
  kill -TERM "$pid"
  local rc=0; wait "$pid" || rc=$?
  pid=
  [ "$rc" = 143 ] || fail "exit status after SIGTERM was $rc, expected 143"
  [ "$(grep -c 'Shut down cleanly' "$work/broker.log")" = $((before + 1)) ] || fail "no clean shutdown logged after SIGTERM"
}

start
printf 'k1:v1\n' | kcat -b "127.0.0.1:$port" -P -t launched -K: 2>>"$work/kcat.log" || fail "kcat could not produce"
partitions=$(kcat -b "127.0.0.1:$port" -L -t launched 2>>"$work/kcat.log" | grep -c 'partition [0-9]*, leader 1' || true)
[ "$partitions" = 3 ] || fail "topic 'launched' has $partitions partitions, expected 3 (num.partitions from the relative properties file)"
archives=("$repo"/broker/target/nagare-broker-jdk*.jsa "$repo"/broker/target/nagare-broker-jdk*.aot)
archives=($(ls -1 "${archives[@]}" 2>/dev/null || true))
[ "${#archives[@]}" = 1 ] || fail "expected one class-data archive in broker/target, found ${#archives[@]}"
stamp=$(stat -c %Y.%s "${archives[0]}")
stop

start
got=$(kcat -b "127.0.0.1:$port" -C -t launched -o beginning -e -q -f '%k:%s\n' 2>>"$work/kcat.log" || true)
[ "$got" = "k1:v1" ] || fail "after a restart the topic holds '$got', expected 'k1:v1'"
[ "$(stat -c %Y.%s "${archives[0]}")" = "$stamp" ] || fail "the class-data archive was made again for an unchanged JVM and options"
stop
grep -q 'ERROR' "$work/broker.log" && fail "the broker logged an ERROR"
echo "launcher-test: ./nagare start from another directory, relative properties, archive reuse, clean SIGTERM: OK"
