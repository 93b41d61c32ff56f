#!/usr/bin/env bash
# bench/jmh.sh [JMH options and benchmark regexps…] — builds the bench module and runs its JMH benchmarks
# (LogAppendBenchmark, OffsetIndexBenchmark, ProduceRequestDecodeBenchmark, FetchResponseEncodeBenchmark).
# Not part of the test suite. Arguments go to JMH's own command line, e.g.
#   bench/jmh.sh                                  every benchmark, every parameter (~4 min)
#   bench/jmh.sh OffsetIndex -p entries=1310720   one benchmark, one parameter value
#   bench/jmh.sh -wi 1 -i 2 -f 1 Fetch            fewer iterations
#   bench/jmh.sh -l                               list them;  bench/jmh.sh -h  JMH's options
# JMH_JAVA_OPTS goes to the forked JVMs' command line (-jvmArgsAppend), e.g. JMH_JAVA_OPTS="-XX:+UseSerialGC".
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
mvn -q -B -DskipTests -pl bench -am package
CP_FILE="$REPO/bench/target/classpath.txt"
[ -s "$CP_FILE" ] && [ "$CP_FILE" -nt "$REPO/bench/pom.xml" ] ||
  mvn -q -B -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
# The bench module's own classes first: its benchmarks in dev.nagare.storage / dev.nagare.broker.network reach
# package-private classes of the storage and broker jars (split packages; fine on the class path).
CP="$REPO/bench/target/classes:$REPO/storage/target/classes:$REPO/broker/target/classes:$(cat "$CP_FILE")"
args=("$@")
[ -n "${JMH_JAVA_OPTS:-}" ] && args=(-jvmArgsAppend "$JMH_JAVA_OPTS" "${args[@]}")
exec java -cp "$CP" org.openjdk.jmh.Main "${args[@]}"
