package dev.nagare.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.group.ClassicGroup.State;

/**
 * The group coordinator's state machine: classic groups (membership through {@link Rebalancer}), their committed
 * offsets, their expiry, and the admin operations on them. Every change of persistent state is a record appended
 * to {@code __consumer_offsets} and then replayed ({@link GroupStore}); {@link #replay} during start-up rebuilds the
 * same state from the same records.
 *
 * <p>Offset expiry (KIP-211), checked every {@code offsets.retention.check.interval.ms}: the offsets of a group
 * that has been {@code Empty} for {@code offsets.retention.minutes} (counted from when it became empty, as recorded
 * in its group metadata); of a group that never had members (standalone {@code assign()} consumers, the admin
 * client), each offset that long after its commit; of a live consumer group, only offsets of topics no member
 * subscribes to any more, that long after their commit. An empty group left without offsets is deleted.
 *
 * <p>Not thread-safe: every method runs on the coordinator thread ({@link CoordinatorRuntime}), and so do the
 * timer tasks and the response callbacks.
 */
public final class GroupCoordinator {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    static final String EXPIRY_TIMER = "offset-expiry";

    private final GroupStore store;
    private final Rebalancer rebalancer;

    public GroupCoordinator(GroupSettings settings, CoordinatorTimer timer, Time time, GroupStore.RecordWriter writer) {
        this.store = new GroupStore(settings, timer, time, writer);
        this.rebalancer = new Rebalancer(store);
    }

    public GroupSettings settings() {
        return store.settings;
    }

    // ---------------------------------------------------------------- loading

    /** Applies one record read from {@code __consumer_offsets} at start-up. */
    public void replay(CoordinatorRecord record) {
        store.replay(record, true);
    }

    /**
     * Ends loading: groups left with neither offsets nor metadata are dropped, loaded members must heartbeat within
     * their session timeout, and the periodic expiry check starts.
     */
    public void loaded() {
        store.all().removeIf(g -> g.offsets.isEmpty() && g.protocolType == null && g.members.isEmpty()
                && g.currentStateTimestamp < 0);
        for (ClassicGroup g : store.all()) {
            rebalancer.startSessions(g);
        }
        scheduleExpiry();
    }

    private void scheduleExpiry() {
        store.timer.schedule(EXPIRY_TIMER, store.settings.retentionCheckIntervalMs(), () -> {
            expireOffsets();
            scheduleExpiry();
        });
    }

    // ---------------------------------------------------------------- membership

    public void joinGroup(JoinGroupRequestData req, short version, String clientId, String clientHost,
                          Consumer<JoinGroupResponseData> respond) {
        rebalancer.join(req, version, clientId, clientHost, respond);
    }

    public void syncGroup(SyncGroupRequestData req, short version, Consumer<SyncGroupResponseData> respond) {
        rebalancer.sync(req, version, respond);
    }

    public HeartbeatResponseData heartbeat(HeartbeatRequestData req) {
        return rebalancer.heartbeat(req);
    }

    public LeaveGroupResponseData leaveGroup(LeaveGroupRequestData req, short version) {
        return rebalancer.leave(req, version);
    }

    // ---------------------------------------------------------------- offsets

    /** One partition of an offset commit, its topic already known to exist. */
    public record PartitionCommit(TopicPartition partition, long offset, int leaderEpoch, String metadata) {
    }

    /**
     * Commits offsets for a group member ({@code generationId >= 0}) or for a group without members ({@code -1},
     * empty member id). Returns the error of the whole request (every partition gets it) or, per partition, NONE or
     * OFFSET_METADATA_TOO_LARGE.
     */
    public Map<TopicPartition, Errors> commitOffsets(String groupId, String memberId, String instanceId,
                                                     int generationId, List<PartitionCommit> commits) {
        Errors error = validateCommit(groupId, memberId, instanceId, generationId);
        Map<TopicPartition, Errors> result = new HashMap<>();
        if (error != Errors.NONE) {
            commits.forEach(c -> result.put(c.partition(), error));
            return result;
        }
        long now = store.now();
        List<CoordinatorRecord> records = new ArrayList<>(commits.size());
        for (PartitionCommit c : commits) {
            String metadata = c.metadata() == null ? "" : c.metadata();
            if (metadata.length() > store.settings.maxMetadataBytes()) {
                result.put(c.partition(), Errors.OFFSET_METADATA_TOO_LARGE);
                continue;
            }
            records.add(new CoordinatorRecord.OffsetCommit(groupId, c.partition(),
                    new OffsetAndMetadata(c.offset(), c.leaderEpoch(), metadata, now)));
            result.put(c.partition(), Errors.NONE);
        }
        store.append(groupId, records);
        return result;
    }

    private Errors validateCommit(String groupId, String memberId, String instanceId, int generationId) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        memberId = memberId == null ? "" : memberId;
        ClassicGroup g = store.get(groupId);
        if (g == null) {
            return generationId < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
        }
        if (g.is(State.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && memberId.isEmpty() && instanceId == null) {
            return g.members.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        }
        Errors member = g.validateMember(memberId, instanceId);
        if (member != Errors.NONE) {
            return member;
        }
        if (generationId != g.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (g.is(State.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    /** The committed offsets of a group: of these partitions, or all when {@code partitions} is null. */
    public Map<TopicPartition, OffsetAndMetadata> fetchOffsets(String groupId, List<TopicPartition> partitions) {
        ClassicGroup g = store.get(groupId);
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        if (partitions == null) {
            if (g != null) {
                result.putAll(g.offsets);
            }
            return result;
        }
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = g == null ? null : g.offsets.get(tp);
            if (o != null) {
                result.put(tp, o);
            }
        }
        return result;
    }

    /**
     * OffsetDelete: INVALID_GROUP_ID for the empty id, GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP for a group with members that is not
     * a consumer group; otherwise per partition GROUP_SUBSCRIBED_TO_TOPIC when a member subscribes to its topic.
     */
    public Errors deleteOffsets(String groupId, List<TopicPartition> partitions, Map<TopicPartition, Errors> result) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup g = store.get(groupId);
        if (g == null || g.is(State.DEAD)) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        Optional<Set<String>> subscribed = g.subscribedTopics();
        if (!g.members.isEmpty() && !"consumer".equals(g.protocolType)) {
            return Errors.NON_EMPTY_GROUP;
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!g.members.isEmpty() && (subscribed.isEmpty() || subscribed.get().contains(tp.topic()))) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            result.put(tp, Errors.NONE);
            if (g.offsets.containsKey(tp)) {
                records.add(new CoordinatorRecord.OffsetCommit(groupId, tp, null));
            }
        }
        store.append(groupId, records);
        return Errors.NONE;
    }

    /** Tombstones the offsets due to expire (see the class comment), then deletes groups left with nothing. */
    public int expireOffsets() {
        long now = store.now();
        long retention = store.settings.offsetsRetentionMs();
        int expired = 0;
        for (ClassicGroup g : new ArrayList<>(store.all())) {
            Predicate<Map.Entry<TopicPartition, OffsetAndMetadata>> due;
            if (g.is(State.EMPTY)) {
                if (g.currentStateTimestamp >= 0 && g.protocolType != null) {
                    boolean groupExpired = now - g.currentStateTimestamp >= retention;
                    due = e -> groupExpired;
                } else {
                    due = e -> now - e.getValue().commitTimestamp() >= retention;
                }
            } else {
                Optional<Set<String>> subscribed = g.subscribedTopics();
                if (subscribed.isEmpty() || !"consumer".equals(g.protocolType) || !g.is(State.STABLE)) {
                    continue;
                }
                due = e -> !subscribed.get().contains(e.getKey().topic())
                        && now - e.getValue().commitTimestamp() >= retention;
            }
            List<CoordinatorRecord> records = g.offsets.entrySet().stream().filter(due)
                    .map(e -> (CoordinatorRecord) new CoordinatorRecord.OffsetCommit(g.groupId, e.getKey(), null))
                    .collect(Collectors.toCollection(ArrayList::new));
            boolean deleteGroup = g.is(State.EMPTY) && records.size() == g.offsets.size();
            if (records.isEmpty() && !deleteGroup) {
                continue;
            }
            if (deleteGroup) {
                records.add(new CoordinatorRecord.GroupMetadata(g.groupId, null));
            }
            try {
                store.append(g.groupId, records);
                expired += deleteGroup ? records.size() - 1 : records.size();
                log.info("Expired {} offset(s) of group {}{}", deleteGroup ? records.size() - 1 : records.size(),
                        g.groupId, deleteGroup ? "; the group is deleted" : "");
            } catch (RuntimeException e) {
                log.warn("Could not expire the offsets of group {}", g.groupId, e);
            }
        }
        return expired;
    }

    /** A topic was deleted: every group's offsets of it are deleted too, as Kafka does. */
    public void topicDeleted(String topic) {
        for (ClassicGroup g : new ArrayList<>(store.all())) {
            List<CoordinatorRecord> records = new ArrayList<>();
            for (TopicPartition tp : g.offsets.keySet()) {
                if (tp.topic().equals(topic)) {
                    records.add(new CoordinatorRecord.OffsetCommit(g.groupId, tp, null));
                }
            }
            try {
                store.append(g.groupId, records);
            } catch (RuntimeException e) {
                log.warn("Could not delete the offsets of group {} for deleted topic {}", g.groupId, topic, e);
            }
        }
    }

    // ---------------------------------------------------------------- admin

    public DescribeGroupsResponseData.DescribedGroup describeGroup(String groupId) {
        DescribeGroupsResponseData.DescribedGroup d = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId);
        ClassicGroup g = store.get(groupId);
        if (g == null) {
            return d.setGroupState(State.DEAD.label).setProtocolType("").setProtocolData("")
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " not found.");
        }
        boolean stable = g.is(State.STABLE);
        d.setGroupState(g.state.label).setProtocolType(g.protocolType == null ? "" : g.protocolType)
                .setProtocolData(stable && g.protocolName != null ? g.protocolName : "");
        for (GroupMember m : g.members.values()) {
            byte[] metadata = stable ? m.protocols.get(g.protocolName) : null;
            d.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                    .setMemberId(m.memberId).setGroupInstanceId(m.instanceId).setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                    .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return d;
    }

    /** ListGroups: groups whose state is in {@code states} (case-insensitive; empty = all). */
    public List<ListGroupsResponseData.ListedGroup> listGroups(List<String> states, List<String> types) {
        Set<String> wanted = states.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> wantedTypes = types.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<ListGroupsResponseData.ListedGroup> result = new ArrayList<>();
        if (!wantedTypes.isEmpty() && !wantedTypes.contains("classic")) {
            return result;
        }
        for (ClassicGroup g : store.all()) {
            if (g.is(State.DEAD) || !wanted.isEmpty() && !wanted.contains(g.state.label.toLowerCase(Locale.ROOT))) {
                continue;
            }
            result.add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId)
                    .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setGroupState(g.state.label).setGroupType("classic"));
        }
        return result;
    }

    /**
     * DeleteGroups of one group: GROUP_ID_NOT_FOUND (also for the empty id, as Kafka 4.1 answers), NON_EMPTY_GROUP
     * or NONE.
     */
    public Errors deleteGroup(String groupId) {
        ClassicGroup g = groupId == null ? null : store.get(groupId);
        if (g == null || g.is(State.DEAD)) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (!g.is(State.EMPTY)) {
            return Errors.NON_EMPTY_GROUP;
        }
        rebalancer.forget(g);
        store.append(groupId, GroupStore.deletion(g));
        log.info("Deleted group {}", groupId);
        return Errors.NONE;
    }

    /** A copy of every group (see {@link GroupSnapshot}); O(groups + members + offsets). */
    public List<GroupSnapshot> snapshot() {
        List<GroupSnapshot> result = new ArrayList<>(store.all().size());
        for (ClassicGroup g : store.all()) {
            result.add(snapshotOf(g));
        }
        return result;
    }

    /** A copy of one group, empty if this coordinator does not know it; O(its members + offsets). */
    public Optional<GroupSnapshot> snapshot(String groupId) {
        ClassicGroup g = groupId == null ? null : store.get(groupId);
        return g == null ? Optional.empty() : Optional.of(snapshotOf(g));
    }

    private static GroupSnapshot snapshotOf(ClassicGroup g) {
        List<GroupSnapshot.Member> members = new ArrayList<>(g.members.size());
        for (GroupMember m : g.members.values()) {
            members.add(new GroupSnapshot.Member(m.memberId, m.instanceId, m.clientId, m.clientHost, m.assignment));
        }
        return new GroupSnapshot(g.groupId, g.state.label, g.protocolType == null ? "" : g.protocolType,
                g.protocolName, g.generationId, List.copyOf(members), Map.copyOf(g.offsets), g.currentStateTimestamp);
    }

    /** The ids of every group this coordinator knows (for lag and tools). */
    public List<String> groupIds() {
        return store.all().stream().map(g -> g.groupId).collect(Collectors.toList());
    }
}
