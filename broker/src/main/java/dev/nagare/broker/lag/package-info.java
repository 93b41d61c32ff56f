/**
 * Consumer lag, computed inside the broker from the committed offsets the group coordinator stores, so it is known
 * with no consumer running: per partition, per topic (MSK's SumOffsetLag and MaxOffsetLag) and as time (the age of
 * the first unprocessed record, from a batch header); and, through {@link dev.nagare.broker.lag.LagService}, MSK's
 * estimated time lag, a status per group after Burrow's rules, the expiry forecast of empty groups, and 24 hours of
 * history sampled every 10 seconds on the {@code nagare-lag-sampler} thread and kept under
 * {@code <log.dir>/.nagare-metadata/lag-history/}.
 *
 * <p>Called by metrics, the HTTP API, the console and the CLI (through {@code LagService}); reads the group
 * coordinator (through snapshots taken on its thread) and the partitions' logs (lock-free). Changes nothing but its
 * own history; must not import network or api classes.
 */
package dev.nagare.broker.lag;
