/**
 * The log engine: one {@link dev.nagare.storage.Log} per partition, made of segments in Kafka's on-disk
 * layout ({@code .log}, {@code .index}, {@code .timeindex}), with recovery after a crash, retention and
 * group-commit fsync. {@link dev.nagare.storage.LogManager} owns every log of the broker's log directories.
 *
 * <p>Called by the broker's partition layer. Knows record batches (kafka-clients' record format) but
 * nothing of sockets, requests or topics metadata: it must never import {@code dev.nagare.broker}.
 */
package dev.nagare.storage;
