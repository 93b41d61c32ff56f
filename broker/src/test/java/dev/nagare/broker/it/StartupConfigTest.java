package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.metadata.NodeIdentity;
import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.BrokerProcess;

/**
 * The broker started the way an operator starts it: {@code nagare start [server.properties] [--override k=v]…} in
 * its own JVM, reading Kafka's configuration keys, stopped with SIGTERM.
 */
class StartupConfigTest {

    /** Kafka 4.1's config/server.properties (KRaft, combined mode), plus the voters line of the 3.x samples. */
    static final String KAFKA_SAMPLE_SERVER_PROPERTIES = """
            ############################# Server Basics #############################
            process.roles=broker,controller
            node.id=1
            controller.quorum.bootstrap.servers=localhost:9093
            controller.quorum.voters=1@localhost:9093

            ############################# Socket Server Settings #############################
            listeners=PLAINTEXT://:9092,CONTROLLER://:9093
            inter.broker.listener.name=PLAINTEXT
            advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
            num.network.threads=3
            num.io.threads=8
            socket.send.buffer.bytes=102400
            socket.receive.buffer.bytes=102400
            socket.request.max.bytes=104857600

            ############################# Log Basics #############################
            log.dirs=/tmp/kraft-combined-logs
            num.partitions=1
            num.recovery.threads.per.data.dir=1

            ############################# Internal Topic Settings  #############################
            offsets.topic.replication.factor=1
            share.coordinator.state.topic.replication.factor=1
            share.coordinator.state.topic.min.isr=1
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1

            ############################# Log Retention Policy #############################
            log.retention.hours=168
            log.segment.bytes=1073741824
            log.retention.check.interval.ms=300000
            """;

    @TempDir
    Path dir;

    @Test
    void aValueOfTheWrongTypeStopsStartUpWithAMessageNamingTheKey() throws Exception {
        Path log = dir.resolve("bad.log");
        Process p = launch(log, List.of("--override", "log.dirs=" + dir.resolve("data"),
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + BrokerProcess.freePort(),
                "--override", "num.partitions=zero"));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the broker exits instead of running");
        String output = Files.readString(log);
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("num.partitions"), output);
        assertTrue(output.contains("zero"), output);
        assertFalse(output.contains("Listening for Kafka clients"), output);
    }

    @Test
    void aSigtermWhileTheBrokerIsStillStartingEndsInACleanShutdown() throws Exception {
        Path data = dir.resolve("early-term");
        Path log = dir.resolve("early-term.log");
        int port = BrokerProcess.freePort();
        Process p = launch(log, List.of("--override", "log.dirs=" + data,
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port));
        // meta.properties is the start's first write: the signal lands while the broker is starting, before it
        // listens.
        Path meta = data.resolve(NodeIdentity.FILE_NAME);
        Polling.await(() -> Files.exists(meta), Duration.ofSeconds(30), "the broker began to start");
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the broker exits");
        String output = Files.readString(log);
        assertEquals(143, p.exitValue(), output);
        assertFalse(output.contains("Shutdown in progress"), output);
        assertTrue(output.contains("Shut down cleanly"), output);
        assertTrue(Files.exists(data.resolve(".nagare_clean_shutdown")), output);
    }

    @Test
    void anUnknownKeyIsReportedAtStartUpAndTheBrokerStillStarts() throws Exception {
        Path data = dir.resolve("unknown");
        try (BrokerProcess broker = BrokerProcess.start(data, Map.of("foo.bar", "1"))) {
            String log = Files.readString(brokerLog(data));
            assertTrue(log.lines().anyMatch(l -> l.contains(" WARN ") && l.endsWith("Unknown configuration keys, ignored: foo.bar")),
                    log);
            try (Admin admin = admin(broker.bootstrap())) {
                assertEquals(1, admin.describeCluster().nodes().get().size());
            }
        }
    }

    @Test
    void sigtermShutsDownCleanlyAndARestartFindsTheData() throws Exception {
        Path data = dir.resolve("restart");
        try (BrokerProcess broker = BrokerProcess.start(data, Map.of())) {
            try (Admin admin = admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(broker.bootstrap())) {
                assertEquals(0, producer.send(new ProducerRecord<>("kept", 0, "k", "survives a restart")).get().offset());
            }

            // Kafka's own kafka.Kafka also exits with 143 (128 + SIGTERM) after its clean shutdown: the JVM reports the
            // signal once the shutdown hooks are done. The clean shutdown itself shows in the marker and the log.
            assertEquals(143, broker.stop());
            assertTrue(Files.exists(data.resolve(".nagare_clean_shutdown")), "the storage wrote its clean-shutdown marker");
            assertTrue(Files.readString(brokerLog(data)).contains("Shut down cleanly"));

            broker.restart();
            assertFalse(Files.exists(data.resolve(".nagare_clean_shutdown")), "the marker is consumed by the next start");
            try (KafkaConsumer<String, String> consumer = consumer(broker.bootstrap())) {
                TopicPartition tp = new TopicPartition("kept", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<String, String>> got = Polling.pollAtLeast(consumer, 1, Duration.ofSeconds(30));
                assertEquals(1, got.size());
                assertEquals(0, got.get(0).offset());
                assertEquals("k", got.get(0).key());
                assertEquals("survives a restart", got.get(0).value());
            }
        }
    }

    /** As {@code kafka-server-start.sh config/server.properties --override …}: the sample file as shipped, our own ports and dirs. */
    @Test
    void kafkasSampleServerPropertiesStartsWithTheListenerAndDirsOverridden() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, KAFKA_SAMPLE_SERVER_PROPERTIES, StandardCharsets.UTF_8);
        int port = BrokerProcess.freePort();
        Path log = dir.resolve("sample.log");
        Process p = launch(log, List.of(file.toString(), "--override", "log.dirs=" + dir.resolve("sample-data"),
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "advertised.listeners=PLAINTEXT://127.0.0.1:" + port));
        try {
            awaitListening(p, port, log);
            produceAndReadOne("127.0.0.1:" + port);
            assertFalse(Files.readString(log).contains("ERROR"), Files.readString(log));
        } finally {
            stop(p);
        }
    }

    // The sample's own listeners line names a CONTROLLER listener beside PLAINTEXT, as every KRaft combined-mode
    // server.properties does: the broker serves clients on PLAINTEXT and leaves the controller's listener out.
    @Test
    void kafkasSampleServerPropertiesStartsWithItsOwnListenersLine() throws Exception {
        int port = BrokerProcess.freePort();
        int controllerPort = BrokerProcess.freePort();
        String sample = KAFKA_SAMPLE_SERVER_PROPERTIES
                .replace("listeners=PLAINTEXT://:9092,CONTROLLER://:9093",
                        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort)
                .replace("advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093",
                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port)
                .replace("log.dirs=/tmp/kraft-combined-logs", "log.dirs=" + dir.resolve("sample-own-data"));
        Path file = dir.resolve("server-own-listeners.properties");
        Files.writeString(file, sample, StandardCharsets.UTF_8);
        Path log = dir.resolve("sample-own.log");
        Process p = launch(log, List.of(file.toString()));
        try {
            awaitListening(p, port, log);
            produceAndReadOne("127.0.0.1:" + port);
        } finally {
            stop(p);
        }
    }

    private static void produceAndReadOne(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("from-sample", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            assertEquals(0, producer.send(new ProducerRecord<>("from-sample", 0, "k", "v")).get().offset());
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition("from-sample", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> got = Polling.pollAtLeast(consumer, 1, Duration.ofSeconds(30));
            assertEquals(1, got.size());
            assertEquals("v", got.get(0).value());
        }
    }

    private static Process launch(Path log, List<String> startArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.nagare.broker.cli.NagareCommand", "start"));
        cmd.addAll(startArgs);
        cmd.addAll(List.of("--override", "http.listeners=http://127.0.0.1:0")); // tests run side by side
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitListening(Process p, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("The broker exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("The broker did not listen on " + port + " within 30 s:\n" + Files.readString(log));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path brokerLog(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-broker.log");
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    }
}
