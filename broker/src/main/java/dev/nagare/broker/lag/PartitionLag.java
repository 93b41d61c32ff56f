package dev.nagare.broker.lag;

/**
 * The lag of one group on one partition, computed from its committed offset. Immutable.
 *
 * @param topic           the topic
 * @param partition       the partition
 * @param committedOffset the group's committed offset
 * @param commitTimestamp when it was committed (broker time, ms)
 * @param logStartOffset  the partition's log start offset
 * @param logEndOffset    the partition's high watermark (on a single node, its log end offset)
 * @param offsetLag       records the group has yet to process: high watermark − max(committed, log start), never
 *                        negative (MSK's OffsetLag)
 * @param belowLogStart   the commit points below the log start: retention deleted records the group never read
 * @param timeLagMs       how old the first unprocessed record is: now − the timestamp of the batch holding it, read
 *                        from the batch header; 0 when caught up
 */
public record PartitionLag(String topic, int partition, long committedOffset, long commitTimestamp,
                           long logStartOffset, long logEndOffset, long offsetLag, boolean belowLogStart,
                           long timeLagMs) {
}
