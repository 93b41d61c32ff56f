package dev.nagare.broker.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;

/**
 * The groups of this coordinator and the one way their persistent state changes: {@link #append} writes records
 * to {@code __consumer_offsets} through the {@link RecordWriter}, then {@link #replay}s them, and start-up loading
 * replays the same records — so a commit is in memory exactly when it is in the log.
 *
 * <p>Membership of classic groups (who is joined, who waits for which response) is in memory only, as in Kafka:
 * its durable form is the group metadata record written when a rebalance completes and when a group becomes empty;
 * loading rebuilds a group's members and assignments from it.
 *
 * <p>Not thread-safe; owned by the coordinator thread.
 */
final class GroupStore {

    /** Appends records to the {@code __consumer_offsets} partition of their group; throws when it cannot. */
    interface RecordWriter {
        void write(int offsetsPartition, List<CoordinatorRecord> records);
    }

    final GroupSettings settings;
    final CoordinatorTimer timer;
    final Time time;
    private final RecordWriter writer;
    private final Map<String, ClassicGroup> groups = new HashMap<>();

    GroupStore(GroupSettings settings, CoordinatorTimer timer, Time time, RecordWriter writer) {
        this.settings = settings;
        this.timer = timer;
        this.time = time;
        this.writer = writer;
    }

    ClassicGroup get(String groupId) {
        return groups.get(groupId);
    }

    ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, ClassicGroup::new);
    }

    Collection<ClassicGroup> all() {
        return groups.values();
    }

    long now() {
        return time.milliseconds();
    }

    /** Writes the records of one group, then applies them. */
    void append(String groupId, List<CoordinatorRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        writer.write(settings.partitionFor(groupId), records);
        for (CoordinatorRecord r : records) {
            replay(r, false);
        }
    }

    /**
     * Applies one record. While {@code loading}, a group metadata record also rebuilds the group's members; after
     * start-up the members are already in memory and the record only confirms the generation.
     */
    void replay(CoordinatorRecord record, boolean loading) {
        if (record instanceof CoordinatorRecord.OffsetCommit c) {
            if (c.offset() == null) {
                ClassicGroup g = groups.get(c.group());
                if (g != null) {
                    g.offsets.remove(c.partition());
                }
            } else {
                getOrCreate(c.group()).offsets.put(c.partition(), c.offset());
            }
            return;
        }
        GroupMetadataValue v = ((CoordinatorRecord.GroupMetadata) record).value();
        if (v == null) {
            ClassicGroup g = groups.remove(record.group());
            if (g != null) {
                g.transitionTo(ClassicGroup.State.DEAD);
            }
            return;
        }
        ClassicGroup g = getOrCreate(record.group());
        g.generationId = v.generation();
        g.protocolType = v.protocolType() == null || v.protocolType().isEmpty() ? null : v.protocolType();
        g.protocolName = v.protocol();
        g.leaderId = v.leader();
        g.currentStateTimestamp = v.currentStateTimestamp();
        if (loading) {
            g.members.clear();
            g.staticMembers.clear();
            for (GroupMetadataValue.MemberMetadata mm : v.members()) {
                Map<String, byte[]> protocols = new java.util.LinkedHashMap<>();
                if (v.protocol() != null) {
                    protocols.put(v.protocol(), mm.subscription());
                }
                GroupMember m = new GroupMember(mm.memberId(), mm.groupInstanceId(), mm.clientId(),
                        mm.clientHost(), mm.rebalanceTimeout(), mm.sessionTimeout(), g.protocolType, protocols);
                m.assignment = mm.assignment();
                g.members.put(m.memberId, m);
                if (m.instanceId != null) {
                    g.staticMembers.put(m.instanceId, m.memberId);
                }
            }
            g.transitionTo(g.members.isEmpty() ? ClassicGroup.State.EMPTY : ClassicGroup.State.STABLE);
        }
    }

    /** The group metadata record of a group as it is now. */
    static CoordinatorRecord groupMetadata(ClassicGroup g, long now) {
        List<GroupMetadataValue.MemberMetadata> members = new ArrayList<>(g.members.size());
        for (GroupMember m : g.members.values()) {
            byte[] subscription = g.protocolName == null ? null : m.protocols.get(g.protocolName);
            members.add(new GroupMetadataValue.MemberMetadata()
                    .setMemberId(m.memberId).setGroupInstanceId(m.instanceId).setClientId(m.clientId)
                    .setClientHost(m.clientHost).setRebalanceTimeout(m.rebalanceTimeoutMs)
                    .setSessionTimeout(m.sessionTimeoutMs)
                    .setSubscription(subscription == null ? new byte[0] : subscription)
                    .setAssignment(m.assignment));
        }
        return new CoordinatorRecord.GroupMetadata(g.groupId, new GroupMetadataValue()
                .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                .setGeneration(g.generationId)
                .setProtocol(g.protocolName)
                .setLeader(g.leaderId)
                .setCurrentStateTimestamp(now)
                .setMembers(members));
    }

    /** Tombstones for every offset of a group and for its metadata: the group is gone once replayed. */
    static List<CoordinatorRecord> deletion(ClassicGroup g) {
        List<CoordinatorRecord> records = new ArrayList<>(g.offsets.size() + 1);
        for (TopicPartition tp : g.offsets.keySet()) {
            records.add(new CoordinatorRecord.OffsetCommit(g.groupId, tp, null));
        }
        records.add(new CoordinatorRecord.GroupMetadata(g.groupId, null));
        return records;
    }
}
