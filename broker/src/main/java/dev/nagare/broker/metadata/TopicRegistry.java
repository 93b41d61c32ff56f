package dev.nagare.broker.metadata;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topics of this node, persisted one file per topic under {@code <log.dir>/.nagare-metadata/topics/}:
 * {@code <topic>.properties} holding {@code topic.id}, {@code partitions} and {@code config.<key>=<value>} for each
 * override. A file is written atomically before the change is visible, so after a crash a topic either exists
 * whole or not at all.
 *
 * <p>Reads are lock-free (concurrent maps of immutable {@link TopicInfo}); changes are serialized on this object's
 * monitor, and listeners are told of each change on the changing thread.
 */
public final class TopicRegistry {

    public static final String METADATA_DIR = ".nagare-metadata";
    private static final String SUFFIX = ".properties";

    private final Path topicsDir;
    private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();
    private final List<Consumer<TopicInfo>> deleteListeners = new CopyOnWriteArrayList<>();

    public TopicRegistry(Path logDir) throws IOException {
        this.topicsDir = logDir.resolve(METADATA_DIR).resolve("topics");
        Files.createDirectories(topicsDir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(topicsDir, "*" + SUFFIX)) {
            for (Path file : files) {
                TopicInfo topic = read(file);
                byName.put(topic.name(), topic);
                byId.put(topic.id(), topic);
            }
        }
    }

    public Optional<TopicInfo> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<TopicInfo> get(Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<TopicInfo> all() {
        return byName.values();
    }

    /** Called with each deleted topic after it has been removed. */
    public void onDelete(Consumer<TopicInfo> listener) {
        deleteListeners.add(listener);
    }

    /**
     * Creates a topic; the caller has validated name, partitions and configs.
     *
     * @throws TopicExistsException when it exists
     */
    public synchronized TopicInfo create(String name, int partitions, Map<String, String> configs) {
        if (byName.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        Uuid id = Uuid.randomUuid();
        while (byId.containsKey(id)) {
            id = Uuid.randomUuid();
        }
        TopicInfo topic = new TopicInfo(name, id, partitions, configs);
        persist(topic);
        byId.put(topic.id(), topic);
        byName.put(name, topic);
        return topic;
    }

    /** Replaces a topic's partition count or configs (same id). */
    public synchronized TopicInfo update(TopicInfo topic) {
        TopicInfo old = byName.get(topic.name());
        if (old == null || !old.id().equals(topic.id())) {
            throw new UnknownTopicOrPartitionException("Topic '" + topic.name() + "' does not exist.");
        }
        persist(topic);
        byId.put(topic.id(), topic);
        byName.put(topic.name(), topic);
        return topic;
    }

    /** Deletes a topic's metadata, then tells the listeners (which delete its logs). */
    public synchronized TopicInfo delete(String name) {
        TopicInfo topic = byName.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
        }
        try {
            Files.deleteIfExists(file(name));
            AtomicFiles.fsyncDirectory(topicsDir);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot delete the metadata of topic " + name, e);
        }
        byName.remove(name);
        byId.remove(topic.id());
        for (Consumer<TopicInfo> l : deleteListeners) {
            l.accept(topic);
        }
        return topic;
    }

    private Path file(String name) {
        return topicsDir.resolve(name + SUFFIX);
    }

    private void persist(TopicInfo topic) {
        Map<String, String> p = new HashMap<>();
        p.put("topic.name", topic.name());
        p.put("topic.id", topic.id().toString());
        p.put("partitions", String.valueOf(topic.partitions()));
        topic.configs().forEach((k, v) -> p.put("config." + k, v));
        try {
            AtomicFiles.writeProperties(file(topic.name()), p);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write the metadata of topic " + topic.name(), e);
        }
    }

    private static TopicInfo read(Path file) throws IOException {
        Map<String, String> p = AtomicFiles.readProperties(file);
        Map<String, String> configs = new HashMap<>();
        p.forEach((k, v) -> {
            if (k.startsWith("config.")) {
                configs.put(k.substring("config.".length()), v);
            }
        });
        return new TopicInfo(p.get("topic.name"), Uuid.fromString(p.get("topic.id")),
                Integer.parseInt(p.get("partitions")), configs);
    }
}
