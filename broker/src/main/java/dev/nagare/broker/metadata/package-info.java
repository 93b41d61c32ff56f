/**
 * What the broker knows about its topics and itself: topics with their ids, partition counts and config
 * overrides ({@link dev.nagare.broker.metadata.TopicRegistry}), the node and cluster identity
 * ({@link dev.nagare.broker.metadata.NodeIdentity}) and producer id allocation
 * ({@link dev.nagare.broker.metadata.ProducerIdAllocator}) and the broker configs changed at run time
 * ({@link dev.nagare.broker.metadata.DynamicConfigFile}). Everything here is persisted atomically under the log
 * directory and survives restarts.
 *
 * <p>Called by the api handlers and by start-up. Must not import network or api classes.
 */
package dev.nagare.broker.metadata;
