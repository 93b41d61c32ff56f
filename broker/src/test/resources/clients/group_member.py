"""One member of a consumer group, with kafka-python, for Nagare's group tests (see GroupClient.java).

Usage: group_member.py BOOTSTRAP GROUP TOPIC[,TOPIC...] earliest|latest commit|no-commit SESSION_TIMEOUT_MS HEARTBEAT_MS

Prints one line per event, flushed at once, which GroupMember.java parses:
    assigned TOPIC-PARTITION ...      after each rebalance (possibly nothing after "assigned")
    revoked TOPIC-PARTITION ...
    position TOPIC PARTITION OFFSET   for each newly assigned partition, once its position is known
    record TOPIC PARTITION OFFSET KEY VALUE
With "commit" the offsets of what was read are committed synchronously after every poll that returned records;
with "no-commit" nothing is ever committed. SIGTERM closes the consumer cleanly (LeaveGroup) and exits 0.
"""
import signal
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer

bootstrap, group, topics, reset, commit, session_timeout_ms, heartbeat_ms = sys.argv[1:8]
stopping = False


def stop(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, stop)


def say(*words):
    print(*words, flush=True)


def names(partitions):
    return sorted("%s-%d" % (tp.topic, tp.partition) for tp in partitions)


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        if revoked:  # kafka-python also calls this, with nothing, before the first assignment
            say("revoked", *names(revoked))

    def on_partitions_assigned(self, assigned):
        say("assigned", *names(assigned))
        for tp in sorted(assigned):
            say("position", tp.topic, tp.partition, consumer.position(tp))


consumer = KafkaConsumer(
    bootstrap_servers=bootstrap,
    group_id=group,
    auto_offset_reset=reset,
    enable_auto_commit=False,
    session_timeout_ms=int(session_timeout_ms),
    heartbeat_interval_ms=int(heartbeat_ms),
    fetch_max_wait_ms=200,
)
consumer.subscribe(topics.split(","), listener=Listener())
while not stopping:
    batches = consumer.poll(timeout_ms=200)
    for tp, records in batches.items():
        for r in records:
            say("record", r.topic, r.partition, r.offset, r.key.decode(), r.value.decode())
    if batches and commit == "commit":
        consumer.commit()
consumer.close(autocommit=False)
