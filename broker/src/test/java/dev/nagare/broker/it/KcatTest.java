package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.ExternalTools;
import dev.nagare.broker.testing.KafkaTools.Result;
import dev.nagare.broker.testing.TestBroker;

/** kcat (librdkafka) against Nagare: metadata, keyed produce, consume with a format, and the broker's size limit. */
class KcatTest {

    /** Small enough that a 5000-byte value is refused, large enough for the ordinary records here. */
    static final int MESSAGE_MAX_BYTES = 2000;

    @TempDir
    static Path dir;

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir, Map.of("message.max.bytes", Integer.toString(MESSAGE_MAX_BYTES)));
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("kcat-meta", 2, (short) 1), new NewTopic("kcat-keyed", 1, (short) 1),
                    new NewTopic("kcat-absolute", 1, (short) 1), new NewTopic("kcat-large", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void metadataListsTheBrokerAsControllerAndTheTopicWithItsPartitions() throws Exception {
        String all = kcat("-L").assertSuccess().stdout();
        assertTrue(all.lines().anyMatch(("  broker 1 at " + broker.bootstrap() + " (controller)")::equals), all);
        assertTrue(all.lines().anyMatch("  topic \"kcat-meta\" with 2 partitions:"::equals), all);

        assertEquals("Metadata for kcat-meta (from broker 1: " + broker.bootstrap() + "/1):\n"
                + " 1 brokers:\n"
                + "  broker 1 at " + broker.bootstrap() + " (controller)\n"
                + " 1 topics:\n"
                + "  topic \"kcat-meta\" with 2 partitions:\n"
                + "    partition 0, leader 1, replicas: 1, isrs: 1\n"
                + "    partition 1, leader 1, replicas: 1, isrs: 1\n", kcat("-L", "-t", "kcat-meta").assertSuccess().stdout());
    }

    // "-o beginning" makes librdkafka 2.0.2 send ListOffsets v2 (timestamp -2), whose response has no leader epoch
    // field: writing one there once made the response unserializable and closed kcat's connection.
    @Test
    void keyedLinesProducedByKcatComeBackFromTheBeginningWithKeysAndOffsets() throws Exception {
        kcatWithInput("a:1\nb:2\nc:three words\n", "-P", "-t", "kcat-keyed", "-p", "0", "-K:").assertSuccess();
        Result consumed = kcat("-C", "-t", "kcat-keyed", "-p", "0", "-o", "beginning", "-e", "-f", "%k=%s@%o\\n");
        assertEquals("a=1@0\nb=2@1\nc=three words@2\n", consumed.stdout(), consumed.stderr());
        assertEquals(0, consumed.exitCode(), consumed.stderr());
    }

    /** The same path without ListOffsets: an absolute start offset goes straight to Fetch. */
    @Test
    void keyedLinesProducedByKcatComeBackFromAnAbsoluteOffset() throws Exception {
        kcatWithInput("a:1\nb:2\nc:three words\n", "-P", "-t", "kcat-absolute", "-p", "0", "-K:").assertSuccess();
        Result consumed = kcat("-C", "-t", "kcat-absolute", "-p", "0", "-o", "0", "-e", "-f", "%k=%s@%o\\n").assertSuccess();
        assertEquals("a=1@0\nb=2@1\nc=three words@2\n", consumed.stdout(), consumed.stderr());
        assertTrue(consumed.stderr().contains("Reached end of topic kcat-absolute [0] at offset 3"), consumed.stderr());
    }

    @Test
    void aRecordLargerThanMessageMaxBytesIsRefusedAndNotStored() throws Exception {
        kcatWithInput("small\n", "-P", "-t", "kcat-large", "-p", "0").assertSuccess();
        assertEquals(1, endOffset("kcat-large"));

        Result refused = kcatWithInput("x".repeat(5000) + "\n", "-P", "-t", "kcat-large", "-p", "0");
        assertNotEquals(0, refused.exitCode(), "kcat reports the failed delivery in its exit code");
        assertTrue(refused.stderr().contains("Delivery failed for message: Broker: Message size too large"), refused.stderr());
        assertEquals(1, endOffset("kcat-large"), "the refused record was not appended");
    }

    private static long endOffset(String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
    }

    private static Result kcat(String... args) throws Exception {
        return kcatWithInput(null, args);
    }

    private static Result kcatWithInput(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.kcat(), "-b", broker.bootstrap()));
        cmd.addAll(Arrays.asList(args));
        return ExternalTools.run(60, stdin, cmd);
    }
}
