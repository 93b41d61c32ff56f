#!/usr/bin/env bash
# bench/compare.sh — Nagare vs Apache Kafka, side by side, on this machine.
#
# Runs the workloads named in WORKLOADS, each RUNS times, brokers interleaved (Nagare, Kafka, Nagare, …), each
# broker on a fresh data dir, and reports the median per figure. bench/README.md says what every row means.
#   basic       start-up (empty) to an open port; idle RSS; ProducerPerformance N × 100 B acks=1 and N1K × 1 KiB
#               acks=all (6 partitions): records/s, MB/s, broker CPU s per GB, peak RSS; consume the same data
#               (AssignConsumer): MB/s, broker CPU s per GB; EndToEndLatency E2E × 100 B acks=1 (1 partition).
#   start-data  fill START_PARTITIONS partitions with START_GB GB (ProducerPerformance, large batches), stop
#               cleanly, then time the start: launch → open port, and → first ApiVersions answer.
#   recovery    with that data (filled again when start-data is not selected): produce for RECOVERY_PRODUCE_SECS,
#               kill -9, then time the start; how many segments/bytes recovery scanned (from the broker's log).
#   fsync       Nagare with log.flush.interval.messages=1 (fsync before every ack, group commit) vs Kafka's
#               defaults (no fsync): FSYNC_PRODUCERS producers, 1 KiB acks=all, unthrottled for FSYNC_SECS.
#   e2e-rate    end-to-end latency at a fixed rate: 50 % of Kafka's max rate (the median records/s of Kafka's
#               100 B acks=1 ProducerPerformance from `basic` in this invocation, else a probe run; or E2E_RATE).
#   many        MANY_PARTITIONS partitions, MANY_IDLE_CONNS idle + MANY_BUSY busy connections: p99 latency at
#               MANY_RATE vs the same load on 6 partitions, errors, broker CPU over MANY_IDLE_SECS of no produce.
#               Twice: with KafkaProducers (MANY_BUSY of them, one consumer), and with lean clients, half of
#               MANY_BUSY each: RawProducers and RawConsumers (LatencyLoad client=raw consumer=raw: the Java
#               clients' own per-partition work takes the 2 cores at 10,000 partitions, so the first pair measures
#               them more than the broker). The first MANY_WARMUP seconds are not in the latencies.
# Then prints a markdown table (figure | Nagare | Kafka | Nagare/Kafka) and writes it, with the date, machine and
# command line, to bench/results/latest.md.
#
# Environment (defaults are the sizes of issue 6; scale them down to try things out):
#   WORKLOADS="basic start-data recovery fsync e2e-rate many"   which workloads, in this order
#   RUNS=3  N=2000000  N1K=1000000  E2E=10000                  basic sizes
#   QUICK=1                                                    N=200000 N1K=50000 RUNS=1 (trying it out)
#   START_PARTITIONS=1000 START_GB=10 START_RECORD_SIZE=1024   start-data / recovery data set
#   RECOVERY_PRODUCE_SECS=5                                    produce this long before the kill -9
#   FSYNC_PRODUCERS=10 FSYNC_SECS=30 FSYNC_PARTITIONS=6        fsync workload
#   E2E_RATE=<records/s> E2E_RATE_SECS=30 E2E_RATE_PARTITIONS=6  e2e-rate workload (rate: see above)
#   MANY_PARTITIONS=10000 MANY_IDLE_CONNS=1000 MANY_BUSY=10 MANY_RATE=10000 MANY_SECS=30 MANY_IDLE_SECS=10
#   MANY_WARMUP=10
#   NAGARE_PORT=29092  KAFKA_PORT=29192 (controller on KAFKA_PORT+1; Nagare's HTTP on NAGARE_PORT+1 for fsync)
#                      below Linux's ephemeral range (32768-60999): with thousands of client connections per run a
#                      port in it can be some connection's local port when a broker starts (bind: address in use)
#   WORK=/tmp/nagare-bench                                     data dirs and raw outputs (wiped)
#   PEER_KAFKA_TOOLS=<repo>/../shared/tools/peer-kafka         peer-kafka scripts (start.sh, kafka-class.sh, …);
#                                                              Kafka 4.1 jars in PEER_KAFKA_HOME (/tmp/kafka-dist)
#   BROKERS="nagare kafka"                                     subset to run (ratio column needs both)
#
# Requires: a built repo (`mvn -q -B -o -DskipTests package`; this script builds if jars are missing), Linux /proc,
# bash, awk, curl. Both the brokers and the load clients share this machine's cores, so figures are relative, not
# absolute (see bench/README.md).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEER_KAFKA_TOOLS=${PEER_KAFKA_TOOLS:-"$REPO/../shared/tools/peer-kafka"}
PEER_KAFKA_TOOLS="$(cd "$PEER_KAFKA_TOOLS" && pwd)"
PEER_KAFKA_HOME=${PEER_KAFKA_HOME:-/tmp/kafka-dist}
KC="$PEER_KAFKA_TOOLS/kafka-class.sh"

if [ "${QUICK:-0}" = 1 ]; then
  N=${N:-200000}; N1K=${N1K:-50000}; RUNS=${RUNS:-1}
fi
WORKLOADS=${WORKLOADS:-"basic start-data recovery fsync e2e-rate many"}
N=${N:-2000000}; N1K=${N1K:-1000000}; RUNS=${RUNS:-3}; E2E=${E2E:-10000}
START_PARTITIONS=${START_PARTITIONS:-1000}; START_GB=${START_GB:-10}; START_RECORD_SIZE=${START_RECORD_SIZE:-1024}
RECOVERY_PRODUCE_SECS=${RECOVERY_PRODUCE_SECS:-5}
FSYNC_PRODUCERS=${FSYNC_PRODUCERS:-10}; FSYNC_SECS=${FSYNC_SECS:-30}; FSYNC_PARTITIONS=${FSYNC_PARTITIONS:-6}
E2E_RATE_SECS=${E2E_RATE_SECS:-30}; E2E_RATE_PARTITIONS=${E2E_RATE_PARTITIONS:-6}
MANY_PARTITIONS=${MANY_PARTITIONS:-10000}; MANY_IDLE_CONNS=${MANY_IDLE_CONNS:-1000}; MANY_BUSY=${MANY_BUSY:-10}
MANY_RATE=${MANY_RATE:-10000}; MANY_SECS=${MANY_SECS:-30}; MANY_IDLE_SECS=${MANY_IDLE_SECS:-10}
MANY_WARMUP=${MANY_WARMUP:-10}
NAGARE_PORT=${NAGARE_PORT:-29092}; KAFKA_PORT=${KAFKA_PORT:-29192}
WORK=${WORK:-/tmp/nagare-bench}
BROKERS=${BROKERS:-"nagare kafka"}
CLK_TCK=$(getconf CLK_TCK)
CMDLINE="$(env | grep -E '^(QUICK|RUNS|N|N1K|E2E|BROKERS|WORK|NAGARE_PORT|KAFKA_PORT|WORKLOADS|START_[A-Z_]+|RECOVERY_[A-Z_]+|FSYNC_[A-Z_]+|E2E_[A-Z_]+|MANY_[A-Z_]+)=' | sort | sed -E 's/=(.* .*)$/="\1"/' | tr '\n' ' ' || true)bench/compare.sh $*"

for w in $WORKLOADS; do
  case $w in basic|start-data|recovery|fsync|e2e-rate|many) ;; *) echo "unknown workload '$w'" >&2; exit 2 ;; esac
done
selected() { [[ " $WORKLOADS " == *" $1 "* ]]; }

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
now_ns() { date +%s%N; }

# ---------- build -------------------------------------------------------------------------
if [ ! -f "$REPO/broker/target/nagare-broker.jar" ] || [ ! -f "$REPO/bench/target/classes/dev/nagare/bench/LatencyLoad.class" ]; then
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
else CONSUMER_CP="$REPO/bench/target/classes:$PEER_KAFKA_HOME/libs/*"; fi
"$PEER_KAFKA_TOOLS/fetch.sh" >/dev/null   # make sure the Kafka jars are there (not timed)

# ---------- /proc helpers -----------------------------------------------------------------
# bytes the process read through read()/pread() so far (rchar of /proc/PID/io; page-cache hits included, mmap not)
read_mb() { awk '/^rchar:/ {printf "%.1f", $2/1e6}' "/proc/$1/io" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# utime+stime in clock ticks (fields 14 and 15; strip "pid (comm) " first in case comm has spaces)
cpu_ticks() { { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || echo "dead"; } | awk '$1=="dead"{print 0; exit} {print $12 + $13}'; }

# sample VmRSS every 0.5 s into FILE (max kept) until killed
start_sampler() { # PID FILE
  ( max=0; while kill -0 "$1" 2>/dev/null; do r=$(rss_kb "$1"); [ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" > "$2"; sleep 0.5; done ) &
  SAMPLER=$!
}
stop_sampler() { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true; }

# The start-up probes poll every 10 ms while a broker starts on the same 2 cores, so a poll must not fork: a
# subshell and an exec of sleep(1) per poll took CPU from the start being timed (more from Nagare's short start
# than from Kafka's long one). nap reads, with a timeout, a FIFO nobody writes (unlinked once open); port_open
# opens and closes the connection as a redirection of the builtin ':'.
NAP_FIFO=$(mktemp -u /tmp/nagare-bench-nap.XXXXXX); mkfifo "$NAP_FIFO"; exec {NAP_FD}<>"$NAP_FIFO"; rm -f "$NAP_FIFO"
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }
port_open() { : 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1"; }
port_busy_check() { if port_open "$1"; then echo "port $1 already in use; set NAGARE_PORT/KAFKA_PORT" >&2; exit 1; fi; }
# One ApiVersions v0 request (header v1: key 18, version 0, correlation id 1, null client id) on a new connection;
# true when an answer arrives within 120 s. A broker that accepts connections before it serves requests (Kafka's
# socket server binds before its logs are loaded) answers only once it serves them.
api_answers() { # PORT
  timeout 120 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\xff\xff" >&3
    [ "$(head -c 4 <&3 | wc -c)" = 4 ]' _ "$1" 2>/dev/null
}

# ---------- broker control ----------------------------------------------------------------
# Every function sets BPID (the broker JVM's pid). Extra settings (key=value) become --override for Nagare and
# server.properties lines for Kafka.
launch_nagare() { # DIR PORT KEY=VALUE...   (appends to DIR/broker.log)
  local dir=$1 port=$2; shift 2
  local ov=(--override "log.dirs=$dir/data" --override "listeners=PLAINTEXT://127.0.0.1:$port"
            --override "http.listeners=http://127.0.0.1:${NAGARE_HTTP_PORT:-0}")
  for kv in "$@"; do ov+=(--override "$kv"); done
  setsid "$REPO/nagare" start "${ov[@]}" >> "$dir/broker.log" 2>&1 &
  BPID=$!
}
launch_kafka() { # DIR   (after start.sh made DIR/server.properties and formatted the storage)
  setsid java ${KAFKA_HEAP:--Xmx1G -Xms1G} -cp "$PEER_KAFKA_HOME/libs/*" kafka.Kafka "$1/server.properties" >> "$1/kafka.log" 2>&1 &
  BPID=$!
  echo "$BPID" > "$1/kafka.pid"
}
wait_port() { # PORT NAME DIR
  until port_open "$1"; do
    kill -0 "$BPID" 2>/dev/null || { echo "$2 died; see $3" >&2; exit 1; }
    nap 0.01
  done
}
wait_answer() { # PORT NAME DIR
  until api_answers "$1"; do
    kill -0 "$BPID" 2>/dev/null || { echo "$2 died; see $3" >&2; exit 1; }
    nap 0.01
  done
}

# start_broker NAME DIR PORT [KEY=VALUE...] -> BPID, STARTUP_MS (fresh, empty data dir)
start_broker() {
  local name=$1 dir=$2 port=$3 t0 t1; shift 3
  port_busy_check "$port"
  rm -rf "$dir"; mkdir -p "$dir"
  if [ "$name" = nagare ]; then
    t0=$(now_ns)
    launch_nagare "$dir" "$port" "$@"
    wait_port "$port" nagare "$dir/broker.log"
    t1=$(now_ns)
  else
    # peer-kafka start.sh formats the storage (two JVMs, not timed) and then launches kafka.Kafka,
    # writing its pid to DIR/kafka.pid; the clock starts when that file appears.
    rmdir "$dir"
    "$PEER_KAFKA_TOOLS/start.sh" "$port" "$dir" "$@" > "$WORK/kafka-start.out" 2>&1 &
    local sp=$!
    until [ -s "$dir/kafka.pid" ]; do
      kill -0 "$sp" 2>/dev/null || { echo "kafka start.sh failed: $(cat "$WORK/kafka-start.out")" >&2; exit 1; }
      nap 0.01
    done
    t0=$(now_ns)
    BPID=$(cat "$dir/kafka.pid")
    wait_port "$port" kafka "$dir/kafka.log"
    t1=$(now_ns)
    wait "$sp" || { echo "kafka start.sh failed; see $dir/kafka.log" >&2; exit 1; }
  fi
  STARTUP_MS=$(( (t1 - t0) / 1000000 ))
}

# restart_broker NAME DIR PORT [KEY=VALUE...] -> BPID, PORT_MS, READY_MS (data kept; launch -> open port, and ->
# first ApiVersions answer). Kafka is launched directly (not through restart.sh, whose readiness polling starts
# a JVM every 0.5 s that would compete with the start being timed).
restart_broker() {
  local name=$1 dir=$2 port=$3 t0 t1 t2; shift 3
  port_busy_check "$port"
  t0=$(now_ns)
  if [ "$name" = nagare ]; then launch_nagare "$dir" "$port" "$@"; else launch_kafka "$dir"; fi
  wait_port "$port" "$name" "$dir"
  t1=$(now_ns)
  wait_answer "$port" "$name" "$dir"
  t2=$(now_ns)
  PORT_MS=$(( (t1 - t0) / 1000000 )); READY_MS=$(( (t2 - t0) / 1000000 ))
}

stop_broker() { # PID   (SIGTERM: clean shutdown)
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  log "broker $1 did not stop in 60 s; SIGKILL"; kill -9 "$1" 2>/dev/null || true
}
kill9_broker() { # PID (a child of this shell)
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
broker_log() { # NAME DIR
  if [ "$1" = kafka ]; then echo "$2/kafka.log"; else echo "$2/broker.log"; fi
}

# ---------- per-run helpers (use OUT, KV, BPID, NAME of the current run) -------------------
kv() { echo "$1 $2" >> "$KV"; }
# Kafka's controller refuses one operation of more than 10,000 metadata records ("Unable to perform excessively
# large batch operation"), and a topic of 10,000 partitions is 10,001; so a topic is created with at most
# TOPIC_STEP partitions and grown by TOPIC_STEP at a time (CreatePartitions), the same requests for both brokers.
TOPIC_STEP=5000
create_topic() { # BOOTSTRAP TOPIC PARTITIONS
  local n=$(( $3 < TOPIC_STEP ? $3 : TOPIC_STEP ))
  "$KC" org.apache.kafka.tools.TopicCommand --bootstrap-server "$1" --create --topic "$2" \
    --partitions "$n" --replication-factor 1 >> "$OUT.topics" 2>&1 || { log "$NAME: creating topic $2 failed (see $OUT.topics)"; return; }
  while [ "$n" -lt "$3" ]; do
    n=$(( $3 - n < TOPIC_STEP ? $3 : n + TOPIC_STEP ))
    "$KC" org.apache.kafka.tools.TopicCommand --bootstrap-server "$1" --alter --topic "$2" \
      --partitions "$n" >> "$OUT.topics" 2>&1 || { log "$NAME: growing topic $2 to $n partitions failed (see $OUT.topics)"; return; }
  done
}

# measure KEY BYTES -- command...   (broker CPU s and s/GB, peak RSS; command output in $OUT.KEY.txt/.err)
measure() {
  local key=$1 bytes=$2; shift 3
  local c0 c1 peak="$OUT.$key.peak"; echo 0 > "$peak"
  start_sampler "$BPID" "$peak"
  c0=$(cpu_ticks "$BPID")
  local rc=0
  "$@" > "$OUT.$key.txt" 2> "$OUT.$key.err" || rc=$?
  c1=$(cpu_ticks "$BPID")
  stop_sampler
  [ "$rc" = 0 ] || log "$NAME $key: command exited $rc (see $OUT.$key.err)"
  awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v b="$bytes" -v k="$key" \
    'BEGIN{printf "%s_cpu_s %.2f\n", k, d/hz; if (b > 0) printf "%s_cpu_s_per_gb %.2f\n", k, (d/hz)/(b/1e9)}' >> "$KV"
  echo "${key}_peak_rss_mb $(awk '{printf "%.1f", $1/1024}' "$peak")" >> "$KV"
  kill -0 "$BPID" 2>/dev/null || log "$NAME: BROKER DIED during $key"
}
# last line of ProducerPerformance: "N records sent, X records/sec (Y MB/sec), ..."
prodperf() { # KEY
  local l; l=$(grep 'records sent' "$OUT.$1.txt" | tail -1 || true)
  echo "$l" | sed -E 's/.* ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\).*/\1 \2/' |
    awk -v k="$1" 'NF==2{print k"_rec_s "$1; print k"_mb_s "$2}' >> "$KV"
}
# LatencyLoad prints "key value" lines; keep the named ones as PREFIX_key
latencyload() { # BOOTSTRAP TOPIC RATE SECONDS OPTIONS...
  java -Xmx1g -cp "$CONSUMER_CP" dev.nagare.bench.LatencyLoad "$@"
}
keep() { # KEY(file) PREFIX NAMES...
  local f="$OUT.$1.txt" p=$2; shift 2
  for k in "$@"; do awk -v k="$k" -v p="$p" '$1==k {print p"_"k, $2}' "$f" >> "$KV"; done
}
count_errors() { # KEY NAME DIR   (ERROR/Exception lines the broker logged)
  local f; f=$(broker_log "$2" "$3")
  kv "$1" "$(grep -cE 'ERROR|Exception' "$f" 2>/dev/null || true)"
  cp "$f" "$OUT.$1.broker.log" 2>/dev/null || true
}

# ---------- workloads ---------------------------------------------------------------------
wl_basic() { # NAME DIR PORT
  local name=$1 dir=$2 port=$3 bs="127.0.0.1:$3"
  start_broker "$name" "$dir" "$port"
  kv startup_ms "$STARTUP_MS"
  sleep 2
  kv idle_rss_mb "$(awk -v k="$(rss_kb "$BPID")" 'BEGIN{printf "%.1f", k/1024}')"
  create_topic "$bs" bench 6; create_topic "$bs" bench1k 6; create_topic "$bs" e2e 1

  log "$name: produce $N x 100 B acks=1"
  measure p100 $((N * 100)) -- "$KC" org.apache.kafka.tools.ProducerPerformance --topic bench --num-records "$N" \
    --record-size 100 --throughput -1 --producer-props "bootstrap.servers=$bs" acks=1
  prodperf p100
  log "$name: produce $N1K x 1 KiB acks=all"
  measure p1k $((N1K * 1024)) -- "$KC" org.apache.kafka.tools.ProducerPerformance --topic bench1k --num-records "$N1K" \
    --record-size 1024 --throughput -1 --producer-props "bootstrap.servers=$bs" acks=all
  prodperf p1k

  log "$name: consume"
  for c in "c100 bench $N 100" "c1k bench1k $N1K 1024"; do
    set -- $c
    measure "$1" $(($3 * $4)) -- java -Xmx512m -cp "$CONSUMER_CP" dev.nagare.bench.AssignConsumer "$bs" "$2" "$3"
    sed -E 's/.*MB\/s=([0-9.]+) records\/s=([0-9.]+).*/\1 \2/' "$OUT.$1.txt" |
      awk -v k="$1" 'NF==2{print k"_mb_s "$1; print k"_rec_s "$2}' >> "$KV"
    grep -q "records=$3 " "$OUT.$1.txt" || log "$name $1: short read: $(cat "$OUT.$1.txt")"
  done

  log "$name: end-to-end latency ($E2E x 100 B)"
  measure e2e $((E2E * 100)) -- "$KC" org.apache.kafka.tools.EndToEndLatency "$bs" e2e "$E2E" 1 100
  # "Avg latency: 1.2345 ms" and "Percentiles: 50th = 1, 99th = 3, 99.9th = 9"
  awk '/Avg latency/ {print "e2e_avg_ms", $3}
       /Percentiles/ {gsub(",", ""); for (i=1;i<=NF;i++) { if ($i=="50th") print "e2e_p50_ms", $(i+2);
                       if ($i=="99th") print "e2e_p99_ms", $(i+2); if ($i=="99.9th") print "e2e_p999_ms", $(i+2) } }' \
    "$OUT.e2e.txt" >> "$KV"

  kv final_rss_mb "$(awk -v k="$(rss_kb "$BPID")" 'BEGIN{printf "%.1f", k/1024}')"
  count_errors broker_log_errors "$name" "$dir"
  stop_broker "$BPID"
}

# start-data and recovery share one data set per broker and run: fill, clean stop, [timed start], [produce,
# kill -9, timed start].
wl_data() { # NAME DIR PORT
  local name=$1 dir=$2 port=$3 bs="127.0.0.1:$3"
  local records; records=$(awk -v g="$START_GB" -v s="$START_RECORD_SIZE" 'BEGIN{printf "%d", g*1e9/s}')
  start_broker "$name" "$dir" "$port"
  create_topic "$bs" big "$START_PARTITIONS"
  log "$name: fill $START_PARTITIONS partitions with $START_GB GB ($records x $START_RECORD_SIZE B)"
  measure fill $((records * START_RECORD_SIZE)) -- "$KC" org.apache.kafka.tools.ProducerPerformance --topic big \
    --num-records "$records" --record-size "$START_RECORD_SIZE" --throughput -1 --producer-props "bootstrap.servers=$bs" \
    acks=1 batch.size=262144 linger.ms=50 buffer.memory=268435456
  prodperf fill
  stop_broker "$BPID"
  kv data_disk_mb "$(du -sm "$dir/data" | cut -f1)"

  if selected start-data; then
    log "$name: start with the data after a clean shutdown"
    restart_broker "$name" "$dir" "$port"
    kv startdata_port_ms "$PORT_MS"; kv startdata_ready_ms "$READY_MS"; kv startdata_read_mb "$(read_mb "$BPID")"
  fi
  if selected recovery; then
    kill -0 "${BPID:-0}" 2>/dev/null || restart_broker "$name" "$dir" "$port"
    log "$name: produce ${RECOVERY_PRODUCE_SECS}s, then kill -9"
    "$KC" org.apache.kafka.tools.ProducerPerformance --topic big --num-records 1000000000 \
      --record-size "$START_RECORD_SIZE" --throughput -1 --producer-props "bootstrap.servers=$bs" acks=1 \
      > "$OUT.recovery-producer.txt" 2>&1 &
    local pp=$!
    sleep "$RECOVERY_PRODUCE_SECS"
    kill9_broker "$BPID"
    kill "$pp" 2>/dev/null || true; wait "$pp" 2>/dev/null || true
    local blog lines; blog=$(broker_log "$name" "$dir"); lines=$(wc -l < "$blog")
    restart_broker "$name" "$dir" "$port"
    kv recovery_port_ms "$PORT_MS"; kv recovery_ready_ms "$READY_MS"; kv recovery_read_mb "$(read_mb "$BPID")"
    sleep 1
    tail -n +"$((lines + 1))" "$blog" > "$OUT.recovery.log"
    if [ "$name" = nagare ]; then
      # "Recovered big-3: log end 1234, scanned 1 of 1 segments (10485760 of 10485760 bytes) from offset 0"
      sed -nE 's/.*Recovered .*scanned ([0-9]+) of ([0-9]+) segments \(([0-9]+) of ([0-9]+) bytes\).*/\1 \2 \3 \4/p' \
        "$OUT.recovery.log" | awk '{s+=$1; t+=$2; b+=$3; tb+=$4; n++}
          END{printf "recovery_logs %d\nrecovery_scanned_segments %d\nrecovery_total_segments %d\nrecovery_scanned_mb %.1f\nrecovery_total_mb %.1f\n", n, s, t, b/1e6, tb/1e6}' >> "$KV"
    fi  # Kafka logs nothing here: peer-kafka's class path has no SLF4J binding (see README)
    count_errors recovery_log_errors "$name" "$dir"
  fi
  stop_broker "$BPID"
  rm -rf "$dir"
}

wl_fsync() { # NAME DIR PORT
  local name=$1 dir=$2 port=$3 bs="127.0.0.1:$3"
  if [ "$name" = nagare ]; then
    NAGARE_HTTP_PORT=$((port + 1)) start_broker nagare "$dir" "$port" log.flush.interval.messages=1
  else
    start_broker kafka "$dir" "$port"
  fi
  create_topic "$bs" fsync "$FSYNC_PARTITIONS"
  log "$name: $FSYNC_PRODUCERS producers, 1 KiB acks=all, ${FSYNC_SECS}s unthrottled"
  measure fsync 0 -- latencyload "$bs" fsync 0 "$FSYNC_SECS" size=1024 acks=all producers="$FSYNC_PRODUCERS" consume=0
  keep fsync fsync acked_rec_s acked_mb_s send_errors
  local acked; acked=$(awk '$1=="acked" {print $2}' "$OUT.fsync.txt")
  awk -v a="${acked:-0}" '$1=="fsync_cpu_s" {c=$2} END{ if (a > 0) printf "fsync_cpu_s_per_gb %.2f\n", c/(a*1024/1e9) }' "$KV" >> "$KV"
  if [ "$name" = nagare ]; then
    kv fsync_count "$(curl -s "http://127.0.0.1:$((port + 1))/metrics" | awk '$1=="nagare_log_fsync_seconds_count" {s+=$2} END{printf "%d", s}')"
  fi
  count_errors fsync_log_errors "$name" "$dir"
  stop_broker "$BPID"
}

# 50 % of Kafka's max rate: E2E_RATE, else half the median of Kafka's p100_rec_s measured in this invocation, else
# a probe: ProducerPerformance N × 100 B acks=1 against a Kafka started for it.
# Sets RATE.
e2e_rate() {
  if [ -n "${E2E_RATE:-}" ]; then RATE=$E2E_RATE; return; fi
  local m; m=$(median kafka p100_rec_s)
  if [ "$m" = - ]; then
    log "e2e-rate: probing Kafka's max rate ($N x 100 B acks=1)"
    local NAME=kafka OUT="$WORK/kafka.probe" KV="$WORK/kafka.probe.kvx"; : > "$KV"
    start_broker kafka "$WORK/kafka-data" "$KAFKA_PORT"
    create_topic "127.0.0.1:$KAFKA_PORT" bench 6
    measure p100 $((N * 100)) -- "$KC" org.apache.kafka.tools.ProducerPerformance --topic bench --num-records "$N" \
      --record-size 100 --throughput -1 --producer-props "bootstrap.servers=127.0.0.1:$KAFKA_PORT" acks=1
    prodperf p100
    stop_broker "$BPID"
    m=$(awk '$1=="p100_rec_s" {print $2}' "$KV")
  fi
  RATE=$(awk -v m="${m:-0}" 'BEGIN{printf "%d", m/2}')
}
wl_e2e_rate() { # NAME DIR PORT
  local name=$1 dir=$2 port=$3 bs="127.0.0.1:$3"
  start_broker "$name" "$dir" "$port"
  create_topic "$bs" e2erate "$E2E_RATE_PARTITIONS"
  log "$name: fixed rate $RATE records/s x 100 B acks=1 for ${E2E_RATE_SECS}s"
  kv e2erate_target_rec_s "$RATE"
  measure e2erate $((RATE * E2E_RATE_SECS * 100)) -- latencyload "$bs" e2erate "$RATE" "$E2E_RATE_SECS" size=100 acks=1
  keep e2erate e2erate acked_rec_s lat_avg_ms lat_p50_ms lat_p99_ms lat_p999_ms send_errors missing
  count_errors e2erate_log_errors "$name" "$dir"
  stop_broker "$BPID"
}

wl_many() { # NAME DIR PORT
  local name=$1 dir=$2 port=$3 bs="127.0.0.1:$3" t0
  start_broker "$name" "$dir" "$port"
  create_topic "$bs" few 6
  t0=$(now_ns); create_topic "$bs" many "$MANY_PARTITIONS"
  kv many_create_s "$(awk -v d=$(( $(now_ns) - t0 )) 'BEGIN{printf "%.1f", d/1e9}')"
  local opts=(size=100 acks=1 producers="$MANY_BUSY" spread=1 warmup="$MANY_WARMUP")
  local lean=$((MANY_BUSY / 2)) readers=$((MANY_BUSY - MANY_BUSY / 2))
  local raw=(size=100 acks=1 client=raw consumer=raw producers="$lean" consumers="$readers" warmup="$MANY_WARMUP")
  log "$name: $MANY_BUSY busy connections, $MANY_RATE records/s for ${MANY_SECS}s on 6 partitions"
  measure manyfew 0 -- latencyload "$bs" few "$MANY_RATE" "$MANY_SECS" "${opts[@]}" expect=6
  keep manyfew manyfew lat_p99_ms ack_p99_ms acked_rec_s client_cores
  log "$name: the same on $MANY_PARTITIONS partitions with $MANY_IDLE_CONNS idle connections, then ${MANY_IDLE_SECS}s idle"
  measure many 0 -- latencyload "$bs" many "$MANY_RATE" "$MANY_SECS" "${opts[@]}" expect="$MANY_PARTITIONS" idleConnections="$MANY_IDLE_CONNS" \
    idle="$MANY_IDLE_SECS" brokerPid="$BPID" clkTck="$CLK_TCK"
  keep many many partitions lat_p99_ms ack_p99_ms acked_rec_s client_cores idle_cpu_s idle_conns_open
  log "$name: $MANY_RATE records/s from $lean lean producers and $readers lean consumers on 6 partitions, then on $MANY_PARTITIONS"
  measure manyrawfew 0 -- latencyload "$bs" few "$MANY_RATE" "$MANY_SECS" "${raw[@]}" expect=6
  keep manyrawfew manyrawfew lat_p99_ms ack_p99_ms client_cores
  measure manyraw 0 -- latencyload "$bs" many "$MANY_RATE" "$MANY_SECS" "${raw[@]}" expect="$MANY_PARTITIONS" idleConnections="$MANY_IDLE_CONNS"
  keep manyraw manyraw lat_p99_ms ack_p99_ms client_cores idle_conns_open
  cat "$OUT.many.txt" "$OUT.manyraw.txt" "$OUT.manyrawfew.txt" |
    awk '$1=="send_errors" || $1=="fetch_errors" || $1=="missing" || $1=="idle_conns_failed" {s+=$2} END{print "many_client_errors", s+0}' >> "$KV"
  awk 'function r(k, a, b) { if (v[a] > 0) printf "%s %.2f\n", k, v[b] / v[a] } {v[$1]=$2}
       END{ r("many_p99_vs_6", "manyfew_lat_p99_ms", "many_lat_p99_ms"); r("many_ack_p99_vs_6", "manyfew_ack_p99_ms", "many_ack_p99_ms")
            r("manyraw_p99_vs_6", "manyrawfew_lat_p99_ms", "manyraw_lat_p99_ms")
            r("manyraw_ack_p99_vs_6", "manyrawfew_ack_p99_ms", "manyraw_ack_p99_ms") }' "$KV" >> "$KV"
  kv many_rss_mb "$(awk -v k="$(rss_kb "$BPID")" 'BEGIN{printf "%.1f", k/1024}')"
  count_errors many_log_errors "$name" "$dir"
  stop_broker "$BPID"
}

# ---------- main --------------------------------------------------------------------------
# median of KEY over runs of BROKER ("-" when missing)
median() {
  local vals; vals=$(cat "$WORK/$1".*.kv 2>/dev/null | awk -v k="$2" '$1==k {print $2}' | sort -g)
  [ -z "$vals" ] && { echo "-"; return; }
  echo "$vals" | awk '{a[NR]=$1} END{ if (NR%2) v=a[(NR+1)/2]; else v=(a[NR/2]+a[NR/2+1])/2; printf "%g\n", v }'
}

rm -rf "$WORK"; mkdir -p "$WORK"
log "WORKLOADS=\"$WORKLOADS\" RUNS=$RUNS brokers: $BROKERS; raw output in $WORK"
for w in $WORKLOADS; do
  [ "$w" = recovery ] && selected start-data && continue   # done with start-data, on the same data
  if [ "$w" = e2e-rate ]; then e2e_rate; log "e2e-rate: $RATE records/s"; fi
  for run in $(seq 1 "$RUNS"); do
    for NAME in $BROKERS; do
      if [ "$NAME" = nagare ]; then port=$NAGARE_PORT; else port=$KAFKA_PORT; fi
      OUT="$WORK/$NAME.$run.$w"; KV="$WORK/$NAME.$run.kv"; touch "$KV"
      log "$NAME run $run: $w"
      case $w in
        basic) wl_basic "$NAME" "$WORK/$NAME-data" "$port" ;;
        start-data|recovery) wl_data "$NAME" "$WORK/$NAME-data" "$port" ;;
        fsync) wl_fsync "$NAME" "$WORK/$NAME-data" "$port" ;;
        e2e-rate) wl_e2e_rate "$NAME" "$WORK/$NAME-data" "$port" ;;
        many) wl_many "$NAME" "$WORK/$NAME-data" "$port" ;;
      esac
      rm -rf "$WORK/$NAME-data/data"
    done
  done
done

ROWS=(
  "basic|startup_ms|Start-up, empty, to open port (ms)"
  "basic|idle_rss_mb|Idle RSS after start (MB)"
  "basic|p100_rec_s|Produce 100 B acks=1 (records/s)"
  "basic|p100_mb_s|Produce 100 B acks=1 (MB/s)"
  "basic|p100_cpu_s_per_gb|Broker CPU per GB produced, 100 B (s)"
  "basic|p100_peak_rss_mb|Peak RSS, produce 100 B (MB)"
  "basic|p1k_rec_s|Produce 1 KiB acks=all (records/s)"
  "basic|p1k_mb_s|Produce 1 KiB acks=all (MB/s)"
  "basic|p1k_cpu_s_per_gb|Broker CPU per GB produced, 1 KiB (s)"
  "basic|p1k_peak_rss_mb|Peak RSS, produce 1 KiB (MB)"
  "basic|c100_mb_s|Consume 100 B records (MB/s)"
  "basic|c100_rec_s|Consume 100 B records (records/s)"
  "basic|c100_cpu_s_per_gb|Broker CPU per GB consumed, 100 B (s)"
  "basic|c1k_mb_s|Consume 1 KiB records (MB/s)"
  "basic|c1k_cpu_s_per_gb|Broker CPU per GB consumed, 1 KiB (s)"
  "basic|c1k_peak_rss_mb|Peak RSS, consume 1 KiB (MB)"
  "basic|e2e_avg_ms|End-to-end latency avg (ms)"
  "basic|e2e_p50_ms|End-to-end latency p50 (ms)"
  "basic|e2e_p99_ms|End-to-end latency p99 (ms)"
  "basic|e2e_p999_ms|End-to-end latency p99.9 (ms)"
  "basic|final_rss_mb|RSS after all workloads (MB)"
  "basic|broker_log_errors|ERROR/Exception lines in broker log"
  "start-data|fill_mb_s|Fill START_GB into START_PARTITIONS partitions (MB/s)"
  "start-data|data_disk_mb|Data on disk after the fill (MB)"
  "start-data|startdata_port_ms|Start with the data after clean shutdown, to open port (ms)"
  "start-data|startdata_ready_ms|Start with the data after clean shutdown, to first answer (ms)"
  "start-data|startdata_read_mb|MB read by the broker until it answered, clean start (rchar)"
  "recovery|recovery_port_ms|Start after kill -9 while producing, to open port (ms)"
  "recovery|recovery_ready_ms|Start after kill -9 while producing, to first answer (ms)"
  "recovery|recovery_read_mb|MB read by the broker until it answered, after kill -9 (rchar)"
  "recovery|recovery_scanned_segments|Segments scanned by recovery"
  "recovery|recovery_total_segments|Segments in the recovered logs"
  "recovery|recovery_scanned_mb|MB scanned by recovery"
  "recovery|recovery_total_mb|MB in the recovered logs"
  "recovery|recovery_log_errors|ERROR/Exception lines in broker log (recovery)"
  "fsync|fsync_acked_rec_s|fsync before ack (Nagare) vs none (Kafka): 1 KiB acks=all (records/s)"
  "fsync|fsync_acked_mb_s|fsync before ack vs none: MB/s"
  "fsync|fsync_cpu_s_per_gb|fsync before ack vs none: broker CPU per GB (s)"
  "fsync|fsync_count|fsyncs done (Nagare's nagare_log_fsync_seconds_count)"
  "fsync|fsync_log_errors|ERROR/Exception lines in broker log (fsync)"
  "e2e-rate|e2erate_target_rec_s|Fixed rate, 50 % of Kafka's max, 100 B acks=1 (records/s)"
  "e2e-rate|e2erate_acked_rec_s|Fixed rate achieved (records/s)"
  "e2e-rate|e2erate_lat_p50_ms|End-to-end latency p50 at the fixed rate (ms)"
  "e2e-rate|e2erate_lat_p99_ms|End-to-end latency p99 at the fixed rate (ms)"
  "e2e-rate|e2erate_lat_p999_ms|End-to-end latency p99.9 at the fixed rate (ms)"
  "many|many_create_s|Create the topic of MANY_PARTITIONS partitions, at most 5,000 per request (s)"
  "many|many_partitions|Partitions the load generator saw"
  "many|manyfew_lat_p99_ms|p99 latency send → poll, 6 partitions, MANY_BUSY busy connections (ms)"
  "many|many_lat_p99_ms|p99 latency send → poll, MANY_PARTITIONS partitions, + MANY_IDLE_CONNS idle connections (ms)"
  "many|many_p99_vs_6|p99 latency send → poll, many partitions / 6 partitions"
  "many|manyfew_ack_p99_ms|p99 latency send → ack, 6 partitions (ms)"
  "many|many_ack_p99_ms|p99 latency send → ack, MANY_PARTITIONS partitions, + MANY_IDLE_CONNS idle connections (ms)"
  "many|many_ack_p99_vs_6|p99 latency send → ack, many partitions / 6 partitions"
  "many|manyfew_client_cores|Cores used by the load generator (its CPU s / load s), 6 partitions"
  "many|many_client_cores|Cores used by the load generator, MANY_PARTITIONS partitions"
  "many|manyfew_cpu_s|Broker CPU during the 6-partition load (s)"
  "many|many_cpu_s|Broker CPU during the MANY_PARTITIONS-partition load and the idle time after it (s)"
  "many|manyrawfew_lat_p99_ms|Lean producers + consumers: p99 latency send → poll, 6 partitions (ms)"
  "many|manyraw_lat_p99_ms|Lean producers + consumers: p99 send → poll, MANY_PARTITIONS partitions, + MANY_IDLE_CONNS idle (ms)"
  "many|manyraw_p99_vs_6|Lean producers + consumers: p99 send → poll, many partitions / 6 partitions"
  "many|manyrawfew_ack_p99_ms|Lean producers + consumers: p99 latency send → ack, 6 partitions (ms)"
  "many|manyraw_ack_p99_ms|Lean producers + consumers: p99 send → ack, MANY_PARTITIONS partitions, + MANY_IDLE_CONNS idle (ms)"
  "many|manyraw_ack_p99_vs_6|Lean producers + consumers: p99 send → ack, many partitions / 6 partitions"
  "many|manyrawfew_client_cores|Lean producers + consumers: cores used by the load generator, 6 partitions"
  "many|manyraw_client_cores|Lean producers + consumers: cores used by the load generator, MANY_PARTITIONS partitions"
  "many|manyrawfew_cpu_s|Lean producers + consumers: broker CPU during the 6-partition load (s)"
  "many|manyraw_cpu_s|Lean producers + consumers: broker CPU during the MANY_PARTITIONS-partition load (s)"
  "many|many_idle_cpu_s|Broker CPU while nothing is produced, MANY_IDLE_SECS (s)"
  "many|many_idle_conns_open|Idle connections still open at the end"
  "many|many_client_errors|Client errors (send and fetch errors, records missing, idle connections lost)"
  "many|many_rss_mb|RSS with many partitions and connections (MB)"
  "many|many_log_errors|ERROR/Exception lines in broker log (many)"
)
TABLE="| Figure | Nagare | Kafka | Nagare/Kafka |
|---|---:|---:|---:|"
for r in "${ROWS[@]}"; do
  wl=${r%%|*}; rest=${r#*|}; key=${rest%%|*}; label=${rest#*|}
  selected "$wl" || { [ "$wl" = start-data ] && selected recovery; } || continue
  label=${label//START_GB/$START_GB GB}; label=${label//START_PARTITIONS/$START_PARTITIONS}
  label=${label//MANY_PARTITIONS/$MANY_PARTITIONS}; label=${label//MANY_IDLE_CONNS/$MANY_IDLE_CONNS}
  label=${label//MANY_BUSY/$MANY_BUSY}; label=${label//MANY_IDLE_SECS/${MANY_IDLE_SECS} s}
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
- Workloads: $WORKLOADS; RUNS=$RUNS (median). basic: N=$N × 100 B acks=1, N1K=$N1K × 1 KiB acks=all (6 partitions each), E2E=$E2E × 100 B acks=1. start-data/recovery: $START_PARTITIONS partitions, $START_GB GB of $START_RECORD_SIZE B records, produce ${RECOVERY_PRODUCE_SECS} s before kill -9. fsync: $FSYNC_PRODUCERS producers × 1 KiB acks=all, ${FSYNC_SECS} s, $FSYNC_PARTITIONS partitions. e2e-rate: ${RATE:-?} records/s × 100 B acks=1, ${E2E_RATE_SECS} s, $E2E_RATE_PARTITIONS partitions. many: $MANY_PARTITIONS partitions, $MANY_BUSY busy producers at $MANY_RATE records/s total for ${MANY_SECS} s (latencies after the first ${MANY_WARMUP} s), $MANY_IDLE_CONNS idle connections, ${MANY_IDLE_SECS} s idle; then the same with $((MANY_BUSY / 2)) lean producers and $((MANY_BUSY - MANY_BUSY / 2)) lean consumers (LatencyLoad client=raw consumer=raw).
- Brokers: Nagare through ./nagare (-Xms16m -Xmx1g -XX:+UseSerialGC -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000, its class-data archive), defaults (fsync row: log.flush.interval.messages=1); Kafka 4.1 KRaft single node, defaults, -Xmx1G -Xms1G.
- MB = 10^6 bytes, GB = 10^9 bytes of record payload; clients and broker share the same cores."
mkdir -p "$REPO/bench/results"
printf '%s\n\n%s\n' "$HEADER" "$TABLE" > "$REPO/bench/results/latest.md"
echo
echo "$TABLE"
echo
log "written to bench/results/latest.md (raw outputs in $WORK)"
