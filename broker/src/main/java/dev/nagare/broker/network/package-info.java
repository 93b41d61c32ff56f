/**
 * The Kafka listener: Netty turns bytes into 4-byte size-prefixed frames, frames into a request header and a
 * request message (kafka-clients' generated classes), and hands each to the {@link dev.nagare.broker.network.ApiHandler}
 * registered for its API. Responses leave each connection in request order even when a later one is ready first;
 * record data read from disk goes to the socket as file regions (sendfile), never through the heap.
 *
 * <p>Malformed input or an unsupported request version closes that one connection. Called by start-up; calls
 * only the {@code ApiHandler} interface. Must not import {@code dev.nagare.broker.api} or the storage engine's
 * internals.
 */
package dev.nagare.broker.network;
