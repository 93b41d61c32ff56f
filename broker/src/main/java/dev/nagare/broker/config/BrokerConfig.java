package dev.nagare.broker.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

import dev.nagare.storage.CleanerConfig;

/**
 * The broker's configuration: every key Nagare honours, declared once with Kafka's name, type, default and
 * validation, parsed and checked when the broker starts. A wrong value stops start-up with a
 * {@link ConfigException} naming the key; keys Nagare does not know are collected in {@link #unknownKeys()} and
 * keys that Kafka knows but that have no effect on a single Nagare node in {@link #ignoredKafkaKeys()}, so that
 * start-up can report both.
 *
 * <p>Immutable and thread-safe.
 */
public final class BrokerConfig {

    public static final String NODE_ID = "node.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIR = "log.dir";
    public static final String LOG_DIRS = "log.dirs";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    public static final String LOG_ROLL_JITTER_HOURS = "log.roll.jitter.hours";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_PREALLOCATE = "log.preallocate";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_LOCAL_RETENTION_MS = "log.local.retention.ms";
    public static final String LOG_LOCAL_RETENTION_BYTES = "log.local.retention.bytes";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String MAX_REQUEST_PARTITION_SIZE_LIMIT = "max.request.partition.size.limit";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String OFFSETS_LOAD_BUFFER_SIZE = "offsets.load.buffer.size";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    /** Nagare's own: where /metrics, the JSON API and the console are served. */
    public static final String HTTP_LISTENERS = "http.listeners";
    /** Where {@link #HTTP_LISTENERS} serves by default (and where {@code nagare lag} looks for the status). */
    public static final String DEFAULT_HTTP_LISTENERS = "http://127.0.0.1:8080";

    /** Kafka's check of a gzip level: -1 (the codec's default) or 1 to 9. */
    static final ConfigDef.Validator GZIP_LEVEL = (name, value) -> {
        int level = (Integer) value;
        if (level != -1 && (level < 1 || level > 9)) {
            throw new ConfigException(name, value, "Value must be between 1 and 9 or equal to -1");
        }
    };

    /** Every key Nagare honours. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(NODE_ID, Type.INT, 1, atLeast(0), HIGH, "The id of this node.")
            .define(LISTENERS, Type.STRING, "PLAINTEXT://:9092", HIGH,
                    "Where the broker listens for Kafka clients: PLAINTEXT://host:port (empty host: all interfaces).")
            .define(ADVERTISED_LISTENERS, Type.STRING, null, HIGH,
                    "The address given to clients in metadata; defaults to listeners.")
            .define(LOG_DIR, Type.STRING, "./data", HIGH, "The directory holding the log data (used when log.dirs is not set).")
            .define(LOG_DIRS, Type.STRING, null, HIGH, "The directory holding the log data. One directory only.")
            .define(NUM_PARTITIONS, Type.INT, 1, atLeast(1), MEDIUM, "The default number of partitions of a new topic.")
            .define(DEFAULT_REPLICATION_FACTOR, Type.INT, 1, MEDIUM, "The default replication factor of a new topic.")
            .define(AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, true, HIGH, "Create a topic when a client asks for its metadata.")
            .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, HIGH, "Allow DeleteTopics.")
            .define(MESSAGE_MAX_BYTES, Type.INT, 1048588, atLeast(0), HIGH, "The largest record batch accepted.")
            .define(LOG_SEGMENT_BYTES, Type.INT, 1073741824, atLeast(1024 * 1024), HIGH, "The maximum size of a segment file.")
            .define(LOG_ROLL_MS, Type.LONG, null, HIGH, "Roll a segment after this long (overrides log.roll.hours).")
            .define(LOG_ROLL_HOURS, Type.INT, 168, atLeast(1), HIGH, "Roll a segment after this many hours.")
            .define(LOG_ROLL_JITTER_MS, Type.LONG, null, HIGH, "Jitter subtracted from the roll time.")
            .define(LOG_ROLL_JITTER_HOURS, Type.INT, 0, atLeast(0), HIGH, "Jitter subtracted from the roll time, in hours.")
            .define(LOG_RETENTION_MS, Type.LONG, null, HIGH, "Delete segments older than this; -1 keeps them forever.")
            .define(LOG_RETENTION_MINUTES, Type.INT, null, HIGH, "Retention in minutes (used when log.retention.ms is not set).")
            .define(LOG_RETENTION_HOURS, Type.INT, 168, HIGH, "Retention in hours (used when neither ms nor minutes is set).")
            .define(LOG_RETENTION_BYTES, Type.LONG, -1L, HIGH, "Delete oldest segments while a partition is larger than this; -1 no limit.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 300000L, atLeast(1), MEDIUM, "How often retention runs.")
            .define(LOG_INDEX_INTERVAL_BYTES, Type.INT, 4096, atLeast(0), MEDIUM, "Bytes of batches between two index entries.")
            .define(LOG_INDEX_SIZE_MAX_BYTES, Type.INT, 10485760, atLeast(4), MEDIUM, "The maximum size of an index file.")
            .define(LOG_FLUSH_INTERVAL_MESSAGES, Type.LONG, Long.MAX_VALUE, atLeast(1), HIGH,
                    "1: fsync every append before acknowledging it (group commit). Otherwise the OS flushes.")
            .define(LOG_FLUSH_INTERVAL_MS, Type.LONG, null, HIGH, "Accepted for compatibility; flushing is by message count.")
            .define(LOG_SEGMENT_DELETE_DELAY_MS, Type.LONG, 60000L, atLeast(0), HIGH, "How long deleted segment files stay for reads in flight.")
            .define(LOG_MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime", ValidString.in("CreateTime", "LogAppendTime"), MEDIUM,
                    "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker's clock.")
            .define(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
                    "Reject CreateTime batches older than this.")
            .define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, 3600000L, atLeast(0), MEDIUM,
                    "Reject CreateTime batches newer than now plus this.")
            .define(LOG_CLEANUP_POLICY, Type.LIST, "delete", ConfigDef.ValidList.in("compact", "delete"), MEDIUM, "delete and/or compact.")
            .define(LOG_PREALLOCATE, Type.BOOLEAN, false, MEDIUM, "Accepted for compatibility.")
            .define(LOG_CLEANER_DELETE_RETENTION_MS, Type.LONG, 86400000L, atLeast(0), MEDIUM, "How long tombstones are kept.")
            .define(LOG_CLEANER_MIN_COMPACTION_LAG_MS, Type.LONG, 0L, atLeast(0), MEDIUM, "Minimum age before a record is compacted.")
            .define(LOG_CLEANER_MAX_COMPACTION_LAG_MS, Type.LONG, Long.MAX_VALUE, atLeast(1), MEDIUM, "Maximum age before compaction.")
            .define(LOG_CLEANER_MIN_CLEANABLE_RATIO, Type.DOUBLE, 0.5, between(0, 1), MEDIUM, "Dirty ratio that triggers compaction.")
            .define(LOG_CLEANER_ENABLE, Type.BOOLEAN, true, MEDIUM,
                    "Run the log cleaner thread, which compacts the topics with cleanup.policy compact.")
            .define(LOG_CLEANER_BACKOFF_MS, Type.LONG, 15000L, atLeast(0), MEDIUM,
                    "The pause between two passes of the log cleaner.")
            .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, Type.LONG, 134217728L, MEDIUM,
                    "The most memory the key maps of all cleaner threads together may take (24 bytes per slot); more than 1 MiB per thread.")
            .define(LOG_CLEANER_THREADS, Type.INT, 1, atLeast(0), MEDIUM,
                    "How many compacted logs the cleaner cleans at the same time, each on a thread of its own.")
            .define(LOG_LOCAL_RETENTION_MS, Type.LONG, -2L, atLeast(-2), MEDIUM, "Tiered storage; accepted for compatibility.")
            .define(LOG_LOCAL_RETENTION_BYTES, Type.LONG, -2L, atLeast(-2), MEDIUM, "Tiered storage; accepted for compatibility.")
            .define(COMPRESSION_TYPE, Type.STRING, "producer",
                    ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), HIGH,
                    "The compression of stored batches; producer keeps what the producer sent.")
            .define(COMPRESSION_GZIP_LEVEL, Type.INT, -1, GZIP_LEVEL, MEDIUM, "gzip level.")
            .define(COMPRESSION_LZ4_LEVEL, Type.INT, 9, between(1, 17), MEDIUM, "lz4 level.")
            .define(COMPRESSION_ZSTD_LEVEL, Type.INT, 3, between(-131072, 22), MEDIUM, "zstd level.")
            .define(MIN_INSYNC_REPLICAS, Type.INT, 1, atLeast(1), HIGH, "Accepted; meaningful once there are replicas.")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, false, HIGH, "Accepted; meaningful once there are replicas.")
            .define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 104857600, atLeast(1), HIGH,
                    "The largest request frame; a bigger one closes the connection.")
            // Kafka's default is 102400. With it a 6 MB fetch response leaves in ~200 KB sendfile calls, each followed by
            // an epoll wait for room; Linux's autotuned send buffer (tcp_wmem, up to 4 MiB here) takes a partition's
            // region in one or two calls: the broker's CPU per GB consumed fell by a third to a half (issue 6 note).
            // Kafka's own CPU falls the same way with -1, so the choice is a default, not a different data path.
            .define(SOCKET_SEND_BUFFER_BYTES, Type.INT, -1, HIGH,
                    "SO_SNDBUF; -1 (the default, unlike Kafka's 102400) leaves the size to the OS's autotuning.")
            .define(SOCKET_RECEIVE_BUFFER_BYTES, Type.INT, 102400, HIGH, "SO_RCVBUF; -1 for the OS default.")
            .define(NUM_NETWORK_THREADS, Type.INT, 3, atLeast(1), HIGH, "Event-loop threads serving connections (at most the number of cores is used).")
            .define(CONNECTIONS_MAX_IDLE_MS, Type.LONG, 600000L, MEDIUM, "Close connections idle for longer.")
            .define(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, Type.INT, 1000, atLeast(0), MEDIUM,
                    "The most incremental fetch sessions kept.")
            .define(FETCH_MAX_BYTES, Type.INT, 57671680, atLeast(1024), MEDIUM, "The most bytes one fetch answers.")
            .define(MAX_REQUEST_PARTITION_SIZE_LIMIT, Type.INT, 2000, atLeast(1), LOW,
                    "The most partitions one DescribeTopicPartitions response describes; the client asks for the rest.")
            // The group coordinator and __consumer_offsets (Kafka 4.1's defaults).
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, Type.INT, 50, atLeast(1), HIGH,
                    "The partitions of __consumer_offsets; fixed once the topic exists.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) 3, atLeast(1), HIGH,
                    "Accepted; a single node keeps one replica of __consumer_offsets.")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES, Type.INT, 104857600, atLeast(1), HIGH,
                    "segment.bytes of __consumer_offsets, kept small for fast compaction and loading.")
            .define(OFFSETS_RETENTION_MINUTES, Type.INT, 10080, atLeast(1), HIGH,
                    "A group's offsets are deleted after it has been empty this long (KIP-211).")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 600000L, atLeast(1), HIGH,
                    "How often expired offsets are looked for.")
            .define(OFFSET_METADATA_MAX_BYTES, Type.INT, 4096, HIGH,
                    "The longest metadata string of a committed offset (OFFSET_METADATA_TOO_LARGE above it).")
            .define(OFFSETS_COMMIT_TIMEOUT_MS, Type.INT, 5000, atLeast(1), HIGH,
                    "Accepted; a commit is answered once written to the single local replica.")
            .define(OFFSETS_LOAD_BUFFER_SIZE, Type.INT, 5242880, atLeast(1), HIGH,
                    "The read size when __consumer_offsets is replayed at start-up.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, Type.INT, 6000, MEDIUM,
                    "The shortest session.timeout.ms a member may ask for (INVALID_SESSION_TIMEOUT below it).")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, Type.INT, 1800000, MEDIUM,
                    "The longest session.timeout.ms a member may ask for (INVALID_SESSION_TIMEOUT above it).")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, Type.INT, 3000, MEDIUM,
                    "How long the first rebalance of an empty group waits for more members to join.")
            .define(GROUP_MAX_SIZE, Type.INT, Integer.MAX_VALUE, atLeast(1), MEDIUM,
                    "The most members a classic group may have (GROUP_MAX_SIZE_REACHED beyond).")
            .define(HTTP_LISTENERS, Type.STRING, DEFAULT_HTTP_LISTENERS,
                    (name, value) -> HttpListener.parse(name, (String) value), MEDIUM,
                    "Where Prometheus metrics (/metrics), the JSON API (/api/v1/) and the console are served: "
                            + "http://host:port (empty host: all interfaces; port 0: any free port). Empty: no HTTP server.");

    private static final Set<String> KAFKA_KEYS = loadKafkaKeys();

    private final Map<String, Object> values;
    private final Map<String, String> explicitlySet;
    private final Set<String> unknownKeys;
    private final Set<String> ignoredKafkaKeys;
    private final Map<String, String> rawKafkaValues;
    /** The dynamic layers (AlterConfigs), raw strings, keys Nagare does not know included: this broker's, then the cluster default. */
    private final Map<String, String> dynamicBroker;
    private final Map<String, String> dynamicDefault;

    /**
     * Parses and validates.
     *
     * @throws ConfigException naming the key of the first wrong value
     */
    public BrokerConfig(Map<String, String> props) {
        Map<String, String> known = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        Set<String> ignored = new TreeSet<>();
        Map<String, String> rawKafka = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (DEFINITION.names().contains(e.getKey())) {
                known.put(e.getKey(), e.getValue());
            } else if (KAFKA_KEYS.contains(e.getKey())) {
                ignored.add(e.getKey());
                rawKafka.put(e.getKey(), e.getValue());
            } else {
                unknown.add(e.getKey());
            }
        }
        this.values = Collections.unmodifiableMap(DEFINITION.parse(known));
        this.explicitlySet = Collections.unmodifiableMap(known);
        this.unknownKeys = Collections.unmodifiableSet(unknown);
        this.ignoredKafkaKeys = Collections.unmodifiableSet(ignored);
        this.rawKafkaValues = Collections.unmodifiableMap(rawKafka);
        this.dynamicBroker = Map.of();
        this.dynamicDefault = Map.of();
        validateCrossKeys();
    }

    private BrokerConfig(BrokerConfig statics, Map<String, Object> values, Map<String, String> dynamicBroker,
                         Map<String, String> dynamicDefault) {
        this.values = Collections.unmodifiableMap(values);
        this.explicitlySet = statics.explicitlySet;
        this.unknownKeys = statics.unknownKeys;
        this.ignoredKafkaKeys = statics.ignoredKafkaKeys;
        this.rawKafkaValues = statics.rawKafkaValues;
        this.dynamicBroker = Collections.unmodifiableMap(new LinkedHashMap<>(dynamicBroker));
        this.dynamicDefault = Collections.unmodifiableMap(new LinkedHashMap<>(dynamicDefault));
    }

    /**
     * This broker's static configuration with these dynamic layers over it, as Kafka resolves them: this broker's
     * dynamic value, else the cluster-wide dynamic default, else the static value, else the default. Keys Nagare does
     * not declare are kept in the layers (Kafka accepts them) but change nothing.
     *
     * @throws ConfigException naming the key of the first wrong value
     */
    public BrokerConfig withDynamic(Map<String, String> perBroker, Map<String, String> clusterDefault) {
        Map<String, String> merged = new LinkedHashMap<>(explicitlySet);
        for (Map<String, String> layer : List.of(clusterDefault, perBroker)) {
            layer.forEach((k, v) -> {
                if (DEFINITION.names().contains(k)) {
                    merged.put(k, v);
                }
            });
        }
        Map<String, Object> parsed = DEFINITION.parse(merged);
        validateCleaner(parsed);
        return new BrokerConfig(this, parsed, perBroker, clusterDefault);
    }

    /** This broker's dynamic configs (raw). */
    public Map<String, String> dynamicBrokerValues() {
        return dynamicBroker;
    }

    /** The cluster-wide dynamic defaults (raw). */
    public Map<String, String> dynamicDefaultValues() {
        return dynamicDefault;
    }

    /** The statically given values (file and overrides) of the keys Nagare declares. */
    public Map<String, String> staticValues() {
        return explicitlySet;
    }

    /** True for a broker key Apache Kafka defines (whether or not Nagare honours it). */
    public static boolean isKafkaKey(String key) {
        return KAFKA_KEYS.contains(key) || DEFINITION.names().contains(key);
    }

    private void validateCrossKeys() {
        String dirs = logDirsRaw();
        if (dirs.contains(",")) {
            throw new ConfigException(LOG_DIRS, dirs, "Nagare keeps its data in one directory; give exactly one.");
        }
        listener(); // parses, throws naming the key
        advertisedListener();
        if (defaultReplicationFactor() != 1) {
            throw new ConfigException(DEFAULT_REPLICATION_FACTOR, defaultReplicationFactor(),
                    "A single Nagare node can only keep one replica.");
        }
        validateCleaner(values);
    }

    /**
     * Kafka's check of the cleaner's memory ({@code require} in its KafkaConfig, same message): more than 1 MiB of
     * dedupe buffer per cleaner thread. Kafka answers 0 threads with an ArithmeticException ("/ by zero"); Nagare
     * with the message of Kafka's own reconfiguration check.
     */
    private static void validateCleaner(Map<String, Object> values) {
        int threads = (Integer) values.get(LOG_CLEANER_THREADS);
        if (threads < 1) {
            throw new ConfigException("Log cleaner threads should be at least 1");
        }
        if ((Long) values.get(LOG_CLEANER_DEDUPE_BUFFER_SIZE) / threads <= 1024 * 1024) {
            throw new ConfigException("requirement failed: " + LOG_CLEANER_DEDUPE_BUFFER_SIZE
                    + " must be at least 1MB per cleaner thread.");
        }
    }

    /** The log cleaner's settings ({@code log.cleaner.*}). */
    public CleanerConfig cleanerConfig() {
        return new CleanerConfig((Boolean) values.get(LOG_CLEANER_ENABLE), (Long) values.get(LOG_CLEANER_BACKOFF_MS),
                (Long) values.get(LOG_CLEANER_DEDUPE_BUFFER_SIZE), (Integer) values.get(LOG_CLEANER_THREADS));
    }

    public static BrokerConfig defaults() {
        return new BrokerConfig(Map.of());
    }

    /** The parsed value of a declared key (for DescribeConfigs and topic defaults). */
    public Object value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("Undeclared broker config " + key);
        }
        return values.get(key);
    }

    /** True when the key was given in the file or an override. */
    public boolean isSet(String key) {
        return explicitlySet.containsKey(key);
    }

    /** Keys Nagare does not know at all: reported at start-up. */
    public Set<String> unknownKeys() {
        return unknownKeys;
    }

    /** Kafka broker keys that have no effect on a single Nagare node: reported at start-up. */
    public Set<String> ignoredKafkaKeys() {
        return ignoredKafkaKeys;
    }

    public int nodeId() {
        return (Integer) values.get(NODE_ID);
    }

    public Listener listener() {
        return Listener.parse(LISTENERS, (String) values.get(LISTENERS), controllerListenerNames());
    }

    public Listener advertisedListener() {
        String advertised = (String) values.get(ADVERTISED_LISTENERS);
        return advertised == null ? listener() : Listener.parse(ADVERTISED_LISTENERS, advertised, controllerListenerNames());
    }

    /**
     * The listeners a KRaft file gives to its controller ({@code controller.listener.names}, a Kafka key with no
     * effect here): a Kafka {@code server.properties} names them beside the client listener, and Nagare, having no
     * separate controller, leaves them out.
     */
    private Set<String> controllerListenerNames() {
        String names = rawKafkaValues.get("controller.listener.names");
        Set<String> out = new HashSet<>(List.of("CONTROLLER"));
        if (names != null) {
            for (String n : names.split(",")) {
                if (!n.isBlank()) {
                    out.add(n.trim());
                }
            }
        }
        return out;
    }

    /** The HTTP listener, or empty when {@code http.listeners} is empty (no HTTP server). */
    public java.util.Optional<HttpListener> httpListener() {
        return HttpListener.parse(HTTP_LISTENERS, (String) values.get(HTTP_LISTENERS));
    }

    private String logDirsRaw() {
        String dirs = (String) values.get(LOG_DIRS);
        return dirs != null ? dirs.trim() : ((String) values.get(LOG_DIR)).trim();
    }

    public Path logDir() {
        return Path.of(logDirsRaw());
    }

    public int numPartitions() {
        return (Integer) values.get(NUM_PARTITIONS);
    }

    public int defaultReplicationFactor() {
        return (Integer) values.get(DEFAULT_REPLICATION_FACTOR);
    }

    public boolean autoCreateTopicsEnable() {
        return (Boolean) values.get(AUTO_CREATE_TOPICS_ENABLE);
    }

    public boolean deleteTopicEnable() {
        return (Boolean) values.get(DELETE_TOPIC_ENABLE);
    }

    public int socketRequestMaxBytes() {
        return (Integer) values.get(SOCKET_REQUEST_MAX_BYTES);
    }

    public int socketSendBufferBytes() {
        return (Integer) values.get(SOCKET_SEND_BUFFER_BYTES);
    }

    public int socketReceiveBufferBytes() {
        return (Integer) values.get(SOCKET_RECEIVE_BUFFER_BYTES);
    }

    public int numNetworkThreads() {
        return (Integer) values.get(NUM_NETWORK_THREADS);
    }

    public long connectionsMaxIdleMs() {
        return (Long) values.get(CONNECTIONS_MAX_IDLE_MS);
    }

    public long retentionCheckIntervalMs() {
        return (Long) values.get(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    public int maxIncrementalFetchSessionCacheSlots() {
        return (Integer) values.get(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS);
    }

    public int fetchMaxBytes() {
        return (Integer) values.get(FETCH_MAX_BYTES);
    }

    public int maxRequestPartitionSizeLimit() {
        return (Integer) values.get(MAX_REQUEST_PARTITION_SIZE_LIMIT);
    }

    public int intValue(String key) {
        return (Integer) value(key);
    }

    public long longValue(String key) {
        return (Long) value(key);
    }

    /** log.retention.ms, else .minutes, else .hours, as Kafka resolves them. */
    public long retentionMs() {
        Long ms = (Long) values.get(LOG_RETENTION_MS);
        if (ms != null) {
            return ms < 0 ? -1 : ms;
        }
        Integer minutes = (Integer) values.get(LOG_RETENTION_MINUTES);
        if (minutes != null) {
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        int hours = (Integer) values.get(LOG_RETENTION_HOURS);
        return hours < 0 ? -1 : hours * 3_600_000L;
    }

    /** log.roll.ms, else .hours. */
    public long rollMs() {
        Long ms = (Long) values.get(LOG_ROLL_MS);
        return ms != null ? ms : (Integer) values.get(LOG_ROLL_HOURS) * 3_600_000L;
    }

    public long rollJitterMs() {
        Long ms = (Long) values.get(LOG_ROLL_JITTER_MS);
        return ms != null ? ms : (Integer) values.get(LOG_ROLL_JITTER_HOURS) * 3_600_000L;
    }

    public long flushIntervalMs() {
        Long ms = (Long) values.get(LOG_FLUSH_INTERVAL_MS);
        return ms != null ? ms : Long.MAX_VALUE;
    }

    /** The raw string of a key as given, or null. */
    public String originalValue(String key) {
        return explicitlySet.get(key);
    }

    private static Set<String> loadKafkaKeys() {
        Set<String> keys = new HashSet<>();
        try (InputStream in = BrokerConfig.class.getResourceAsStream("kafka-broker-keys.txt")) {
            if (in == null) {
                throw new IllegalStateException("kafka-broker-keys.txt missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    keys.add(line.trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        keys.addAll(List.of("process.roles", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
                "controller.listener.names", "inter.broker.listener.name", "listener.security.protocol.map"));
        return Collections.unmodifiableSet(keys);
    }

    /**
     * One PLAINTEXT listener.
     *
     * @param host the host; empty means every interface
     */
    public record Listener(String name, String host, int port) {
        static Listener parse(String key, String value, Set<String> controllerNames) {
            List<String> candidates = new java.util.ArrayList<>();
            for (String entry : value.split(",")) {
                String e = entry.trim();
                int scheme = e.indexOf("://");
                if (!e.isEmpty() && !(scheme > 0 && controllerNames.contains(e.substring(0, scheme)))) {
                    candidates.add(e);
                }
            }
            if (candidates.size() != 1) {
                throw new ConfigException(key, value,
                        "Nagare serves one client listener (controller listeners are left out); give exactly one.");
            }
            String v = candidates.get(0);
            int scheme = v.indexOf("://");
            if (scheme <= 0) {
                throw new ConfigException(key, value, "Expected NAME://host:port, e.g. PLAINTEXT://:9092");
            }
            String name = v.substring(0, scheme);
            if (!name.equals("PLAINTEXT")) {
                throw new ConfigException(key, value, "Only the PLAINTEXT listener is supported.");
            }
            HostPort hp = HostPort.parse(key, value, v.substring(scheme + 3),
                    "Expected NAME://host:port, e.g. PLAINTEXT://:9092");
            return new Listener(name, hp.host(), hp.port());
        }
    }

    /**
     * The HTTP listener: one {@code http://host:port}.
     *
     * @param host the host; empty means every interface
     */
    public record HttpListener(String host, int port) {
        static java.util.Optional<HttpListener> parse(String key, String value) {
            if (value == null || value.isBlank()) {
                return java.util.Optional.empty();
            }
            String v = value.trim();
            if (v.contains(",")) {
                throw new ConfigException(key, value, "Nagare serves HTTP on one listener; give exactly one.");
            }
            if (!v.startsWith("http://")) {
                throw new ConfigException(key, value, "Expected http://host:port, e.g. http://127.0.0.1:8080"
                        + (v.startsWith("https://") ? " (https is not supported)" : ""));
            }
            String hostPort = v.substring("http://".length());
            String expected = "Expected http://host:port, e.g. http://127.0.0.1:8080";
            if (hostPort.indexOf('/') >= 0) {
                throw new ConfigException(key, value, expected);
            }
            HostPort hp = HostPort.parse(key, value, hostPort, expected);
            return java.util.Optional.of(new HttpListener(hp.host(), hp.port()));
        }
    }

    /** The {@code host:port} part of a listener ({@code [v6]} brackets removed; empty host: every interface). */
    private record HostPort(String host, int port) {
        static HostPort parse(String key, String value, String hostPort, String expected) {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new ConfigException(key, value, expected);
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "The port is not a number.");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException(key, value, "The port must be between 0 and 65535.");
            }
            return new HostPort(host, port);
        }
    }
}
