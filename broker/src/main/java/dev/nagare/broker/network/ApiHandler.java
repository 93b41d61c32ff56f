package dev.nagare.broker.network;

/**
 * Serves one API. Called on the connection's event-loop thread; must not block it (no fsync, no waiting): work
 * that waits completes the request later, from any thread, through {@link Request#respond}.
 */
@FunctionalInterface
public interface ApiHandler {

    /**
     * Handles the request. An exception thrown here answers the request with the API's error response for it
     * (Kafka's error code for the exception's type).
     */
    void handle(Request request);
}
