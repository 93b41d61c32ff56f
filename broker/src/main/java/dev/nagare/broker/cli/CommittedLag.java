package dev.nagare.broker.cli;

import java.util.OptionalLong;

import org.apache.kafka.common.TopicPartition;

/**
 * One partition of a group as {@code nagare lag} prints it: the committed offset (absent when the group is only
 * assigned the partition), the log's offsets (absent when the topic is gone), and the lag they give.
 *
 * <p>Offset lag is log end − committed, never negative. A commit below the log start (retention deleted those
 * records) counts from the log start, since those records can no longer be consumed; {@link #belowLogStart} says so.
 * Time lag is filled in later, for the partitions that lag, from the timestamp of the first record from
 * {@link #consumeFrom}.
 */
record CommittedLag(TopicPartition partition, OptionalLong committed, LogOffsets log, OptionalLong timeLagMs) {

    static CommittedLag of(TopicPartition partition, OptionalLong committed, LogOffsets log) {
        return new CommittedLag(partition, committed, log, OptionalLong.empty());
    }

    CommittedLag withTimeLag(long millis) {
        return new CommittedLag(partition, committed, log, OptionalLong.of(millis));
    }

    /** Whether both a commit and the log's offsets are known, so the lag is. */
    boolean known() {
        return committed.isPresent() && log != null;
    }

    boolean belowLogStart() {
        return known() && committed.getAsLong() < log.start();
    }

    /** The offset the group would consume next: its commit, or the log start when the commit is below it. */
    long consumeFrom() {
        return Math.max(committed.orElseThrow(), log.start());
    }

    /** Log end − {@link #consumeFrom}, never negative; only when {@link #known}. */
    long offsetLag() {
        if (!known()) {
            throw new IllegalStateException("no lag without a commit and log offsets: " + this);
        }
        return Math.max(0, log.end() - consumeFrom());
    }
}
