package dev.nagare.broker.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * One config as DescribeConfigs answers it, for a topic, the broker or a broker logger.
 *
 * @param value    the effective value as text; null when not set or sensitive
 * @param type     its type, or null when unknown (a key Nagare does not declare, a logger level)
 * @param synonyms where the value could come from, the one in effect first (Kafka's order: topic override, this
 *                 broker's dynamic value, the cluster-wide dynamic default, the static value, the default)
 */
public record DescribedConfig(String name, String value, ConfigSource source, ConfigDef.Type type,
                              String documentation, boolean readOnly, boolean sensitive, List<Synonym> synonyms) {

    public record Synonym(String name, String value, ConfigSource source) {
    }
}
