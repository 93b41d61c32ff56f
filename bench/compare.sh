#!/usr/bin/env bash
# bench/compare.sh — Nagare vs Apache Kafka, side by side, on this machine.
#
# For each broker in turn (Nagare, Kafka; runs interleaved, RUNS times, median reported), on a
# fresh data dir, it measures:
#   - start-up time: launch of the broker JVM -> first successful TCP connect (empty data dir);
#   - idle RSS: VmRSS from /proc/PID/status ~2 s after start;
#   - produce (Kafka's ProducerPerformance): 100 B records acks=1 (N) into topic `bench` and
#     1 KiB records acks=all (N1K) into topic `bench1k`, both 6 partitions: records/s, MB/s,
#     broker CPU seconds (utime+stime from /proc/PID/stat) per GB produced, peak broker RSS
#     (VmRSS sampled every 0.5 s);
#   - consume the same data with bench's AssignConsumer (assign + seekToBeginning, no groups):
#     consumer MB/s, broker CPU seconds per GB consumed;
#   - end-to-end latency (Kafka's EndToEndLatency, E2E messages of 100 B, acks=1, topic `e2e`
#     with 1 partition): average and p99.
# Then prints a markdown table (figure | Nagare | Kafka | Nagare/Kafka) and writes it, with the
# date, machine and command line, to bench/results/latest.md.
#
# Environment:
#   RUNS=3  N=2000000  N1K=1000000  E2E=10000         workload sizes
#   QUICK=1                                           N=200000 N1K=50000 RUNS=1 (trying it out)
#   NAGARE_PORT=39092  KAFKA_PORT=39192 (controller on KAFKA_PORT+1)
#   WORK=/tmp/nagare-bench                            data dirs and raw outputs (wiped)
#   PEER_KAFKA_TOOLS=<repo>/../shared/tools/peer-kafka  peer-kafka scripts (start.sh, stop.sh,
#                                                     kafka-class.sh); Kafka 4.1 jars are fetched by
#                                                     them into PEER_KAFKA_HOME (/tmp/kafka-dist)
#   BROKERS="nagare kafka"                            subset to run (ratio column needs both)
#
# Requires: a built repo (`mvn -q -B -o -DskipTests package`; this script builds if jars are
# missing), Linux /proc, bash, awk. Both the brokers and the load clients share this machine's
# cores, so figures are relative, not absolute (see bench/README.md).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEER_KAFKA_TOOLS=${PEER_KAFKA_TOOLS:-"$REPO/../shared/tools/peer-kafka"}
PEER_KAFKA_TOOLS="$(cd "$PEER_KAFKA_TOOLS" && pwd)"
KC="$PEER_KAFKA_TOOLS/kafka-class.sh"

if [ "${QUICK:-0}" = 1 ]; then
  N=${N:-200000}; N1K=${N1K:-50000}; RUNS=${RUNS:-1}
fi
N=${N:-2000000}; N1K=${N1K:-1000000}; RUNS=${RUNS:-3}; E2E=${E2E:-10000}
NAGARE_PORT=${NAGARE_PORT:-39092}; KAFKA_PORT=${KAFKA_PORT:-39192}
WORK=${WORK:-/tmp/nagare-bench}
BROKERS=${BROKERS:-"nagare kafka"}
CLK_TCK=$(getconf CLK_TCK)
CMDLINE="$(env | grep -E '^(QUICK|RUNS|N|N1K|E2E|BROKERS|WORK|NAGARE_PORT|KAFKA_PORT)=' | tr '\n' ' ' || true)bench/compare.sh $*"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
now_ns() { date +%s%N; }

# ---------- build -------------------------------------------------------------------------
if [ ! -f "$REPO/broker/target/nagare-broker.jar" ] || [ ! -d "$REPO/bench/target/classes/dev/nagare/bench" ]; then
  log "building (mvn package)"
  (cd "$REPO" && mvn -q -B -o -DskipTests package)
fi
# Nagare runs through ./nagare, as a user starts it; its first start after a build makes the class-data archive
# (a training run of a few seconds), which must not be timed as a start-up.
"$REPO/nagare" start --help >/dev/null
CP_FILE="$REPO/bench/target/classpath.txt"
if [ ! -s "$CP_FILE" ]; then
  (cd "$REPO" && mvn -q -B -o -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE") >/dev/null 2>&1 || true
fi
if [ -s "$CP_FILE" ]; then CONSUMER_CP="$REPO/bench/target/classes:$(cat "$CP_FILE")"
else CONSUMER_CP="$REPO/bench/target/classes:${PEER_KAFKA_HOME:-/tmp/kafka-dist}/libs/*"; fi
"$PEER_KAFKA_TOOLS/fetch.sh" >/dev/null   # make sure the Kafka jars are there (not timed)

# ---------- /proc helpers -----------------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# utime+stime in clock ticks (fields 14 and 15; strip "pid (comm) " first in case comm has spaces)
cpu_ticks() { { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || echo "dead"; } | awk '$1=="dead"{print 0; exit} {print $12 + $13}'; }

# sample VmRSS every 0.5 s into FILE (max kept) until killed
start_sampler() { # PID FILE
  ( max=0; while kill -0 "$1" 2>/dev/null; do r=$(rss_kb "$1"); [ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" > "$2"; sleep 0.5; done ) &
  SAMPLER=$!
}
stop_sampler() { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy_check() { if port_open "$1"; then echo "port $1 already in use; set NAGARE_PORT/KAFKA_PORT" >&2; exit 1; fi; }

# ---------- broker control ----------------------------------------------------------------
# start_broker NAME DIR PORT -> sets BPID, STARTUP_MS
start_broker() {
  local name=$1 dir=$2 port=$3 t0 t1
  port_busy_check "$port"
  rm -rf "$dir"; mkdir -p "$dir"
  if [ "$name" = nagare ]; then
    t0=$(now_ns)
    setsid "$REPO/nagare" start \
      --override "log.dirs=$dir/data" --override "listeners=PLAINTEXT://127.0.0.1:$port" \
      --override "http.listeners=http://127.0.0.1:0" > "$dir/broker.log" 2>&1 &
    BPID=$!
    until port_open "$port"; do
      kill -0 "$BPID" 2>/dev/null || { echo "nagare died; see $dir/broker.log" >&2; exit 1; }
      sleep 0.01
    done
    t1=$(now_ns)
  else
    # peer-kafka start.sh formats the storage (two JVMs, not timed) and then launches kafka.Kafka,
    # writing its pid to DIR/kafka.pid; the clock starts when that file appears.
    rmdir "$dir"
    "$PEER_KAFKA_TOOLS/start.sh" "$port" "$dir" > "$WORK/kafka-start.out" 2>&1 &
    local sp=$!
    until [ -s "$dir/kafka.pid" ]; do
      kill -0 "$sp" 2>/dev/null || { echo "kafka start.sh failed: $(cat "$WORK/kafka-start.out")" >&2; exit 1; }
      sleep 0.01
    done
    t0=$(now_ns)
    BPID=$(cat "$dir/kafka.pid")
    until port_open "$port"; do
      kill -0 "$BPID" 2>/dev/null || { echo "kafka died; see $dir/kafka.log" >&2; exit 1; }
      sleep 0.01
    done
    t1=$(now_ns)
    wait "$sp" || { echo "kafka start.sh failed; see $dir/kafka.log" >&2; exit 1; }
  fi
  STARTUP_MS=$(( (t1 - t0) / 1000000 ))
}

stop_broker() { # PID
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  log "broker $1 did not stop in 20 s; SIGKILL"; kill -9 "$1" 2>/dev/null || true
}

# ---------- one run against one broker ----------------------------------------------------
# run_one NAME RUN -> writes "key value" lines to $WORK/NAME.RUN.kv
run_one() {
  local name=$1 run=$2 port dir out kv
  if [ "$name" = nagare ]; then port=$NAGARE_PORT; else port=$KAFKA_PORT; fi
  dir="$WORK/$name-data"; out="$WORK/$name.$run"; kv="$out.kv"; : > "$kv"
  local bs="127.0.0.1:$port"

  log "$name run $run: starting"
  start_broker "$name" "$dir" "$port"
  echo "startup_ms $STARTUP_MS" >> "$kv"
  sleep 2
  echo "idle_rss_mb $(awk -v k="$(rss_kb "$BPID")" 'BEGIN{printf "%.1f", k/1024}')" >> "$kv"

  for t in "bench 6" "bench1k 6" "e2e 1"; do
    set -- $t
    "$KC" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --create --topic "$1" \
      --partitions "$2" --replication-factor 1 >> "$out.topics" 2>&1 || log "$name: creating topic $1 failed (see $out.topics)"
  done

  # measure BROKER_PID KEYPREFIX BYTES -- command...   (CPU s/GB, peak RSS, command output in $out.KEY)
  measure() {
    local key=$1 bytes=$2; shift 3
    local c0 c1 peak="$out.$key.peak"; echo 0 > "$peak"
    start_sampler "$BPID" "$peak"
    c0=$(cpu_ticks "$BPID")
    local rc=0
    "$@" > "$out.$key.txt" 2> "$out.$key.err" || rc=$?
    c1=$(cpu_ticks "$BPID")
    stop_sampler
    [ "$rc" = 0 ] || log "$name $key: command exited $rc (see $out.$key.err)"
    awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v b="$bytes" -v k="$key" \
      'BEGIN{printf "%s_cpu_s %.2f\n%s_cpu_s_per_gb %.2f\n", k, d/hz, k, (d/hz)/(b/1e9)}' >> "$kv"
    echo "${key}_peak_rss_mb $(awk '{printf "%.1f", $1/1024}' "$peak")" >> "$kv"
    kill -0 "$BPID" 2>/dev/null || log "$name: BROKER DIED during $key"
  }
  # last line of ProducerPerformance: "N records sent, X records/sec (Y MB/sec), ..."
  prodperf() { # KEY
    local l; l=$(grep 'records sent' "$out.$1.txt" | tail -1 || true)
    echo "$l" | sed -E 's/.* ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\).*/\1 \2/' |
      awk -v k="$1" 'NF==2{print k"_rec_s "$1; print k"_mb_s "$2}' >> "$kv"
  }

  log "$name run $run: produce $N x 100 B acks=1"
  measure p100 $((N * 100)) -- "$KC" org.apache.kafka.tools.ProducerPerformance --topic bench --num-records "$N" \
    --record-size 100 --throughput -1 --producer-props "bootstrap.servers=$bs" acks=1
  prodperf p100
  log "$name run $run: produce $N1K x 1 KiB acks=all"
  measure p1k $((N1K * 1024)) -- "$KC" org.apache.kafka.tools.ProducerPerformance --topic bench1k --num-records "$N1K" \
    --record-size 1024 --throughput -1 --producer-props "bootstrap.servers=$bs" acks=all
  prodperf p1k

  log "$name run $run: consume"
  for c in "c100 bench $N 100" "c1k bench1k $N1K 1024"; do
    set -- $c
    measure "$1" $(($3 * $4)) -- java -Xmx512m -cp "$CONSUMER_CP" dev.nagare.bench.AssignConsumer "$bs" "$2" "$3"
    sed -E 's/.*MB\/s=([0-9.]+) records\/s=([0-9.]+).*/\1 \2/' "$out.$1.txt" |
      awk -v k="$1" 'NF==2{print k"_mb_s "$1; print k"_rec_s "$2}' >> "$kv"
    grep -q "records=$3 " "$out.$1.txt" || log "$name $1: short read: $(cat "$out.$1.txt")"
  done

  log "$name run $run: end-to-end latency ($E2E x 100 B)"
  measure e2e $((E2E * 100)) -- "$KC" org.apache.kafka.tools.EndToEndLatency "$bs" e2e "$E2E" 1 100
  # "Avg latency: 1.2345 ms" and "Percentiles: 50th = 1, 99th = 3, 99.9th = 9"
  awk '/Avg latency/ {print "e2e_avg_ms", $3}
       /Percentiles/ {gsub(",", ""); for (i=1;i<=NF;i++) { if ($i=="50th") print "e2e_p50_ms", $(i+2);
                       if ($i=="99th") print "e2e_p99_ms", $(i+2); if ($i=="99.9th") print "e2e_p999_ms", $(i+2) } }' \
    "$out.e2e.txt" >> "$kv"

  echo "final_rss_mb $(awk -v k="$(rss_kb "$BPID")" 'BEGIN{printf "%.1f", k/1024}')" >> "$kv"
  # errors/exceptions the broker logged during the run
  local blog="$dir/broker.log"; [ "$name" = kafka ] && blog="$dir/kafka.log"
  echo "broker_log_errors $(grep -cE 'ERROR|Exception' "$blog" || true)" >> "$kv"
  cp "$blog" "$out.broker.log" 2>/dev/null || true
  stop_broker "$BPID"
}

# ---------- main --------------------------------------------------------------------------
rm -rf "$WORK"; mkdir -p "$WORK"
log "N=$N N1K=$N1K E2E=$E2E RUNS=$RUNS brokers: $BROKERS; raw output in $WORK"
for run in $(seq 1 "$RUNS"); do
  for b in $BROKERS; do run_one "$b" "$run"; done
done

# median of KEY over runs of BROKER ("-" when missing)
median() {
  local vals; vals=$(cat "$WORK/$1".*.kv | awk -v k="$2" '$1==k {print $2}' | sort -g)
  [ -z "$vals" ] && { echo "-"; return; }
  echo "$vals" | awk '{a[NR]=$1} END{ if (NR%2) v=a[(NR+1)/2]; else v=(a[NR/2]+a[NR/2+1])/2; printf "%g\n", v }'
}
ROWS=(
  "startup_ms|Start-up to open port (ms)"
  "idle_rss_mb|Idle RSS after start (MB)"
  "p100_rec_s|Produce 100 B acks=1 (records/s)"
  "p100_mb_s|Produce 100 B acks=1 (MB/s)"
  "p100_cpu_s_per_gb|Broker CPU per GB produced, 100 B (s)"
  "p100_peak_rss_mb|Peak RSS, produce 100 B (MB)"
  "p1k_rec_s|Produce 1 KiB acks=all (records/s)"
  "p1k_mb_s|Produce 1 KiB acks=all (MB/s)"
  "p1k_cpu_s_per_gb|Broker CPU per GB produced, 1 KiB (s)"
  "p1k_peak_rss_mb|Peak RSS, produce 1 KiB (MB)"
  "c100_mb_s|Consume 100 B records (MB/s)"
  "c100_rec_s|Consume 100 B records (records/s)"
  "c100_cpu_s_per_gb|Broker CPU per GB consumed, 100 B (s)"
  "c1k_mb_s|Consume 1 KiB records (MB/s)"
  "c1k_cpu_s_per_gb|Broker CPU per GB consumed, 1 KiB (s)"
  "c1k_peak_rss_mb|Peak RSS, consume 1 KiB (MB)"
  "e2e_avg_ms|End-to-end latency avg (ms)"
  "e2e_p50_ms|End-to-end latency p50 (ms)"
  "e2e_p99_ms|End-to-end latency p99 (ms)"
  "e2e_p999_ms|End-to-end latency p99.9 (ms)"
  "final_rss_mb|RSS after all workloads (MB)"
  "broker_log_errors|ERROR/Exception lines in broker log"
)
TABLE="| Figure | Nagare | Kafka | Nagare/Kafka |
|---|---:|---:|---:|"
for r in "${ROWS[@]}"; do
  key=${r%%|*}; label=${r#*|}
  nv=$( [[ " $BROKERS " == *" nagare "* ]] && median nagare "$key" || echo "-")
  kv=$( [[ " $BROKERS " == *" kafka "* ]] && median kafka "$key" || echo "-")
  ratio=$(awk -v a="$nv" -v b="$kv" 'BEGIN{ if (a=="-" || b=="-" || b+0==0) print "-"; else printf "%.2f", a/b }')
  TABLE+=$'\n'"| $label | $nv | $kv | $ratio |"
done

MEM_GB=$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)
CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
HEADER="# Nagare vs Apache Kafka 4.1 — bench/compare.sh

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) cores (${CPU_MODEL:-unknown CPU}), ${MEM_GB} GiB RAM, $(uname -sr); Java: $(java -version 2>&1 | head -1)
- Nagare commit: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')
- Command: \`$CMDLINE\`
- Workloads: N=$N × 100 B acks=1, N1K=$N1K × 1 KiB acks=all (6 partitions each), E2E=$E2E × 100 B acks=1; RUNS=$RUNS (median)
- Brokers: Nagare through ./nagare (-Xms64m -Xmx1g -XX:+UseSerialGC, its class-data archive), defaults; Kafka 4.1 KRaft single node, defaults, -Xmx1G -Xms1G.
- MB = 10^6 bytes, GB = 10^9 bytes of record payload; clients and broker share the same cores."
mkdir -p "$REPO/bench/results"
printf '%s\n\n%s\n' "$HEADER" "$TABLE" > "$REPO/bench/results/latest.md"
echo
echo "$TABLE"
echo
log "written to bench/results/latest.md (raw outputs in $WORK)"
