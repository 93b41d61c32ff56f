package dev.nagare.broker.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The broker a client-compatibility test talks to: Nagare ({@link TestBroker}, its clock a {@link SkewedTime}) unless the system property
 * {@value #PEER_KAFKA_PROPERTY} names a port and a directory ({@code 19092:/tmp/pk}) for a real Apache Kafka
 * ({@link PeerKafka}) that this starts, configures like the Nagare it replaces, and restarts, to check that a test
 * expects what Kafka does. ({@link TestBroker#startOrPeer} instead attaches to a Kafka already running, which
 * cannot be configured per test or restarted.)
 */
public interface BrokerUnderTest extends AutoCloseable {

    String PEER_KAFKA_PROPERTY = "nagare.test.peer.start";

    /** Starts Nagare with its data in {@code dataDir}, or the peer Kafka (see above); both with these settings. */
    static BrokerUnderTest start(Path dataDir, Map<String, String> overrides) throws Exception {
        String peer = System.getProperty(PEER_KAFKA_PROPERTY, "");
        if (peer.isEmpty()) {
            return TestBroker.start(dataDir, overrides, new SkewedTime());
        }
        String[] portAndDir = peer.split(":", 2);
        return PeerKafka.start(Integer.parseInt(portAndDir[0]), Path.of(portAndDir[1]), overrides);
    }

    String bootstrap();

    /**
     * Lets {@code time} pass on the broker's wall clock (for offset expiry): at once for Nagare started here, whose clock
     * is a {@link SkewedTime}; in real time, by sleeping, for a peer Kafka, whose clock cannot be moved.
     */
    void passTime(Duration time) throws InterruptedException;

    /** Stops cleanly and starts again at the same address with the same data. */
    void restart() throws Exception;

    default Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(p);
    }

    @Override
    void close() throws Exception;
}
