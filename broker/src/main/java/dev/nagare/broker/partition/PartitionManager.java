package dev.nagare.broker.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.config.TopicConfigs;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.metadata.TopicRegistry;
import dev.nagare.broker.network.NamedThreadFactory;
import dev.nagare.storage.Log;
import dev.nagare.storage.LogManager;

/**
 * The partitions of every topic, and the one place where topics are created (CreateTopics and auto-creation) and
 * deleted: it validates as Kafka does, records the topic in the {@link TopicRegistry}, then creates or removes the
 * logs.
 *
 * <p>Thread-safe: lookups read a concurrent map; creation and deletion are serialized on this object. The requests
 * that create, grow or delete topics run on its one {@link #topicOperations()} thread, not on an event loop: a
 * topic of 10,000 partitions is 30,000 files and a directory each to create.
 */
public final class PartitionManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);

    /** The broker configuration with its dynamic values; replaced by {@link #reconfigure}. */
    private volatile BrokerConfig config;
    private final TopicRegistry topics;
    private final LogManager logs;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final ExecutorService topicOperations =
            Executors.newSingleThreadExecutor(new NamedThreadFactory("nagare-topics"));

    public PartitionManager(BrokerConfig config, TopicRegistry topics, LogManager logs) {
        this.config = config;
        this.topics = topics;
        this.logs = logs;
        for (TopicInfo topic : topics.all()) {
            openPartitions(topic, 0);
        }
    }

    public TopicRegistry topics() {
        return topics;
    }

    /** The thread that CreateTopics, CreatePartitions and DeleteTopics run on (their work blocks on the disk). */
    public Executor topicOperations() {
        return topicOperations;
    }

    /** Lets the topic operation under way finish (those queued behind it too, up to a minute), then stops. */
    @Override
    public void close() {
        topicOperations.shutdown();
        try {
            if (!topicOperations.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("A topic operation is still running after 1 minute; closing without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public BrokerConfig brokerConfig() {
        return config;
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /**
     * Completes when the append just made to this partition is durable as its config asks: at once normally
     * (written to the file is what an ack promises), after the next group-commit fsync with
     * {@code flush.messages=1}.
     */
    public CompletableFuture<Void> awaitDurable(Partition partition) {
        Log l = partition.log();
        return l.config().flushEveryAppend() ? logs.flushAsync(l) : CompletableFuture.completedFuture(null);
    }

    /** The validated parameters of a topic to create. */
    public record NewTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    }

    /**
     * Validates a topic creation as Kafka does.
     *
     * @param numPartitions      -1 for {@code num.partitions}
     * @param replicationFactor  -1 for {@code default.replication.factor}
     * @throws InvalidTopicException, TopicExistsException, InvalidPartitionsException,
     *         InvalidReplicationFactorException, InvalidConfigurationException
     */
    public NewTopic validateNewTopic(String name, int numPartitions, short replicationFactor, Map<String, String> configs) {
        Topic.validate(name);
        if (topics.get(name).isPresent()) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (Topic.hasCollisionChars(name)) {
            String unified = Topic.unifyCollisionChars(name);
            for (TopicInfo t : topics.all()) {
                if (Topic.unifyCollisionChars(t.name()).equals(unified)) {
                    throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + t.name());
                }
            }
        }
        int partitionCount = numPartitions == -1 ? config.numPartitions() : numPartitions;
        if (partitionCount <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        short rf = replicationFactor == -1 ? (short) config.defaultReplicationFactor() : replicationFactor;
        if (rf <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (rf > 1) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + rf
                    + " time(s): The target replication factor of " + rf
                    + " cannot be reached because only 1 broker(s) are registered.");
        }
        try {
            TopicConfigs.validate(configs, config);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        return new NewTopic(name, partitionCount, rf, configs);
    }

    /** Creates a validated topic: its metadata first, then its logs. */
    public synchronized TopicInfo createTopic(NewTopic topic) {
        TopicInfo info = topics.create(topic.name(), topic.partitions(), topic.configs());
        openPartitions(info, 0);
        log.info("Created topic {} with {} partition(s), id {}", info.name(), info.partitions(), info.id());
        return info;
    }

    /**
     * Checks that {@code name} exists and that {@code count} is more partitions than it has, with Kafka's messages;
     * returns the topic as it is now.
     *
     * @throws UnknownTopicOrPartitionException no such topic
     * @throws InvalidPartitionsException       {@code count} is not an increase
     */
    public TopicInfo validatePartitionIncrease(String name, int count) {
        TopicInfo topic = topics.get(name).orElseThrow(() -> new UnknownTopicOrPartitionException((String) null)); // no message, as Kafka
        if (count == topic.partitions()) {
            throw new InvalidPartitionsException("Topic already has " + count + " partition(s).");
        }
        if (count < topic.partitions()) {
            throw new InvalidPartitionsException("The topic " + name + " currently has " + topic.partitions()
                    + " partition(s); " + count + " would not be an increase.");
        }
        return topic;
    }

    /**
     * Grows a topic to {@code count} partitions (CreatePartitions), checked again here against the topic as it is
     * under this object's lock: the new count is persisted first, then the new partitions' logs are created; the
     * existing partitions are untouched.
     *
     * @throws UnknownTopicOrPartitionException, InvalidPartitionsException as {@link #validatePartitionIncrease}
     */
    public synchronized TopicInfo addPartitions(String name, int count) {
        TopicInfo topic = validatePartitionIncrease(name, count);
        TopicInfo grown = topics.update(new TopicInfo(name, topic.id(), count, topic.configs()));
        openPartitions(grown, topic.partitions());
        log.info("Topic {} grew from {} to {} partition(s)", name, topic.partitions(), count);
        return grown;
    }

    /** Deletes a topic: its metadata first (so it is gone at once for clients), then its logs. */
    public synchronized TopicInfo deleteTopic(String name) {
        TopicInfo info = topics.delete(name);
        List<TopicPartition> removed = new ArrayList<>(info.partitions());
        List<Partition> gone = new ArrayList<>(info.partitions());
        for (int p = 0; p < info.partitions(); p++) {
            TopicPartition tp = new TopicPartition(name, p);
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                gone.add(partition);
            }
            removed.add(tp);
        }
        logs.delete(removed);
        gone.forEach(Partition::changed); // fetch sessions holding them look again, and find them gone
        log.info("Deleted topic {} (id {})", name, info.id());
        return info;
    }

    /**
     * Replaces a topic's config overrides (validated by the caller): persisted first, then every partition's log runs
     * with the new settings from its next append, roll, retention check or cleaning.
     */
    public synchronized TopicInfo alterTopicConfigs(TopicInfo topic, Map<String, String> overrides) {
        // Read again under the lock: the caller's copy may predate a CreatePartitions that grew the topic.
        TopicInfo current = topics.get(topic.name())
                .orElseThrow(() -> new UnknownTopicOrPartitionException("The topic '" + topic.name() + "' does not exist."));
        TopicInfo updated = topics.update(new TopicInfo(current.name(), current.id(), current.partitions(), overrides));
        applyLogConfig(updated);
        log.info("Topic {} now overrides {}", updated.name(), updated.configs());
        return updated;
    }

    /**
     * Makes {@code newConfig} (this broker's configuration with new dynamic values, validated and persisted by the
     * caller) current, and applies it at once to the log of every topic that does not override what changed, and to
     * the log cleaner.
     */
    public synchronized void reconfigure(BrokerConfig newConfig) {
        config = newConfig;
        logs.reconfigureCleaner(newConfig.cleanerConfig());
        for (TopicInfo topic : topics.all()) {
            applyLogConfig(topic);
        }
    }

    private void applyLogConfig(TopicInfo topic) {
        var logConfig = TopicConfigs.logConfig(topic.configs(), config);
        for (int p = 0; p < topic.partitions(); p++) {
            Partition partition = partitions.get(new TopicPartition(topic.name(), p));
            if (partition != null) {
                partition.log().updateConfig(logConfig);
            }
        }
    }

    /** Opens (creating) the logs of partitions {@code from} up to the topic's count. */
    private void openPartitions(TopicInfo topic, int from) {
        var logConfig = TopicConfigs.logConfig(topic.configs(), config);
        List<Partition> opened = new ArrayList<>(topic.partitions() - from);
        for (int p = from; p < topic.partitions(); p++) {
            TopicPartition tp = new TopicPartition(topic.name(), p);
            Log l = logs.getOrCreate(tp, logConfig);
            opened.add(new Partition(tp, topic.id(), l));
        }
        for (Partition partition : opened) {
            partitions.put(partition.topicPartition(), partition);
        }
    }
}
