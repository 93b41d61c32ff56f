package dev.nagare.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * The broker configs that may change at run time (AlterConfigs on the BROKER resource, this node's or the cluster
 * default), and how DescribeConfigs shows any broker key: its value, where it comes from and its synonyms, in
 * Kafka's terms.
 *
 * <p>Dynamic are the broker defaults of topic configs (each topic's log takes the new value at once unless the
 * topic overrides it) and the log cleaner's backoff, dedupe buffer and threads (see {@code LogManager.reconfigureCleaner}),
 * as in Kafka. Kafka also changes {@code listeners} and {@code num.network.threads} at run time; Nagare binds its
 * listener and sizes its Netty event-loop group once at start, and rebinding or resizing them under live connections
 * is not done, so those two answer as read-only keys: INVALID_REQUEST "Cannot update these configs dynamically:
 * Set(k)", the answer Kafka 4.1 gives for its own read-only keys (such as {@code log.dirs}). A key Kafka does not
 * know is accepted and kept, as Kafka does, but changes nothing; it is described as sensitive, without a value.
 *
 * <p>Stateless; thread-safe.
 */
public final class DynamicBrokerConfig {

    /** The declared keys that may change at run time. */
    public static final Set<String> DYNAMIC = Set.of(
            BrokerConfig.MESSAGE_MAX_BYTES, BrokerConfig.LOG_SEGMENT_BYTES, BrokerConfig.LOG_ROLL_MS,
            BrokerConfig.LOG_ROLL_JITTER_MS, BrokerConfig.LOG_RETENTION_MS, BrokerConfig.LOG_RETENTION_BYTES,
            BrokerConfig.LOG_INDEX_INTERVAL_BYTES, BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES,
            BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES, BrokerConfig.LOG_FLUSH_INTERVAL_MS,
            BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS, BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE,
            BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS,
            BrokerConfig.LOG_CLEANUP_POLICY, BrokerConfig.LOG_PREALLOCATE, BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS,
            BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS, BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS,
            BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO, BrokerConfig.LOG_LOCAL_RETENTION_MS,
            BrokerConfig.LOG_LOCAL_RETENTION_BYTES, BrokerConfig.COMPRESSION_TYPE, BrokerConfig.COMPRESSION_GZIP_LEVEL,
            BrokerConfig.COMPRESSION_LZ4_LEVEL, BrokerConfig.COMPRESSION_ZSTD_LEVEL, BrokerConfig.MIN_INSYNC_REPLICAS,
            BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, BrokerConfig.LOG_CLEANER_BACKOFF_MS,
            BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE, BrokerConfig.LOG_CLEANER_THREADS);

    private DynamicBrokerConfig() {
    }

    /**
     * The dynamic layers as a Kafka 4.1 cluster has them from its first start: a cluster-wide
     * {@code min.insync.replicas} (the static value, Kafka's default 1) and none per broker. Kafka's controller writes
     * that default, and removes every broker-level one, when the eligible leader replicas of KIP-966 are enabled,
     * which a new 4.1 cluster does at once; every topic then describes its {@code min.insync.replicas} as a
     * DYNAMIC_DEFAULT_BROKER_CONFIG and {@code kafka-topics --describe} prints it among the Configs. Nagare has no
     * replicas to elect, but answers as such a cluster does, so that tools and scripts see the same configs; see
     * {@link #checkMinInsyncReplicas} for the changes this forbids.
     *
     * @return null when the layers already are so (nothing to save)
     */
    public static Map<String, String> elrSafeClusterDefaults(Map<String, String> clusterDefault, BrokerConfig staticConfig) {
        if (clusterDefault.containsKey(BrokerConfig.MIN_INSYNC_REPLICAS)) {
            return null;
        }
        Map<String, String> seeded = new TreeMap<>(clusterDefault);
        seeded.put(BrokerConfig.MIN_INSYNC_REPLICAS, String.valueOf(staticConfig.intValue(BrokerConfig.MIN_INSYNC_REPLICAS)));
        return seeded;
    }

    /**
     * Kafka 4.1's rules for {@code min.insync.replicas} while ELR is enabled (see {@link #elrSafeClusterDefaults}):
     * no change of it on a broker's own resource (naming it in any operation is refused, as Kafka writes a record for
     * every named broker key), and no removal of the cluster-wide value.
     *
     * @param named the keys the request names: the operations' keys, or for AlterConfigs the new and the old keys
     * @throws InvalidConfigurationException INVALID_CONFIG with Kafka's message
     */
    public static void checkMinInsyncReplicas(boolean clusterDefault, Set<String> named, Map<String, String> after) {
        if (!named.contains(BrokerConfig.MIN_INSYNC_REPLICAS)) {
            return;
        }
        if (!clusterDefault) {
            throw new InvalidConfigurationException("Broker-level min.insync.replicas cannot be altered while ELR is enabled.");
        }
        if (!after.containsKey(BrokerConfig.MIN_INSYNC_REPLICAS)) {
            throw new InvalidConfigurationException("Cluster-level min.insync.replicas cannot be removed while ELR is enabled.");
        }
    }

    /**
     * The broker configuration with these dynamic layers replacing the current ones, checked as Kafka checks them.
     *
     * @throws InvalidRequestException a key that cannot change at run time ("Cannot update these configs
     *                                 dynamically: Set(k)"), or a wrong value (ConfigException's message)
     */
    public static BrokerConfig apply(BrokerConfig current, Map<String, String> perBroker, Map<String, String> clusterDefault) {
        Set<String> readOnly = new TreeSet<>();
        for (Map<String, String> layer : List.of(perBroker, clusterDefault)) {
            for (String key : layer.keySet()) {
                if (BrokerConfig.isKafkaKey(key) && !DYNAMIC.contains(key)) {
                    readOnly.add(key);
                }
            }
        }
        if (!readOnly.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: Set(" + String.join(", ", readOnly) + ")");
        }
        BrokerConfig updated;
        try {
            updated = current.withDynamic(perBroker, clusterDefault);
        } catch (ConfigException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        checkCleanerThreads(current.cleanerConfig().threads(), updated.cleanerConfig().threads());
        return updated;
    }

    /** Kafka's LogCleaner.validateReconfiguration: the thread count at most halves or doubles at once. */
    private static void checkCleanerThreads(int current, int requested) {
        String problem = null;
        if (requested < current / 2) {
            problem = "Log cleaner threads cannot be reduced to less than half the current value " + current;
        } else if (requested > current * 2) {
            problem = "Log cleaner threads cannot be increased to more than double the current value " + current;
        }
        if (problem != null) {
            throw new InvalidRequestException("Invalid value org.apache.kafka.common.config.ConfigException: " + problem
                    + " for configuration Invalid dynamic configuration");
        }
    }

    /**
     * The cluster-wide dynamic defaults as DescribeConfigs shows them for the BROKER resource named "": only those
     * set, each with that one synonym (Kafka's answer).
     */
    public static List<DescribedConfig> describeClusterDefaults(BrokerConfig config) {
        List<DescribedConfig> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(config.dynamicDefaultValues()).entrySet()) {
            ConfigDef.ConfigKey key = BrokerConfig.DEFINITION.configKeys().get(e.getKey());
            String value = key == null ? null : e.getValue();
            out.add(new DescribedConfig(e.getKey(), value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                    key == null ? null : key.type, key == null ? null : key.documentation, key != null && !DYNAMIC.contains(e.getKey()),
                    key == null, List.of(new DescribedConfig.Synonym(e.getKey(), value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))));
        }
        return out;
    }

    /** Every declared broker key, then every undeclared key of the dynamic layers, as DescribeConfigs shows them. */
    public static List<DescribedConfig> describe(BrokerConfig config) {
        List<DescribedConfig> out = new ArrayList<>();
        for (ConfigDef.ConfigKey key : BrokerConfig.DEFINITION.configKeys().values()) {
            Object value = config.value(key.name);
            List<DescribedConfig.Synonym> synonyms = synonyms(config, key.name);
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            out.add(new DescribedConfig(key.name, value == null ? null : ConfigDef.convertToString(value, key.type),
                    source, key.type, key.documentation, !DYNAMIC.contains(key.name), false, synonyms));
        }
        Set<String> undeclared = new TreeSet<>(config.dynamicBrokerValues().keySet());
        undeclared.addAll(config.dynamicDefaultValues().keySet());
        undeclared.removeAll(BrokerConfig.DEFINITION.names());
        for (String name : undeclared) {
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
            for (DescribedConfig.Synonym s : synonyms(config, name)) {
                synonyms.add(new DescribedConfig.Synonym(s.name(), null, s.source()));
            }
            out.add(new DescribedConfig(name, null, synonyms.get(0).source(), null, null, false, true, synonyms));
        }
        return out;
    }

    /**
     * Kafka's synonyms of a broker key: the values of the keys that set the same thing, from the most specific
     * layer (this broker's dynamic configs) to the defaults, in each layer in the order of {@link #synonymKeys},
     * without those listed before {@code key} itself (so {@code log.retention.ms}, unset, has none even though
     * {@code log.retention.hours} has a default — Kafka's answer).
     */
    public static List<DescribedConfig.Synonym> synonyms(BrokerConfig config, String key) {
        List<String> keys = synonymKeys(key);
        List<DescribedConfig.Synonym> all = new ArrayList<>();
        addLayer(all, keys, config.dynamicBrokerValues(), ConfigSource.DYNAMIC_BROKER_CONFIG);
        addLayer(all, keys, config.dynamicDefaultValues(), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        addLayer(all, keys, config.staticValues(), ConfigSource.STATIC_BROKER_CONFIG);
        for (String k : keys) {
            ConfigDef.ConfigKey def = BrokerConfig.DEFINITION.configKeys().get(k);
            if (def != null && def.hasDefault() && def.defaultValue != null) {
                all.add(new DescribedConfig.Synonym(k, ConfigDef.convertToString(def.defaultValue, def.type),
                        ConfigSource.DEFAULT_CONFIG));
            }
        }
        int first = 0;
        while (first < all.size() && !all.get(first).name().equals(key)) {
            first++;
        }
        return List.copyOf(all.subList(first, all.size()));
    }

    private static void addLayer(List<DescribedConfig.Synonym> out, List<String> keys, Map<String, String> layer,
                                 ConfigSource source) {
        for (String k : keys) {
            String v = layer.get(k);
            if (v != null) {
                out.add(new DescribedConfig.Synonym(k, v, source));
            }
        }
    }

    /** True for a declared broker key whose value is a list. */
    public static boolean isList(String key) {
        ConfigDef.ConfigKey k = BrokerConfig.DEFINITION.configKeys().get(key);
        return k != null && k.type == ConfigDef.Type.LIST;
    }

    /** The default of a declared broker key as text; "" for none or an undeclared key. */
    public static String defaultValue(String key) {
        ConfigDef.ConfigKey k = key == null ? null : BrokerConfig.DEFINITION.configKeys().get(key);
        return k == null || k.defaultValue == null ? "" : ConfigDef.convertToString(k.defaultValue, k.type);
    }

    /** The keys that set the same thing as {@code key}, the most specific first (Kafka's list). */
    static List<String> synonymKeys(String key) {
        return switch (key) {
            case BrokerConfig.LOG_ROLL_MS, BrokerConfig.LOG_ROLL_HOURS ->
                    List.of(BrokerConfig.LOG_ROLL_MS, BrokerConfig.LOG_ROLL_HOURS);
            case BrokerConfig.LOG_ROLL_JITTER_MS, BrokerConfig.LOG_ROLL_JITTER_HOURS ->
                    List.of(BrokerConfig.LOG_ROLL_JITTER_MS, BrokerConfig.LOG_ROLL_JITTER_HOURS);
            case BrokerConfig.LOG_RETENTION_MS, BrokerConfig.LOG_RETENTION_MINUTES, BrokerConfig.LOG_RETENTION_HOURS ->
                    List.of(BrokerConfig.LOG_RETENTION_MS, BrokerConfig.LOG_RETENTION_MINUTES, BrokerConfig.LOG_RETENTION_HOURS);
            default -> List.of(key);
        };
    }
}
