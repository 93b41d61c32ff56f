/**
 * Consumer lag, computed inside the broker from the committed offsets the group coordinator stores, so it is known
 * with no consumer running: per partition, per topic (MSK's SumOffsetLag and MaxOffsetLag) and as time (the age of
 * the first unprocessed record, from a batch header).
 *
 * <p>Called by metrics, the HTTP API, the console and the CLI; reads the group coordinator (through snapshots taken
 * on its thread) and the partitions' logs (lock-free). Changes nothing; must not import network or api classes.
 */
package dev.nagare.broker.lag;
