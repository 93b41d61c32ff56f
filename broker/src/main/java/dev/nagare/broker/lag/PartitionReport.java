package dev.nagare.broker.lag;

/**
 * A group's lag on one partition with its estimate. Immutable.
 *
 * @param lag                     the lag from committed offsets
 * @param estimatedTimeLagSeconds MSK's EstimatedTimeLag: seconds to drain the offset lag at the group's recent
 *                                consume rate; 0 without lag, +Infinity without progress, NaN while not known
 *                                ({@link ConsumeRates})
 */
public record PartitionReport(PartitionLag lag, double estimatedTimeLagSeconds) {
}
