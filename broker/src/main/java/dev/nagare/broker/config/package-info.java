/**
 * Configuration, declared once: every broker key with its type, default, validation and documentation
 * ({@link dev.nagare.broker.config.BrokerConfig}), every topic-level key with its broker synonym
 * ({@link dev.nagare.broker.config.TopicConfigs}), and the loading of a Kafka {@code server.properties} file with
 * {@code --override}s ({@link dev.nagare.broker.config.ServerProperties}). Values are validated at start-up;
 * nothing else in the broker reads raw strings.
 *
 * <p>Called by start-up and by the admin handlers. Must not import network or api classes.
 */
package dev.nagare.broker.config;
