package dev.nagare.broker.lag;

/**
 * A group's lag on one topic with its estimate and status. Immutable.
 *
 * @param lag                        SumOffsetLag, MaxOffsetLag, max time lag, committed sum
 * @param estimatedMaxTimeLagSeconds MSK's EstimatedMaxTimeLag: the largest of the partitions' EstimatedTimeLag
 *                                   (+Infinity if any is, NaN if any is not known)
 * @param status                     the status on this topic ({@link StatusRules})
 */
public record TopicReport(TopicLag lag, double estimatedMaxTimeLagSeconds, LagStatus status) {
}
