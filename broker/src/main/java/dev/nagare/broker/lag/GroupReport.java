package dev.nagare.broker.lag;

import java.util.List;
import java.util.Optional;

/**
 * Everything known about one group's lag at one moment: what the HTTP API, the metrics, the console and the CLI
 * show. Immutable.
 *
 * @param lag        the evaluation from committed offsets (state, members, partitions)
 * @param status     the group's status: the most severe of its topics' ({@link StatusRules})
 * @param topics     per topic, sorted by topic, as {@link GroupLag#topics()}
 * @param partitions per partition, in the order of {@link GroupLag#partitions()}
 * @param expiry     for an empty group, when its offsets expire and what happens then; empty for a live group
 */
public record GroupReport(GroupLag lag, LagStatus status, List<TopicReport> topics, List<PartitionReport> partitions,
                          Optional<ExpiryForecast> expiry) {
}
