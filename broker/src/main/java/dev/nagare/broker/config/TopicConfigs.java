package dev.nagare.broker.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import dev.nagare.storage.CleanupPolicy;
import dev.nagare.storage.LogConfig;

/**
 * The topic-level configs Kafka 4.1 defines, each with its type, validation and the broker key its default comes
 * from (its synonym), and the resolution of a topic's overrides into the effective values, their sources and the
 * {@link LogConfig} the storage engine runs with.
 *
 * <p>Stateless; thread-safe.
 */
public final class TopicConfigs {

    private record Def(String name, Type type, ConfigDef.Validator validator, String doc,
                       String brokerKey, Function<BrokerConfig, Object> brokerDefault) {
    }

    /** Kafka's documentation of the topic configs whose text kafka-clients does not hold (it is in Kafka's server). */
    private static final String LZ4_LEVEL_DOC = "The compression level to use if compression.type is set to <code>lz4</code>.";
    private static final String THROTTLED_DOC = "A list of replicas for which log replication should be throttled on the %s "
            + "side. The list should describe a set of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... "
            + "or alternatively the wildcard '*' can be used to throttle all replicas for this topic.";
    private static final String LEADER_THROTTLED_DOC = THROTTLED_DOC.formatted("leader");
    private static final String FOLLOWER_THROTTLED_DOC = THROTTLED_DOC.formatted("follower");

    private static final List<Def> DEFS = new ArrayList<>();
    private static final ConfigDef DEFINITION = new ConfigDef();

    static {
        def("cleanup.policy", Type.LIST, ConfigDef.ValidList.in("compact", "delete"), TopicConfig.CLEANUP_POLICY_DOC,
                BrokerConfig.LOG_CLEANUP_POLICY);
        def("compression.type", Type.STRING, ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                TopicConfig.COMPRESSION_TYPE_DOC, BrokerConfig.COMPRESSION_TYPE);
        def("compression.gzip.level", Type.INT, BrokerConfig.GZIP_LEVEL, TopicConfig.COMPRESSION_GZIP_LEVEL_DOC, BrokerConfig.COMPRESSION_GZIP_LEVEL);
        def("compression.lz4.level", Type.INT, between(1, 17), LZ4_LEVEL_DOC, BrokerConfig.COMPRESSION_LZ4_LEVEL);
        def("compression.zstd.level", Type.INT, between(-131072, 22), TopicConfig.COMPRESSION_ZSTD_LEVEL_DOC, BrokerConfig.COMPRESSION_ZSTD_LEVEL);
        def("delete.retention.ms", Type.LONG, atLeast(0), TopicConfig.DELETE_RETENTION_MS_DOC,
                BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS);
        def("file.delete.delay.ms", Type.LONG, atLeast(0), TopicConfig.FILE_DELETE_DELAY_MS_DOC,
                BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS);
        def("flush.messages", Type.LONG, atLeast(1), TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC,
                BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES);
        DEFS.add(new Def("flush.ms", Type.LONG, atLeast(0), TopicConfig.FLUSH_MS_DOC,
                BrokerConfig.LOG_FLUSH_INTERVAL_MS, BrokerConfig::flushIntervalMs));
        DEFS.add(new Def("follower.replication.throttled.replicas", Type.LIST, null, FOLLOWER_THROTTLED_DOC,
                null, b -> List.of()));
        def("index.interval.bytes", Type.INT, atLeast(0), TopicConfig.INDEX_INTERVAL_BYTES_DOC,
                BrokerConfig.LOG_INDEX_INTERVAL_BYTES);
        DEFS.add(new Def("leader.replication.throttled.replicas", Type.LIST, null, LEADER_THROTTLED_DOC,
                null, b -> List.of()));
        def("local.retention.bytes", Type.LONG, atLeast(-2), TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC, BrokerConfig.LOG_LOCAL_RETENTION_BYTES);
        def("local.retention.ms", Type.LONG, atLeast(-2), TopicConfig.LOCAL_LOG_RETENTION_MS_DOC, BrokerConfig.LOG_LOCAL_RETENTION_MS);
        def("max.compaction.lag.ms", Type.LONG, atLeast(1), TopicConfig.MAX_COMPACTION_LAG_MS_DOC,
                BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS);
        def("max.message.bytes", Type.INT, atLeast(0), TopicConfig.MAX_MESSAGE_BYTES_DOC, BrokerConfig.MESSAGE_MAX_BYTES);
        def("message.timestamp.after.max.ms", Type.LONG, atLeast(0), TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC,
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        def("message.timestamp.before.max.ms", Type.LONG, atLeast(0), TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC,
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        def("message.timestamp.type", Type.STRING, ValidString.in("CreateTime", "LogAppendTime"),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC, BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE);
        def("min.cleanable.dirty.ratio", Type.DOUBLE, between(0, 1), TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC,
                BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO);
        def("min.compaction.lag.ms", Type.LONG, atLeast(0), TopicConfig.MIN_COMPACTION_LAG_MS_DOC,
                BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS);
        def("min.insync.replicas", Type.INT, atLeast(1), TopicConfig.MIN_IN_SYNC_REPLICAS_DOC,
                BrokerConfig.MIN_INSYNC_REPLICAS);
        def("preallocate", Type.BOOLEAN, null, TopicConfig.PREALLOCATE_DOC, BrokerConfig.LOG_PREALLOCATE);
        DEFS.add(new Def("remote.log.copy.disable", Type.BOOLEAN, null, TopicConfig.REMOTE_LOG_COPY_DISABLE_DOC, null, b -> false));
        DEFS.add(new Def("remote.log.delete.on.disable", Type.BOOLEAN, null, TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_DOC, null, b -> false));
        DEFS.add(new Def("remote.storage.enable", Type.BOOLEAN, null, TopicConfig.REMOTE_LOG_STORAGE_ENABLE_DOC, null, b -> false));
        def("retention.bytes", Type.LONG, null, TopicConfig.RETENTION_BYTES_DOC,
                BrokerConfig.LOG_RETENTION_BYTES);
        DEFS.add(new Def("retention.ms", Type.LONG, atLeast(-1), TopicConfig.RETENTION_MS_DOC,
                BrokerConfig.LOG_RETENTION_MS, BrokerConfig::retentionMs));
        def("segment.bytes", Type.INT, atLeast(1024 * 1024), TopicConfig.SEGMENT_BYTES_DOC,
                BrokerConfig.LOG_SEGMENT_BYTES);
        def("segment.index.bytes", Type.INT, atLeast(4), TopicConfig.SEGMENT_INDEX_BYTES_DOC,
                BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES);
        DEFS.add(new Def("segment.jitter.ms", Type.LONG, atLeast(0), TopicConfig.SEGMENT_JITTER_MS_DOC,
                BrokerConfig.LOG_ROLL_JITTER_MS, BrokerConfig::rollJitterMs));
        DEFS.add(new Def("segment.ms", Type.LONG, atLeast(1), TopicConfig.SEGMENT_MS_DOC, BrokerConfig.LOG_ROLL_MS,
                BrokerConfig::rollMs));
        def("unclean.leader.election.enable", Type.BOOLEAN, null, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC,
                BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE);
        for (Def d : DEFS) {
            DEFINITION.define(d.name, d.type, ConfigDef.NO_DEFAULT_VALUE, d.validator, MEDIUM, d.doc);
        }
    }

    private static void def(String name, Type type, ConfigDef.Validator validator, String doc, String brokerKey) {
        DEFS.add(new Def(name, type, validator, doc, brokerKey, b -> b.value(brokerKey)));
    }

    private TopicConfigs() {
    }

    /** The names of all topic configs. */
    public static List<String> names() {
        return DEFS.stream().map(Def::name).toList();
    }

    public static boolean isKnown(String name) {
        return DEFINITION.names().contains(name);
    }

    /**
     * Checks a topic's overrides: every name known, every value valid.
     *
     * @throws ConfigException naming the first bad key (unknown key: "Unknown topic config name: x")
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Def def = find(e.getKey());
            if (def == null) {
                throw new ConfigException("Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new ConfigException(e.getKey(), null, "Null value not supported for topic configs");
            }
            Object parsed = ConfigDef.parseType(def.name, e.getValue(), def.type);
            if (def.validator != null) {
                def.validator.ensureValid(def.name, parsed);
            }
        }
    }

    /**
     * Checks a topic's overrides as Kafka does: each one as {@link #validate(Map)}, then against each other over the
     * broker's defaults ({@code min.compaction.lag.ms} at most {@code max.compaction.lag.ms}).
     *
     * @throws ConfigException with Kafka's message
     */
    public static void validate(Map<String, String> overrides, BrokerConfig broker) {
        validate(overrides);
        Map<String, Object> v = effective(overrides, broker);
        long minLag = (Long) v.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        long maxLag = (Long) v.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        if (minLag > maxLag) {
            throw new ConfigException("conflict topic config setting " + TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG + " ("
                    + minLag + ") > " + TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG + " (" + maxLag + ")");
        }
    }

    /** True for a topic config whose value is a list ({@code cleanup.policy}, the throttled replicas). */
    public static boolean isList(String name) {
        Def def = find(name);
        return def != null && def.type == Type.LIST;
    }

    /**
     * The value an APPEND or SUBTRACT starts from when the topic does not override {@code name}: Kafka's default of
     * the config (that of its broker key), not the broker's current value.
     */
    public static String defaultValue(String name) {
        Def def = find(name);
        return DynamicBrokerConfig.defaultValue(def == null ? null : def.brokerKey);
    }

    /**
     * The order in which Kafka 4.1 lists a topic's configs in DescribeConfigs (that of its server's hash map of them,
     * the same for every topic). Clients that keep the entries in a HashMap ({@code Admin}'s {@code Config}) iterate
     * keys of one bucket in this order, so {@code kafka-topics --describe} prints the Configs in Kafka's order only when
     * the response has it.
     */
    private static final List<String> KAFKA_ORDER = List.of("compression.type", "remote.log.delete.on.disable",
            "leader.replication.throttled.replicas", "remote.storage.enable", "min.insync.replicas", "segment.jitter.ms",
            "remote.log.copy.disable", "local.retention.ms", "cleanup.policy", "flush.ms",
            "follower.replication.throttled.replicas", "compression.lz4.level", "segment.bytes", "retention.ms",
            "compression.gzip.level", "flush.messages", "compression.zstd.level", "max.compaction.lag.ms",
            "file.delete.delay.ms", "max.message.bytes", "min.compaction.lag.ms", "message.timestamp.type",
            "local.retention.bytes", "preallocate", "min.cleanable.dirty.ratio", "index.interval.bytes",
            "unclean.leader.election.enable", "retention.bytes", "delete.retention.ms", "message.timestamp.after.max.ms",
            "message.timestamp.before.max.ms", "segment.ms", "segment.index.bytes");

    /**
     * Every topic config of a topic with these overrides, in Kafka's order ({@link #KAFKA_ORDER}), as Kafka describes it: the override, else
     * the broker's value; the synonyms are the override and then the broker key's own synonyms
     * ({@link DynamicBrokerConfig#synonyms}), and the source is the first synonym's (DEFAULT_CONFIG when none).
     */
    public static List<DescribedConfig> describe(Map<String, String> overrides, BrokerConfig broker) {
        List<DescribedConfig> out = new ArrayList<>(DEFS.size());
        for (Def def : DEFS) {
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>(4);
            String override = overrides.get(def.name);
            if (override != null) {
                synonyms.add(new DescribedConfig.Synonym(def.name, override, ConfigSource.TOPIC_CONFIG));
            }
            if (def.brokerKey != null) {
                synonyms.addAll(DynamicBrokerConfig.synonyms(broker, def.brokerKey));
            }
            String value = override != null ? override : ConfigDef.convertToString(def.brokerDefault.apply(broker), def.type);
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            out.add(new DescribedConfig(def.name, value, source, def.type, def.doc, false, false, List.copyOf(synonyms)));
        }
        out.sort(java.util.Comparator.comparingInt(c -> KAFKA_ORDER.indexOf(c.name())));
        return out;
    }

    /** The effective parsed values of a topic with these (already validated) overrides. */
    public static Map<String, Object> effective(Map<String, String> overrides, BrokerConfig broker) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Def def : DEFS) {
            String override = overrides.get(def.name);
            values.put(def.name, override != null ? ConfigDef.parseType(def.name, override, def.type) : def.brokerDefault.apply(broker));
        }
        return values;
    }

    /** The storage engine's settings for a topic with these (already validated) overrides. */
    public static LogConfig logConfig(Map<String, String> overrides, BrokerConfig broker) {
        Map<String, Object> v = effective(overrides, broker);
        TimestampType timestampType = "LogAppendTime".equals(v.get("message.timestamp.type"))
                ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        return new LogConfig(
                (Integer) v.get("segment.bytes"),
                (Long) v.get("segment.ms"),
                (Long) v.get("retention.ms"),
                (Long) v.get("retention.bytes"),
                (Integer) v.get("index.interval.bytes"),
                (Integer) v.get("segment.index.bytes"),
                (Integer) v.get("max.message.bytes"),
                timestampType,
                (Long) v.get("message.timestamp.before.max.ms"),
                (Long) v.get("message.timestamp.after.max.ms"),
                (Long) v.get("flush.messages"),
                (Long) v.get("file.delete.delay.ms"),
                cleanupPolicy(v),
                compression(v));
    }

    /** {@code compression.type} with its level; empty for {@code producer}. */
    private static Optional<Compression> compression(Map<String, Object> v) {
        String type = (String) v.get(TopicConfig.COMPRESSION_TYPE_CONFIG);
        return switch (type) {
            case "producer" -> Optional.empty();
            case "uncompressed" -> Optional.of(Compression.NONE);
            case "gzip" -> Optional.of(Compression.gzip().level((Integer) v.get(TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG)).build());
            case "lz4" -> Optional.of(Compression.lz4().level((Integer) v.get(TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG)).build());
            case "zstd" -> Optional.of(Compression.zstd().level((Integer) v.get(TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG)).build());
            default -> Optional.of(Compression.of(type).build());
        };
    }

    /** {@code cleanup.policy} and the compaction settings, as the storage engine takes them. */
    private static CleanupPolicy cleanupPolicy(Map<String, Object> v) {
        @SuppressWarnings("unchecked")
        List<String> policy = (List<String>) v.get("cleanup.policy");
        return new CleanupPolicy(
                policy.contains("compact"),
                policy.contains("delete"),
                (Long) v.get("delete.retention.ms"),
                (Long) v.get("min.compaction.lag.ms"),
                (Long) v.get("max.compaction.lag.ms"),
                (Double) v.get("min.cleanable.dirty.ratio"));
    }

    private static Def find(String name) {
        for (Def d : DEFS) {
            if (d.name.equals(name)) {
                return d;
            }
        }
        return null;
    }
}
