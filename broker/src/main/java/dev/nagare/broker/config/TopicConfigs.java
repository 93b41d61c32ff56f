package dev.nagare.broker.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;

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

    /** Where an effective value comes from, in DescribeConfigs' terms. */
    public enum Source {
        TOPIC_CONFIG((byte) 1), STATIC_BROKER_CONFIG((byte) 4), DEFAULT_CONFIG((byte) 5);

        public final byte id;

        Source(byte id) {
            this.id = id;
        }
    }

    /** One effective config of a topic; synonyms run from the most specific to the default. */
    public record Entry(String name, String value, Source source, Type type, String documentation, List<Synonym> synonyms) {
    }

    public record Synonym(String name, String value, Source source) {
    }

    private record Def(String name, Type type, ConfigDef.Validator validator, String doc,
                       String brokerKey, Function<BrokerConfig, Object> brokerDefault) {
    }

    private static final List<Def> DEFS = new ArrayList<>();
    private static final ConfigDef DEFINITION = new ConfigDef();

    static {
        def("cleanup.policy", Type.LIST, ConfigDef.ValidList.in("compact", "delete"), "delete and/or compact.",
                BrokerConfig.LOG_CLEANUP_POLICY);
        def("compression.type", Type.STRING, ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                "The compression of stored batches.", BrokerConfig.COMPRESSION_TYPE);
        def("compression.gzip.level", Type.INT, null, "gzip level.", BrokerConfig.COMPRESSION_GZIP_LEVEL);
        def("compression.lz4.level", Type.INT, between(1, 17), "lz4 level.", BrokerConfig.COMPRESSION_LZ4_LEVEL);
        def("compression.zstd.level", Type.INT, between(-131072, 22), "zstd level.", BrokerConfig.COMPRESSION_ZSTD_LEVEL);
        def("delete.retention.ms", Type.LONG, atLeast(0), "How long tombstones are kept.",
                BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS);
        def("file.delete.delay.ms", Type.LONG, atLeast(0), "How long deleted segment files stay.",
                BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS);
        def("flush.messages", Type.LONG, atLeast(1), "1: fsync every append before acknowledging it.",
                BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES);
        DEFS.add(new Def("flush.ms", Type.LONG, atLeast(0), "Accepted for compatibility.",
                BrokerConfig.LOG_FLUSH_INTERVAL_MS, BrokerConfig::flushIntervalMs));
        DEFS.add(new Def("follower.replication.throttled.replicas", Type.LIST, null, "Accepted for compatibility.",
                null, b -> List.of()));
        def("index.interval.bytes", Type.INT, atLeast(0), "Bytes of batches between index entries.",
                BrokerConfig.LOG_INDEX_INTERVAL_BYTES);
        DEFS.add(new Def("leader.replication.throttled.replicas", Type.LIST, null, "Accepted for compatibility.",
                null, b -> List.of()));
        def("local.retention.bytes", Type.LONG, atLeast(-2), "Tiered storage; accepted.", BrokerConfig.LOG_LOCAL_RETENTION_BYTES);
        def("local.retention.ms", Type.LONG, atLeast(-2), "Tiered storage; accepted.", BrokerConfig.LOG_LOCAL_RETENTION_MS);
        def("max.compaction.lag.ms", Type.LONG, atLeast(1), "Maximum age before compaction.",
                BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS);
        def("max.message.bytes", Type.INT, atLeast(0), "The largest record batch accepted.", BrokerConfig.MESSAGE_MAX_BYTES);
        def("message.timestamp.after.max.ms", Type.LONG, atLeast(0), "Reject CreateTime batches newer than now plus this.",
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        def("message.timestamp.before.max.ms", Type.LONG, atLeast(0), "Reject CreateTime batches older than now minus this.",
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        def("message.timestamp.type", Type.STRING, ValidString.in("CreateTime", "LogAppendTime"),
                "CreateTime or LogAppendTime.", BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE);
        def("min.cleanable.dirty.ratio", Type.DOUBLE, between(0, 1), "Dirty ratio that triggers compaction.",
                BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO);
        def("min.compaction.lag.ms", Type.LONG, atLeast(0), "Minimum age before compaction.",
                BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS);
        def("min.insync.replicas", Type.INT, atLeast(1), "Accepted; meaningful once there are replicas.",
                BrokerConfig.MIN_INSYNC_REPLICAS);
        def("preallocate", Type.BOOLEAN, null, "Accepted for compatibility.", BrokerConfig.LOG_PREALLOCATE);
        DEFS.add(new Def("remote.log.copy.disable", Type.BOOLEAN, null, "Tiered storage; accepted.", null, b -> false));
        DEFS.add(new Def("remote.log.delete.on.disable", Type.BOOLEAN, null, "Tiered storage; accepted.", null, b -> false));
        DEFS.add(new Def("remote.storage.enable", Type.BOOLEAN, null, "Tiered storage; accepted.", null, b -> false));
        def("retention.bytes", Type.LONG, null, "Delete oldest segments while the partition is larger; -1 no limit.",
                BrokerConfig.LOG_RETENTION_BYTES);
        DEFS.add(new Def("retention.ms", Type.LONG, atLeast(-1), "Delete segments older than this; -1 forever.",
                null, BrokerConfig::retentionMs));
        def("segment.bytes", Type.INT, atLeast(1024 * 1024), "The maximum size of a segment file.",
                BrokerConfig.LOG_SEGMENT_BYTES);
        def("segment.index.bytes", Type.INT, atLeast(4), "The maximum size of an index file.",
                BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES);
        DEFS.add(new Def("segment.jitter.ms", Type.LONG, atLeast(0), "Jitter subtracted from the roll time.",
                null, BrokerConfig::rollJitterMs));
        DEFS.add(new Def("segment.ms", Type.LONG, atLeast(1), "Roll a segment after this long.", null, BrokerConfig::rollMs));
        def("unclean.leader.election.enable", Type.BOOLEAN, null, "Accepted; meaningful once there are replicas.",
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

    /** Every topic config of a topic with these overrides, in name order, with values, sources and synonyms. */
    public static List<Entry> describe(Map<String, String> overrides, BrokerConfig broker) {
        List<Entry> out = new ArrayList<>(DEFS.size());
        for (Def def : DEFS) {
            List<Synonym> synonyms = new ArrayList<>(2);
            String override = overrides.get(def.name);
            String brokerValue = ConfigDef.convertToString(def.brokerDefault.apply(broker), def.type);
            String brokerKey = brokerKeyFor(def, broker);
            Source brokerSource = brokerKey != null && broker.isSet(brokerKey) ? Source.STATIC_BROKER_CONFIG : Source.DEFAULT_CONFIG;
            if (override != null) {
                synonyms.add(new Synonym(def.name, override, Source.TOPIC_CONFIG));
            }
            if (brokerKey != null && brokerSource == Source.STATIC_BROKER_CONFIG) {
                synonyms.add(new Synonym(brokerKey, brokerValue, brokerSource));
            }
            if (brokerKey != null) {
                synonyms.add(new Synonym(brokerKey, brokerValue, Source.DEFAULT_CONFIG));
            }
            String value = override != null ? override : brokerValue;
            Source source = override != null ? Source.TOPIC_CONFIG : brokerSource;
            out.add(new Entry(def.name, value, source, def.type, def.doc, Collections.unmodifiableList(synonyms)));
        }
        return out;
    }

    private static String brokerKeyFor(Def def, BrokerConfig broker) {
        return switch (def.name) {
            case "retention.ms" -> broker.retentionMsSource();
            case "segment.ms" -> broker.rollMsSource();
            case "segment.jitter.ms" -> BrokerConfig.LOG_ROLL_JITTER_MS;
            default -> def.brokerKey;
        };
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
                cleanupPolicy(v));
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
