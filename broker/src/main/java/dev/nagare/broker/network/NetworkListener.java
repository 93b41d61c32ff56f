package dev.nagare.broker.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Told what the Kafka listener does — connections opened and closed, each request answered and how long it took —
 * so that metrics can count it without the network knowing of them.
 *
 * <p>Called on the connections' event-loop threads, once per event, concurrently from several loops: an
 * implementation must be thread-safe, cheap (increment a counter, no allocation, no lock held for long) and must
 * never block.
 */
public interface NetworkListener {

    /** Listens to nothing. */
    NetworkListener NONE = new NetworkListener() { };

    default void connectionOpened() {
    }

    default void connectionClosed() {
    }

    /**
     * A request is done: its response was written (or it had none, {@code response == null}: produce with acks=0,
     * or the connection closed first).
     *
     * @param latencyNanos from the frame's arrival to now
     */
    default void requestCompleted(ApiKeys api, short version, ApiMessage response, long latencyNanos) {
    }
}
