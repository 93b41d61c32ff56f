/**
 * The leader's side of each partition: the {@link dev.nagare.broker.partition.Partition} wraps its log, applies
 * appends and wakes the fetches waiting for data; the {@link dev.nagare.broker.partition.PartitionManager} creates
 * and deletes topics' partitions and gives the api handlers a partition by name or id. A fetch waiting for
 * {@code min.bytes} (the api package's {@code DelayedFetch}) listens to a partition's appends through
 * {@link dev.nagare.broker.partition.Partition#addAppendListener}: woken by the append, never by a polling thread.
 *
 * <p>Called by the api handlers. Calls the storage engine and the metadata registry; must not import network or
 * api classes.
 */
package dev.nagare.broker.partition;
