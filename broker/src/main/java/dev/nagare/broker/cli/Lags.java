package dev.nagare.broker.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Groups' lag over the Kafka protocol, as {@code nagare groups} and {@code nagare lag} print it: committed offsets
 * from OffsetFetch (Admin {@code listConsumerGroupOffsets}, so no consumer needs to run), log offsets from
 * ListOffsets, and per topic MSK's SumOffsetLag and MaxOffsetLag. Stateless.
 */
final class Lags {

    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** One topic of a group: how many of its partitions count (those with a commit), their lag summed and maximal. */
    record TopicLag(String topic, int partitions, long sumOffsetLag, long maxOffsetLag, OptionalLong maxTimeLagMs) {
    }

    private Lags() {
    }

    /** Each group's committed offsets (a group that committed nothing, or does not exist, maps to an empty map). */
    static Map<String, Map<TopicPartition, Long>> committed(Admin admin, Collection<String> groups)
            throws ExecutionException, InterruptedException {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> answer = admin.listConsumerGroupOffsets(specs).all().get();
        Map<String, Map<TopicPartition, Long>> result = new HashMap<>();
        for (String g : groups) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            answer.getOrDefault(g, Map.of()).forEach((tp, o) -> {
                if (o != null && o.offset() >= 0) {
                    offsets.put(tp, o.offset());
                }
            });
            result.put(g, offsets);
        }
        return result;
    }

    /**
     * One row per partition the group committed or is assigned (the latter without a commit show no lag), in topic
     * and partition order; {@code logs} holds the log offsets of the partitions that still exist.
     */
    static List<CommittedLag> rows(Map<TopicPartition, Long> committed, Set<TopicPartition> assigned,
                                   Map<TopicPartition, LogOffsets> logs) {
        Set<TopicPartition> all = new TreeSet<>(BY_TOPIC_AND_PARTITION);
        all.addAll(committed.keySet());
        all.addAll(assigned);
        List<CommittedLag> rows = new ArrayList<>(all.size());
        for (TopicPartition tp : all) {
            Long offset = committed.get(tp);
            rows.add(CommittedLag.of(tp, offset == null ? OptionalLong.empty() : OptionalLong.of(offset), logs.get(tp)));
        }
        return rows;
    }

    /** SumOffsetLag over every row whose lag is known. */
    static long sumOffsetLag(List<CommittedLag> rows) {
        return rows.stream().filter(CommittedLag::known).mapToLong(CommittedLag::offsetLag).sum();
    }

    /** Per topic, in topic order, over the rows whose lag is known; topics with none are left out. */
    static List<TopicLag> byTopic(List<CommittedLag> rows) {
        Map<String, List<CommittedLag>> topics = new LinkedHashMap<>();
        for (CommittedLag r : rows) {
            if (r.known()) {
                topics.computeIfAbsent(r.partition().topic(), t -> new ArrayList<>()).add(r);
            }
        }
        List<TopicLag> result = new ArrayList<>(topics.size());
        topics.forEach((topic, list) -> {
            long max = list.stream().mapToLong(CommittedLag::offsetLag).max().orElse(0);
            OptionalLong maxTime = list.stream().map(CommittedLag::timeLagMs).filter(OptionalLong::isPresent)
                    .mapToLong(OptionalLong::getAsLong).max();
            result.add(new TopicLag(topic, list.size(), sumOffsetLag(list), max, maxTime));
        });
        return result;
    }
}
