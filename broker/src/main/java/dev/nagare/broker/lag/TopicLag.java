package dev.nagare.broker.lag;

/**
 * A group's lag on one topic, over the partitions it has committed offsets for. Immutable.
 *
 * @param sumOffsetLag MSK's SumOffsetLag
 * @param maxOffsetLag MSK's MaxOffsetLag
 * @param maxTimeLagMs the oldest unprocessed record of the topic, ms
 * @param committedSum the sum of the committed offsets (kafka_exporter's current_offset_sum)
 */
public record TopicLag(String topic, int partitions, long sumOffsetLag, long maxOffsetLag, long maxTimeLagMs,
                       long committedSum) {
}
