package dev.nagare.broker.network;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves one API. Called on the connection's event-loop thread; must not block it (no fsync, no waiting): work
 * that waits completes the request later, from any thread, through {@link Request#respond}. A handler whose work
 * blocks by nature runs on an executor instead ({@link #onExecutor}).
 */
@FunctionalInterface
public interface ApiHandler {

    /**
     * Handles the request. An exception thrown here answers the request with the API's error response for it
     * (Kafka's error code for the exception's type).
     */
    void handle(Request request);

    /**
     * This handler run on {@code executor} instead of the event loop: for APIs whose work blocks by nature (creating
     * or deleting thousands of partitions' files, fsyncing metadata), so that the other connections of that event
     * loop are not held up meanwhile. The connection still answers its requests in the order they came.
     */
    static ApiHandler onExecutor(ApiHandler handler, Executor executor) {
        return request -> {
            try {
                executor.execute(() -> KafkaConnection.dispatch(handler, request));
            } catch (RejectedExecutionException e) { // shutting down
                request.fail(e);
            }
        };
    }
}
