package dev.nagare.storage;

/**
 * One idempotent producer's state in one partition, for DescribeProducers and tests.
 *
 * @param producerId        the producer id
 * @param producerEpoch     its latest epoch
 * @param lastSequence      the last sequence number written
 * @param lastTimestamp     the max timestamp of its last batch
 * @param lastOffset        the last offset of its last batch
 */
public record ProducerStateEntry(long producerId, short producerEpoch, int lastSequence, long lastTimestamp,
                                 long lastOffset) {
}
