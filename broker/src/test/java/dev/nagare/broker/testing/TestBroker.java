package dev.nagare.broker.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.Broker;
import dev.nagare.broker.config.BrokerConfig;

/**
 * A real Nagare broker in this JVM, on a free port of 127.0.0.1, with its data in a test's temporary directory.
 *
 * <p>{@link #startOrPeer} can hand out a real Apache Kafka that is already running instead, to check a test's
 * expectations against Kafka itself; {@link BrokerUnderTest#start} starts (and restarts) one of its own.
 */
public final class TestBroker implements BrokerUnderTest {

    /**
     * The system property naming a running Apache Kafka on 127.0.0.1 by its port (one that
     * {@code /work/shared/tools/peer-kafka/start.sh} started) for {@link #startOrPeer}.
     */
    public static final String PEER_PORT_PROPERTY = "nagare.test.peer.port";

    private final Path dataDir;
    private final Map<String, String> overrides;
    private final Time time;
    private Broker broker;
    private int port;

    private TestBroker(Path dataDir, Map<String, String> overrides, Time time) {
        this.dataDir = dataDir;
        this.overrides = overrides;
        this.time = time;
    }

    public static TestBroker start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    public static TestBroker start(Path dataDir, Map<String, String> overrides) throws Exception {
        return start(dataDir, overrides, Time.SYSTEM);
    }

    /** A broker whose clock is {@code time} (e.g. a {@link SkewedTime} a test moves forward). */
    public static TestBroker start(Path dataDir, Map<String, String> overrides, Time time) throws Exception {
        TestBroker b = new TestBroker(dataDir, new HashMap<>(overrides), time);
        b.boot(0);
        return b;
    }

    /**
     * The Apache Kafka on 127.0.0.1 whose port {@value #PEER_PORT_PROPERTY} names, when that property is set (the test
     * then checks Kafka, and must have been written for a broker that outlives it: its topics and groups stay there);
     * otherwise a new Nagare as {@link #start(Path, Map)} starts it.
     */
    public static TestBroker startOrPeer(Path dataDir, Map<String, String> overrides) throws Exception {
        String peerPort = System.getProperty(PEER_PORT_PROPERTY);
        if (peerPort == null) {
            return start(dataDir, overrides);
        }
        TestBroker peer = new TestBroker(dataDir, Map.of(), Time.SYSTEM);
        peer.port = Integer.parseInt(peerPort);
        return peer;
    }

    private void boot(int listenPort) throws IOException, InterruptedException {
        Map<String, String> props = new HashMap<>();
        props.put("log.dirs", dataDir.toString());
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + listenPort);
        props.put("http.listeners", "http://127.0.0.1:0"); // never the default 8080: tests run side by side
        props.putAll(overrides);
        broker = Broker.start(new BrokerConfig(props), time);
        port = broker.boundAddress().getPort();
    }

    /** Moves the broker's wall clock forward; only for a broker started with a {@link SkewedTime}. */
    @Override
    public void passTime(Duration skip) {
        if (!(time instanceof SkewedTime skewed)) {
            throw new IllegalStateException("This broker runs on " + time + ", not on a SkewedTime a test can move");
        }
        skewed.advance(skip.toMillis());
    }

    /** Stops cleanly and starts again on the same port with the same data. */
    @Override
    public void restart() throws Exception {
        if (broker == null) {
            throw new IllegalStateException("a peer Kafka is not restarted from a test");
        }
        broker.close();
        boot(port);
    }

    /** The broker itself (null for a peer Kafka). */
    public Broker broker() {
        return broker;
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates a topic with one replica and these config overrides, and waits until it exists. */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        }
    }

    /** A new raw connection to the broker's listener (the caller closes it). */
    public RawClient rawClient() throws IOException {
        return new RawClient("127.0.0.1", port());
    }

    /** A producer with the client's defaults (idempotent, acks=all) plus these settings. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> settings) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(settings);
        return new KafkaProducer<>(p);
    }

    /** A consumer without a group (assign + seek). */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> settings) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.putAll(settings);
        return new KafkaConsumer<>(p);
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
