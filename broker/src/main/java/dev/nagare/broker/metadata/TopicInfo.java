package dev.nagare.broker.metadata;

import java.util.Map;

import org.apache.kafka.common.Uuid;

/**
 * A topic as the broker knows it. Immutable; a change replaces it.
 *
 * @param name       the topic name
 * @param id         the topic id (KIP-516)
 * @param partitions the number of partitions, numbered from 0
 * @param configs    the topic's config overrides (keys of {@code TopicConfigs})
 */
public record TopicInfo(String name, Uuid id, int partitions, Map<String, String> configs) {

    public TopicInfo {
        configs = Map.copyOf(configs);
    }

    public boolean isInternal() {
        return org.apache.kafka.common.internals.Topic.isInternal(name);
    }
}
