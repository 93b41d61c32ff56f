#!/usr/bin/env bash
# Installs what the tests need that Maven does not bring, then runs every test (mvn verify).
#   Debian packages: kcat, python3-kafka (kafka-python)
#   Apache Kafka 4.1's jars for its CLI tools (../shared/tools/peer-kafka/fetch.sh, from Maven Central)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

need_apt=()
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
python3 -c 'import kafka' >/dev/null 2>&1 || need_apt+=(python3-kafka)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >/dev/null
  $sudo_cmd apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

# Kafka's own tools (kafka-topics, console producer/consumer, DumpLogSegments …) run against Nagare in the tests.
peer="$here/../shared/tools/peer-kafka"
export PEER_KAFKA_HOME=${PEER_KAFKA_HOME:-/tmp/kafka-dist}
if [ -x "$peer/fetch.sh" ]; then
  "$peer/fetch.sh"
  export NAGARE_KAFKA_TOOLS="$peer/kafka-class.sh"
else
  echo "test.sh: $peer/fetch.sh not found; tests that run Kafka's tools will fail" >&2
fi

exec mvn -B verify "$@"
