/**
 * The group coordinator: consumer groups of the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup),
 * their committed offsets, offset expiry, and the admin operations on groups.
 *
 * <p>{@link dev.nagare.broker.group.GroupCoordinator} is a single-threaded state machine: an operation appends
 * records to {@code __consumer_offsets} ({@link dev.nagare.broker.group.OffsetsTopicFormat}, Kafka's schemas) and
 * state changes when they are replayed, so start-up loading and normal operation are the same code.
 * {@link dev.nagare.broker.group.CoordinatorRuntime} owns its thread, its timers, the appends and the loading.
 * Time comes in through {@link org.apache.kafka.common.utils.Time} and
 * {@link dev.nagare.broker.group.CoordinatorTimer}, so tests drive it with a fake clock.
 *
 * <p>Called by the api package's group and offset handlers (and later by lag monitoring, which reads only).
 * Uses partitions, metadata and config; must not import network or api classes.
 */
package dev.nagare.broker.group;
