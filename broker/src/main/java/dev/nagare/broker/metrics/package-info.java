/**
 * The broker's metrics in Prometheus's model: {@link dev.nagare.broker.metrics.BrokerMetrics} owns one registry
 * (the Prometheus Java client, {@code io.prometheus:prometheus-metrics-*}), the counters the hot paths update
 * through listener interfaces that their own packages declare (network's {@code NetworkListener}, api's
 * {@code TopicTraffic}, storage's {@code FsyncListener}), and the collectors that read partitions and consumer lag
 * at scrape time, in Nagare's names and kafka_exporter's.
 *
 * <p>Called by the broker (wiring) and the http package ({@code /metrics}). Reads partition, metadata and lag; never
 * changes them. Must not import http, api handlers' internals or group-coordinator internals; the network, api and
 * storage packages must not import this one.
 */
package dev.nagare.broker.metrics;
