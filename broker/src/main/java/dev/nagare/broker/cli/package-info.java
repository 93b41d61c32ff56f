/**
 * The {@code nagare} command line (picocli): {@code start} runs a broker like {@code kafka-server-start.sh};
 * {@code topics}, {@code groups} and {@code lag} are the operator's commands. Those talk to a cluster only over the
 * Kafka protocol (Admin client, a consumer without a group), so they work against Apache Kafka as well; only the
 * status {@code lag} shows, judged on the broker's lag history, is read from Nagare's JSON API ({@link
 * dev.nagare.broker.cli.BrokerStatus}). They must never import broker internals ({@code group}, {@code lag},
 * {@code partition} …) nor hold state of their own.
 */
package dev.nagare.broker.cli;
