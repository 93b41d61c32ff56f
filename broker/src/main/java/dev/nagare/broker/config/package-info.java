/**
 * Configuration, declared once: every broker key with its type, default, validation and documentation
 * ({@link dev.nagare.broker.config.BrokerConfig}), every topic-level key with its broker synonym
 * ({@link dev.nagare.broker.config.TopicConfigs}), and the loading of a Kafka {@code server.properties} file with
 * {@code --override}s ({@link dev.nagare.broker.config.ServerProperties}). Values are validated at start-up;
 * nothing else in the broker reads raw strings. At run time, the broker keys that may change
 * ({@link dev.nagare.broker.config.DynamicBrokerConfig}), IncrementalAlterConfigs' operations
 * ({@link dev.nagare.broker.config.ConfigOps}), logger levels ({@link dev.nagare.broker.config.BrokerLoggers}) and
 * configs as DescribeConfigs shows them ({@link dev.nagare.broker.config.DescribedConfig}).
 *
 * <p>Called by start-up and by the admin handlers. Must not import network or api classes.
 */
package dev.nagare.broker.config;
