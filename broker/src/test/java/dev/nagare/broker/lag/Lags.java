package dev.nagare.broker.lag;

import java.util.List;

/** Lag evaluations built by hand for the lag package's tests, as {@link LagCalculator} would report them. */
final class Lags {

    /** The start of an hour block of the history: 472,222 hours after the epoch (2023-11-14T21:00Z). */
    static final long HOUR = 1_699_999_200_000L;

    private Lags() {
    }

    /** A partition's lag, its offset lag derived as {@link LagCalculator} derives it. */
    static PartitionLag partition(String topic, int partition, long committed, long commitMs, long logStart,
                                  long logEnd, long timeLagMs) {
        long offsetLag = Math.max(0, logEnd - Math.max(committed, logStart));
        return new PartitionLag(topic, partition, committed, commitMs, logStart, logEnd, offsetLag,
                committed < logStart, timeLagMs);
    }

    static GroupLag stable(String group, long nowMs, PartitionLag... partitions) {
        return new GroupLag(group, "Stable", 1, nowMs, nowMs, List.of(partitions));
    }

    static GroupLag empty(String group, long stateTimestamp, long nowMs, PartitionLag... partitions) {
        return new GroupLag(group, "Empty", 0, stateTimestamp, nowMs, List.of(partitions));
    }
}
