#!/usr/bin/env bash
# bench/profile.sh PID SECONDS [EVENT] [OUT] — profiles a running JVM (a broker) with async-profiler for SECONDS and
# writes collapsed stacks to OUT (default /tmp/profile-PID.collapsed), then prints the top frames: self, inclusive,
# and the share of the JIT compiler threads. EVENT: cpu (default), wall, alloc, lock.
#
# async-profiler 4.1 comes from Maven Central (tools.profiler:async-profiler:4.1:jar:linux-x64) into
# ~/.cache/nagare/async-profiler; it is loaded with jattach (Debian package `jattach`, installed when missing).
# `jcmd PID JVMTI.agent_load` does not do: its parser takes the agent's "start,event=cpu,..." for a key=value option.
# Typical use, while a bench workload runs:
#   bench/profile.sh "$(pgrep -f 'nagare-broker.*\.jar' | head -1)" 10
set -euo pipefail
pid=${1:?PID}; secs=${2:?SECONDS}; event=${3:-cpu}; out=${4:-/tmp/profile-$pid.collapsed}
home=${ASYNC_PROFILER_HOME:-$HOME/.cache/nagare/async-profiler}
lib="$home/linux-x64/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
  mkdir -p "$home"
  mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -DoutputDirectory="$home" >&2
  (cd "$home" && unzip -o -q async-profiler-4.1-linux-x64.jar 'linux-x64/*')
fi
command -v jattach >/dev/null || { apt-get install -y -qq jattach >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq jattach; } >&2; }
jattach "$pid" load "$lib" true "start,event=$event,interval=1ms,file=$out" >/dev/null
sleep "$secs"
jattach "$pid" load "$lib" true "stop,file=$out,collapsed" >/dev/null
python3 - "$out" <<'PY'
import collections, sys
total = 0; own = collections.Counter(); incl = collections.Counter(); jit = 0
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(' ', 1); n = int(n); total += n
    frames = stack.split(';')
    own[frames[-1]] += n
    jit += n if 'CompileBroker::compiler_thread_loop' in stack else 0
    for f in set(frames): incl[f] += n
print(f'{total} samples; JIT compiler threads {100 * jit / max(total, 1):.1f}%')
print('-- self'); [print(f'{100 * n / total:5.1f}% {f[:140]}') for f, n in own.most_common(20)]
print('-- inclusive'); [print(f'{100 * n / total:5.1f}% {f[:140]}') for f, n in incl.most_common(40)]
PY
echo "collapsed stacks: $out" >&2
