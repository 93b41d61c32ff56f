/**
 * The leader's side of each partition: the {@link dev.nagare.broker.partition.Partition} wraps its log, applies
 * appends and wakes the fetches waiting for data; the {@link dev.nagare.broker.partition.PartitionManager} creates
 * and deletes topics' partitions and gives the api handlers a partition by name or id;
 * {@link dev.nagare.broker.partition.DelayedFetch} is a fetch waiting for {@code min.bytes}, completed by an append
 * or by its timeout, never by a polling thread.
 *
 * <p>Called by the api handlers. Calls the storage engine and the metadata registry; must not import network or
 * api classes.
 */
package dev.nagare.broker.partition;
