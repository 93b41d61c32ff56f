package dev.nagare.broker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.Broker;
import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.config.ServerProperties;
import dev.nagare.broker.network.NetworkServer;
import dev.nagare.storage.LogManager;

/**
 * The training run behind {@code ./nagare}'s class-data archive: starts a broker on free ports in a temporary
 * directory and stops it, so that a JVM run with {@code -XX:ArchiveClassesAtExit} (JDK 17–24) or
 * {@code -XX:AOTCacheOutput} (JDK 25+) records the classes a start loads. Later starts map them from the archive
 * instead of reading, verifying and linking each from the jars, which halves the time to an open port.
 */
public final class StartupTraining {

    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        NetworkServer.prepareProcess();
        Path dir = Files.createTempDirectory("nagare-training");
        try {
            BrokerConfig config = new BrokerConfig(ServerProperties.load(null, List.of(
                    "log.dirs=" + dir, "listeners=PLAINTEXT://127.0.0.1:0", "http.listeners=http://127.0.0.1:0")));
            Broker.start(config, Time.SYSTEM).close();
        } finally {
            LogManager.deleteRecursively(dir);
        }
    }
}
