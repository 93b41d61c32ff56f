package dev.nagare.broker.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;

/**
 * The cluster id and node id kept in the log directory's {@code meta.properties}, in Kafka's format
 * ({@code version=1}, {@code cluster.id}, {@code node.id}, {@code directory.id}). Written on first start; a later
 * start with a different {@code node.id} is refused, as Kafka refuses it.
 */
public record NodeIdentity(String clusterId, int nodeId, Uuid directoryId) {

    public static final String FILE_NAME = "meta.properties";

    public static NodeIdentity loadOrCreate(Path logDir, int nodeId) throws IOException {
        Path file = logDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            Map<String, String> p = AtomicFiles.readProperties(file);
            int stored = Integer.parseInt(p.getOrDefault("node.id", String.valueOf(nodeId)));
            if (stored != nodeId) {
                throw new ConfigException("node.id", nodeId, "The log directory " + logDir + " belongs to node "
                        + stored + " (" + file + ")");
            }
            Uuid dirId = p.containsKey("directory.id") ? Uuid.fromString(p.get("directory.id")) : Uuid.randomUuid();
            return new NodeIdentity(p.get("cluster.id"), stored, dirId);
        }
        NodeIdentity id = new NodeIdentity(Uuid.randomUuid().toString(), nodeId, Uuid.randomUuid());
        Map<String, String> p = new LinkedHashMap<>();
        p.put("version", "1");
        p.put("cluster.id", id.clusterId);
        p.put("node.id", String.valueOf(nodeId));
        p.put("directory.id", id.directoryId.toString());
        Files.createDirectories(logDir);
        AtomicFiles.writeProperties(file, p);
        return id;
    }
}
