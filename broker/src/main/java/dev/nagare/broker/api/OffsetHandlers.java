package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.group.GroupCoordinator;
import dev.nagare.broker.group.OffsetAndMetadata;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.metadata.TopicRegistry;
import dev.nagare.broker.network.Request;

/**
 * OffsetCommit, OffsetFetch (one group, or several in v8+) and OffsetDelete. Topics are named by name, or by topic
 * id from v10 of OffsetCommit and OffsetFetch; a partition of a topic that does not exist gets
 * UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID by id) and is not committed. The coordinator runs on its thread
 * ({@link CoordinatorRuntime}); a failed write answers COORDINATOR_NOT_AVAILABLE, which clients retry.
 */
final class OffsetHandlers {

    private final CoordinatorRuntime runtime;
    private final TopicRegistry topics;

    OffsetHandlers(CoordinatorRuntime runtime, TopicRegistry topics) {
        this.runtime = runtime;
        this.topics = topics;
    }

    void offsetCommit(Request request) {
        OffsetCommitRequestData data = request.data();
        boolean byId = request.version() >= 10;
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        Map<TopicPartition, OffsetCommitResponseData.OffsetCommitResponsePartition> slots = new HashMap<>();
        List<GroupCoordinator.PartitionCommit> commits = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : data.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic rt = new OffsetCommitResponseData.OffsetCommitResponseTopic();
            Optional<TopicInfo> topic = byId ? topics.get(t.topicId()) : topics.get(t.name());
            if (byId) {
                rt.setTopicId(t.topicId());
            } else {
                rt.setName(t.name());
            }
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                var rp = new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                if (topic.isEmpty() || p.partitionIndex() < 0 || p.partitionIndex() >= topic.get().partitions()) {
                    rp.setErrorCode((byId && topic.isEmpty() ? Errors.UNKNOWN_TOPIC_ID
                            : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.get().name(), p.partitionIndex());
                slots.put(tp, rp);
                commits.add(new GroupCoordinator.PartitionCommit(tp, p.committedOffset(), p.committedLeaderEpoch(),
                        p.committedMetadata()));
            }
            response.topics().add(rt);
        }
        String groupId = data.groupId();
        runtime.submit(c -> {
            Map<TopicPartition, Errors> result;
            if (!runtime.isLoaded(groupId)) {
                result = new HashMap<>();
                for (TopicPartition tp : slots.keySet()) {
                    result.put(tp, Errors.COORDINATOR_LOAD_IN_PROGRESS);
                }
            } else {
                try {
                    result = c.commitOffsets(groupId, data.memberId(), data.groupInstanceId(),
                            data.generationIdOrMemberEpoch(), commits);
                } catch (RuntimeException e) {
                    Errors error = Errors.forException(e);
                    result = new HashMap<>();
                    for (TopicPartition tp : slots.keySet()) {
                        result.put(tp, error);
                    }
                }
            }
            result.forEach((tp, error) -> slots.get(tp).setErrorCode(error.code()));
            request.respond(response);
        });
    }

    void offsetFetch(Request request) {
        OffsetFetchRequestData data = request.data();
        short version = request.version();
        List<OffsetFetchRequestData.OffsetFetchRequestGroup> groups = version >= 8 ? data.groups()
                : List.of(legacyGroup(data));
        runtime.submit(c -> {
            List<OffsetFetchResponseData.OffsetFetchResponseGroup> results = new ArrayList<>(groups.size());
            for (OffsetFetchRequestData.OffsetFetchRequestGroup g : groups) {
                results.add(fetchGroup(c, g, version >= 10));
            }
            request.respond(version >= 8 ? new OffsetFetchResponseData().setGroups(results)
                    : legacyResponse(results.get(0), version));
        });
    }

    private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(GroupCoordinator c,
            OffsetFetchRequestData.OffsetFetchRequestGroup g, boolean byId) {
        var result = new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(g.groupId());
        if (g.groupId() == null || g.groupId().isEmpty()) {
            return result.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        if (!runtime.isLoaded(g.groupId())) {
            return result.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        }
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
        if (g.topics() == null) {
            Map<TopicPartition, OffsetAndMetadata> all = c.fetchOffsets(g.groupId(), null);
            List<TopicPartition> sorted = new ArrayList<>(all.keySet());
            sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            for (TopicPartition tp : sorted) {
                Optional<TopicInfo> topic = topics.get(tp.topic());
                if (byId && topic.isEmpty()) {
                    continue;
                }
                topicSlot(byTopic, tp.topic(), byId ? topic.get().id() : null).partitions()
                        .add(partition(tp.partition(), all.get(tp), Errors.NONE));
            }
            return result.setTopics(new ArrayList<>(byTopic.values()));
        }
        List<TopicPartition> wanted = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
            Optional<TopicInfo> topic = byId ? topics.get(t.topicId()) : Optional.empty();
            String name = byId ? topic.map(TopicInfo::name).orElse(null) : t.name();
            var slot = topicSlot(byTopic, byId ? t.topicId().toString() : name, byId ? t.topicId() : null);
            for (int p : t.partitionIndexes()) {
                if (name == null) {
                    slot.partitions().add(partition(p, null, Errors.UNKNOWN_TOPIC_ID));
                } else {
                    wanted.add(new TopicPartition(name, p));
                }
            }
        }
        Map<TopicPartition, OffsetAndMetadata> found = c.fetchOffsets(g.groupId(), wanted);
        for (TopicPartition tp : wanted) {
            String key = byId ? topics.get(tp.topic()).map(t -> t.id().toString()).orElse(tp.topic()) : tp.topic();
            topicSlot(byTopic, key, null).partitions().add(partition(tp.partition(), found.get(tp), Errors.NONE));
        }
        return result.setTopics(new ArrayList<>(byTopic.values()));
    }

    private static OffsetFetchResponseData.OffsetFetchResponseTopics topicSlot(
            Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic, String key, Uuid id) {
        return byTopic.computeIfAbsent(key, k -> id == null
                ? new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(k)
                : new OffsetFetchResponseData.OffsetFetchResponseTopics().setTopicId(id));
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(int index, OffsetAndMetadata o,
                                                                                   Errors error) {
        return new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(index)
                .setCommittedOffset(o == null ? -1 : o.offset())
                .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                .setMetadata(o == null ? "" : o.metadata())
                .setErrorCode(error.code());
    }

    private static OffsetFetchRequestData.OffsetFetchRequestGroup legacyGroup(OffsetFetchRequestData data) {
        List<OffsetFetchRequestData.OffsetFetchRequestTopics> ts = null;
        if (data.topics() != null) {
            ts = new ArrayList<>();
            for (var t : data.topics()) {
                ts.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name())
                        .setPartitionIndexes(t.partitionIndexes()));
            }
        }
        return new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(data.groupId()).setTopics(ts);
    }

    private static OffsetFetchResponseData legacyResponse(OffsetFetchResponseData.OffsetFetchResponseGroup g,
                                                          short version) {
        OffsetFetchResponseData r = new OffsetFetchResponseData();
        if (version >= 2) {
            r.setErrorCode(g.errorCode());
        }
        for (var t : g.topics()) {
            var rt = new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
            for (var p : t.partitions()) {
                rt.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                        .setCommittedLeaderEpoch(version >= 5 ? p.committedLeaderEpoch() : -1)
                        .setMetadata(p.metadata()).setErrorCode(version < 2 && g.errorCode() != 0
                                ? g.errorCode() : p.errorCode()));
            }
            r.topics().add(rt);
        }
        return r;
    }

    void offsetDelete(Request request) {
        OffsetDeleteRequestData data = request.data();
        runtime.submit(c -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData();
            if (!runtime.isLoaded(data.groupId())) {
                request.respond(response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
                return;
            }
            List<TopicPartition> wanted = new ArrayList<>();
            Map<TopicPartition, Errors> result = new HashMap<>();
            for (var t : data.topics()) {
                Optional<TopicInfo> topic = topics.get(t.name());
                for (var p : t.partitions()) {
                    TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                    if (topic.isEmpty() || p.partitionIndex() < 0 || p.partitionIndex() >= topic.get().partitions()) {
                        result.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    } else {
                        wanted.add(tp);
                    }
                }
            }
            Errors top;
            try {
                top = c.deleteOffsets(data.groupId(), wanted, result);
            } catch (RuntimeException e) {
                top = Errors.forException(e);
            }
            response.setErrorCode(top.code());
            if (top == Errors.NONE) {
                for (var t : data.topics()) {
                    var rt = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
                    for (var p : t.partitions()) {
                        Errors e = result.getOrDefault(new TopicPartition(t.name(), p.partitionIndex()), Errors.NONE);
                        rt.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                                .setPartitionIndex(p.partitionIndex()).setErrorCode(e.code()));
                    }
                    response.topics().add(rt);
                }
            }
            request.respond(response);
        });
    }
}
