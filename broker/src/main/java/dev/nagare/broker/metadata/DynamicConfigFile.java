package dev.nagare.broker.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * The broker configs changed at run time (AlterConfigs on the BROKER resource), persisted so that they survive a
 * restart: {@code <log.dir>/.nagare-metadata/broker-configs.properties}, one line per value, {@code broker.<key>} for
 * this node's own and {@code default.<key>} for the cluster-wide defaults. The file is replaced atomically, so after a
 * crash it holds the layers before or after a change, never half of one.
 *
 * <p>Stateless; the caller serializes writes (one AlterConfigs at a time).
 */
public final class DynamicConfigFile {

    private static final String FILE = "broker-configs.properties";
    private static final String BROKER = "broker.";
    private static final String DEFAULT = "default.";

    /** This node's dynamic configs and the cluster-wide dynamic defaults. */
    public record Layers(Map<String, String> perBroker, Map<String, String> clusterDefault) {
        public Layers {
            perBroker = Map.copyOf(perBroker);
            clusterDefault = Map.copyOf(clusterDefault);
        }
    }

    private DynamicConfigFile() {
    }

    /** The layers stored under {@code logDir}; empty ones when nothing was ever changed. */
    public static Layers load(Path logDir) throws IOException {
        Path file = file(logDir);
        if (!Files.exists(file)) {
            return new Layers(Map.of(), Map.of());
        }
        Map<String, String> perBroker = new HashMap<>();
        Map<String, String> clusterDefault = new HashMap<>();
        AtomicFiles.readProperties(file).forEach((k, v) -> {
            if (k.startsWith(BROKER)) {
                perBroker.put(k.substring(BROKER.length()), v);
            } else if (k.startsWith(DEFAULT)) {
                clusterDefault.put(k.substring(DEFAULT.length()), v);
            }
        });
        return new Layers(perBroker, clusterDefault);
    }

    /** Replaces the stored layers. */
    public static void save(Path logDir, Layers layers) {
        Map<String, String> p = new TreeMap<>();
        layers.perBroker().forEach((k, v) -> p.put(BROKER + k, v));
        layers.clusterDefault().forEach((k, v) -> p.put(DEFAULT + k, v));
        try {
            Files.createDirectories(file(logDir).getParent());
            AtomicFiles.writeProperties(file(logDir), p);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write the dynamic broker configs", e);
        }
    }

    private static Path file(Path logDir) {
        return logDir.resolve(TopicRegistry.METADATA_DIR).resolve(FILE);
    }
}
