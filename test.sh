#!/usr/bin/env bash
# Installs what the tests need that Maven does not bring, then runs every test: mvn verify, then
# tests/launcher-test.sh (./nagare start as a user runs it).
#   Debian packages: kcat, python3-kafka (kafka-python), nodejs, npm, chromium and chromium-driver when missing
#   kafkajs from npm, into $NAGARE_NODE_PREFIX (default ~/.cache/nagare/node), where the tests look for it
#   Apache Kafka 4.1's jars for its CLI tools (from Maven Central, broker/src/test/kafka-tools/pom.xml)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

need_apt=()
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || need_apt+=(python3-kafka)  # Debian's python, not a pyenv one
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)             # ConsoleTest's headless browser
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)  # and the driver Selenium talks to
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >/dev/null
  $sudo_cmd apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

# Kafka's own tools (kafka-topics, console producer/consumer, DumpLogSegments …) run against Nagare in the tests;
# their jars come from Maven Central into a cache outside the tree.
export NAGARE_KAFKA_LIBS=${NAGARE_KAFKA_LIBS:-$HOME/.cache/nagare/kafka-4.1.0-libs}
if [ ! -f "$NAGARE_KAFKA_LIBS/.complete" ]; then
  echo "test.sh: fetching Apache Kafka 4.1.0 tool jars into $NAGARE_KAFKA_LIBS" >&2
  mkdir -p "$NAGARE_KAFKA_LIBS"
  mvn -q -B -f broker/src/test/kafka-tools/pom.xml dependency:copy-dependencies -DoutputDirectory="$NAGARE_KAFKA_LIBS"
  touch "$NAGARE_KAFKA_LIBS/.complete"
fi

# kafkajs for the consumer-group tests (GroupClient.KAFKAJS): one pinned version, installed again only when it changes.
kafkajs_version=2.2.4
export NAGARE_NODE_PREFIX=${NAGARE_NODE_PREFIX:-$HOME/.cache/nagare/node}
if [ "$(node -p "require('$NAGARE_NODE_PREFIX/node_modules/kafkajs/package.json').version" 2>/dev/null)" != "$kafkajs_version" ]; then
  echo "test.sh: installing kafkajs $kafkajs_version into $NAGARE_NODE_PREFIX" >&2
  mkdir -p "$NAGARE_NODE_PREFIX"
  npm install --prefix "$NAGARE_NODE_PREFIX" --no-audit --no-fund --loglevel=error "kafkajs@$kafkajs_version" >/dev/null
fi

mvn -B verify "$@"
# The README's first command as a user runs it, on the jar mvn verify just built.
tests/launcher-test.sh
