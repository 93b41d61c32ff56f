package dev.nagare.broker.lag;

/**
 * A group's lag on one topic at one 10-second step of {@link LagHistory}. Immutable.
 *
 * @param timestampMs  the start of the step the sample was taken in (a multiple of 10,000 ms)
 * @param sumOffsetLag MSK's SumOffsetLag: the sum of the partitions' offset lag
 * @param maxOffsetLag MSK's MaxOffsetLag
 * @param maxTimeLagMs the age of the oldest unprocessed record of the topic, ms
 * @param committedSum the sum of the committed offsets (its increase is what the group processed)
 * @param logEndSum    the sum of the partitions' high watermarks (its increase is what was produced)
 */
public record LagSample(long timestampMs, long sumOffsetLag, long maxOffsetLag, long maxTimeLagMs, long committedSum,
                        long logEndSum) {

    /** Values a sample holds besides its time, in the order of {@link #values()}. */
    static final int COLUMNS = 5;

    static LagSample of(long timestampMs, long[] values) {
        return new LagSample(timestampMs, values[0], values[1], values[2], values[3], values[4]);
    }

    /** The values in column order: sum offset lag, max offset lag, max time lag, committed sum, log end sum. */
    long[] values() {
        return new long[] {sumOffsetLag, maxOffsetLag, maxTimeLagMs, committedSum, logEndSum};
    }
}
