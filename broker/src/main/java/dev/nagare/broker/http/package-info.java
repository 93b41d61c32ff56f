/**
 * The broker's HTTP surface on {@code http.listeners}: {@link dev.nagare.broker.http.WebServer} (the JDK's HTTP
 * server on threads of its own, never a Kafka event loop), {@code /metrics} (Prometheus text from the metrics
 * package) and the read-only JSON API under {@code /api/v1/} (topics, partitions, groups with their lag).
 * Extension points: {@link dev.nagare.broker.http.WebServer#route} for more paths (the console), and
 * {@link dev.nagare.broker.http.LagHistoryApi} behind {@code /api/v1/groups/{id}/history}.
 *
 * <p>Called by the broker at start-up. Reads partition, metadata, lag and metrics; changes nothing. Must not import
 * network or api classes, nor be imported by anything but the broker's wiring.
 */
package dev.nagare.broker.http;
