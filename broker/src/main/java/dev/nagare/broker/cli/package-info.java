/**
 * The {@code nagare} command line (picocli): {@code start} runs a broker like {@code kafka-server-start.sh};
 * operator commands come with the monitoring issues. Must not hold broker state of its own.
 */
package dev.nagare.broker.cli;
