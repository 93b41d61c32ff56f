package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.cli.NagareCommand;
import dev.nagare.broker.testing.TestBroker;
import dev.nagare.broker.testing.ToolTable;
import picocli.CommandLine;

/** {@code nagare topics}, run in this JVM against a real broker: the exact figures its tables must show. */
class NagareCliTest {

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"));
        admin = broker.admin();
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @Test
    void topicsListsPartitionsInternalFlagAndEachPartitionsLogStartAndEndOffsets() throws Exception {
        admin.createTopics(List.of(new NewTopic("ledger", 2, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> p = broker.producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>("ledger", 1, null, new byte[1]));
            }
            p.flush();
        }
        admin.alterConsumerGroupOffsets("ledger-reader", Map.of(tp("ledger", 1), new OffsetAndMetadata(5))).all().get();

        Run run = nagare("topics", "--bootstrap-server", broker.bootstrap());

        assertEquals(0, run.exitCode(), run.toString());
        List<List<String>> topics = ToolTable.parse(run.out(), "TOPIC", "PARTITIONS", "INTERNAL").rows();
        assertTrue(topics.contains(List.of("__consumer_offsets", "1", "true")), run.out());
        assertTrue(topics.contains(List.of("ledger", "2", "false")), run.out());
        List<List<String>> partitions = ToolTable.parse(run.out(),
                "TOPIC", "PARTITION", "LOG-START-OFFSET", "LOG-END-OFFSET").rows();
        assertTrue(partitions.contains(List.of("ledger", "0", "0", "0")), run.out());
        assertTrue(partitions.contains(List.of("ledger", "1", "0", "5")), run.out());
        assertEquals(partitions.stream().sorted((a, b) -> a.get(0).equals(b.get(0))
                        ? Integer.compare(Integer.parseInt(a.get(1)), Integer.parseInt(b.get(1))) : a.get(0).compareTo(b.get(0)))
                .toList(), partitions, "in topic and partition order");

        Run external = nagare("topics", "--exclude-internal", "--bootstrap-server", broker.bootstrap());
        assertTrue(ToolTable.parse(external.out(), "TOPIC", "PARTITIONS", "INTERNAL").rows().stream()
                .noneMatch(r -> r.get(0).equals("__consumer_offsets")), external.out());
    }

    @Test
    void anUnreachableBrokerIsReportedWithinTheTimeoutWithExitCodeOne() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        for (String command : List.of("topics")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--bootstrap-server", "127.0.0.1:" + closedPort, "--timeout", "1000"));
            long start = System.nanoTime();
            Run run = nagare(args.toArray(String[]::new));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(1, run.exitCode(), command + ": " + run);
            assertEquals("", run.out(), command);
            assertTrue(run.err().startsWith("Error: no answer from 127.0.0.1:" + closedPort
                    + " within 1000 ms; is a broker running there?"), command + ": " + run.err());
            assertEquals(1, run.err().lines().count(), command + ": " + run.err());
            assertTrue(tookMs < 3000, command + " took " + tookMs + " ms");
        }
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run nagare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new NagareCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
