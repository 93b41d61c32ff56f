package dev.nagare.broker.group;

import dev.nagare.broker.config.BrokerConfig;

/**
 * The coordinator's settings, read once from the broker config. Immutable.
 *
 * @param offsetsTopicPartitions  partitions of {@code __consumer_offsets} (a group lives on abs(hash) % this)
 * @param minSessionTimeoutMs     {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs     {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}
 * @param maxGroupSize            {@code group.max.size}
 * @param offsetsRetentionMs      {@code offsets.retention.minutes} in ms
 * @param retentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param maxMetadataBytes        {@code offset.metadata.max.bytes}
 */
public record GroupSettings(int offsetsTopicPartitions, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                            int initialRebalanceDelayMs, int maxGroupSize, long offsetsRetentionMs,
                            long retentionCheckIntervalMs, int maxMetadataBytes) {

    public static GroupSettings from(BrokerConfig c) {
        return new GroupSettings(c.intValue(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS),
                c.intValue(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
                c.intValue(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
                c.intValue(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
                c.intValue(BrokerConfig.GROUP_MAX_SIZE),
                c.intValue(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000L,
                c.longValue(BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS),
                c.intValue(BrokerConfig.OFFSET_METADATA_MAX_BYTES));
    }

    /** The {@code __consumer_offsets} partition of a group: Kafka's abs(hashCode) % partitions. */
    public int partitionFor(String groupId) {
        return org.apache.kafka.common.utils.Utils.abs(groupId.hashCode()) % offsetsTopicPartitions;
    }
}
