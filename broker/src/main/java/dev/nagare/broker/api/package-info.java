/**
 * One handler per API family, thin: read the request message, call the partitions, topics or configs, build the
 * response message. Handlers throw kafka-clients' typed exceptions; the network layer turns an exception into the
 * API's error response, and handlers that answer per partition use {@link org.apache.kafka.common.protocol.Errors#forException}
 * — the one table from exception to error code. {@link dev.nagare.broker.api.Apis} lists what this broker serves
 * and at which versions, which is exactly what ApiVersions advertises.
 *
 * <p>Called by the network layer on event-loop threads: nothing here may block. Calls partition, metadata and
 * config; must not import netty or network internals beyond {@code Request}/{@code ApiHandler}.
 */
package dev.nagare.broker.api;
