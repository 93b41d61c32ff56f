package dev.nagare.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.nagare.storage.CleanupPolicy;
import dev.nagare.storage.LogConfig;

class BrokerConfigTest {

    @Test
    void aWrongValueStopsStartUpWithAMessageNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> new BrokerConfig(Map.of("num.partitions", "zero")));
        assertTrue(e.getMessage().contains("num.partitions"), e.getMessage());
        ConfigException range = assertThrows(ConfigException.class, () -> new BrokerConfig(Map.of("log.segment.bytes", "1000")));
        assertTrue(range.getMessage().contains("log.segment.bytes"), range.getMessage());
        ConfigException listener = assertThrows(ConfigException.class, () -> new BrokerConfig(Map.of("listeners", "SSL://:9093")));
        assertTrue(listener.getMessage().contains("listeners"), listener.getMessage());
    }

    @Test
    void unknownKeysAndKafkaOnlyKeysAreSetApartForReporting() {
        BrokerConfig c = new BrokerConfig(Map.of("foo.bar", "1", "process.roles", "broker,controller",
                "num.io.threads", "8", "num.partitions", "3"));
        assertEquals(Set.of("foo.bar"), c.unknownKeys());
        assertEquals(Set.of("process.roles", "num.io.threads"), c.ignoredKafkaKeys());
        assertEquals(3, c.numPartitions());
    }

    @Test
    void theSendBufferIsLeftToTheOsUnlessSetAndTheReceiveBufferKeepsKafkasDefault() {
        assertEquals(-1, BrokerConfig.defaults().socketSendBufferBytes());
        assertEquals(102400, BrokerConfig.defaults().socketReceiveBufferBytes());
        assertEquals(102400, new BrokerConfig(Map.of("socket.send.buffer.bytes", "102400")).socketSendBufferBytes());
    }

    @Test
    void retentionIsResolvedFromMillisecondsThenMinutesThenHoursAsKafkaDoes() {
        assertEquals(168 * 3600_000L, BrokerConfig.defaults().retentionMs());
        assertEquals(5 * 60_000L, new BrokerConfig(Map.of("log.retention.minutes", "5", "log.retention.hours", "1")).retentionMs());
        assertEquals(1234L, new BrokerConfig(Map.of("log.retention.ms", "1234", "log.retention.minutes", "5")).retentionMs());
        assertEquals(-1L, new BrokerConfig(Map.of("log.retention.hours", "-1")).retentionMs());
    }

    @Test
    void topicOverridesWinOverBrokerDefaultsInTheLogConfig() {
        BrokerConfig broker = new BrokerConfig(Map.of("log.segment.bytes", "2097152", "log.message.timestamp.type", "LogAppendTime"));
        LogConfig plain = TopicConfigs.logConfig(Map.of(), broker);
        assertEquals(2097152, plain.segmentBytes());
        assertEquals(TimestampType.LOG_APPEND_TIME, plain.timestampType());
        LogConfig overridden = TopicConfigs.logConfig(Map.of("segment.bytes", "3145728", "message.timestamp.type", "CreateTime"), broker);
        assertEquals(3145728, overridden.segmentBytes());
        assertEquals(TimestampType.CREATE_TIME, overridden.timestampType());
        assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("segment.bytes", "10")));
        ConfigException unknown = assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("nope", "1")));
        assertTrue(unknown.getMessage().contains("nope"));
    }

    @Test
    void cleanupPolicyAndCompactionSettingsComeFromTheTopicThenTheBrokerDefaults() {
        BrokerConfig broker = new BrokerConfig(Map.of("log.cleaner.delete.retention.ms", "1000",
                "log.cleaner.min.cleanable.ratio", "0.25", "log.cleaner.max.compaction.lag.ms", "600000"));
        assertEquals(new CleanupPolicy(false, true, 1000, 0, 600_000, 0.25), TopicConfigs.logConfig(Map.of(), broker).cleanup());
        LogConfig compacted = TopicConfigs.logConfig(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "5000",
                "delete.retention.ms", "7", "min.cleanable.dirty.ratio", "0.01"), broker);
        assertEquals(new CleanupPolicy(true, false, 7, 5000, 600_000, 0.01), compacted.cleanup());
        assertEquals(600_000, compacted.rollMs(), "a compacted log rolls by max.compaction.lag.ms when it is below segment.ms");
        assertEquals(new CleanupPolicy(true, true, 1000, 0, 600_000, 0.25),
                TopicConfigs.logConfig(Map.of("cleanup.policy", "compact, delete"), broker).cleanup());
        assertEquals(new CleanupPolicy(true, false, 86_400_000, 0, Long.MAX_VALUE, 0.5),
                TopicConfigs.logConfig(Map.of(), new BrokerConfig(Map.of("log.cleanup.policy", "compact"))).cleanup());
    }

    @Test
    void theCleanerKeysHaveKafkasDefaultsAndTheirBounds() {
        BrokerConfig defaults = BrokerConfig.defaults();
        assertEquals(true, defaults.value(BrokerConfig.LOG_CLEANER_ENABLE));
        assertEquals(15_000L, defaults.value(BrokerConfig.LOG_CLEANER_BACKOFF_MS));
        assertEquals(134_217_728L, defaults.value(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE));
        ConfigException small = assertThrows(ConfigException.class,
                () -> new BrokerConfig(Map.of("log.cleaner.dedupe.buffer.size", "1000")));
        assertTrue(small.getMessage().contains("log.cleaner.dedupe.buffer.size"), small.getMessage());
        assertEquals(1, defaults.value(BrokerConfig.LOG_CLEANER_THREADS));
        BrokerConfig two = new BrokerConfig(Map.of("log.cleaner.threads", "2"));
        assertEquals(2, two.value(BrokerConfig.LOG_CLEANER_THREADS));
        assertEquals(Set.of(), two.ignoredKafkaKeys(), "log.cleaner.threads runs that many cleaner threads");
    }

    @Test
    void aKraftFilesControllerListenerIsLeftOutAndTheClientListenerServed() {
        BrokerConfig c = new BrokerConfig(Map.of("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093",
                "advertised.listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093",
                "controller.listener.names", "CONTROLLER"));
        assertEquals(new BrokerConfig.Listener("PLAINTEXT", "", 9092), c.listener());
        assertEquals(new BrokerConfig.Listener("PLAINTEXT", "localhost", 9092), c.advertisedListener());
        ConfigException two = assertThrows(ConfigException.class,
                () -> new BrokerConfig(Map.of("listeners", "PLAINTEXT://:9092,OTHER://:9094")));
        assertTrue(two.getMessage().contains("listeners"), two.getMessage());
    }
}
