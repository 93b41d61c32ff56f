package dev.nagare.broker.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * A coordinator with a fake clock whose "log" keeps every record it wrote as the bytes Nagare stores, so a
 * {@link #restart} replays exactly what start-up would read from {@code __consumer_offsets}.
 */
final class CoordinatorHarness {

    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 20_000;

    final FakeClock clock = new FakeClock();
    final List<MemoryRecords> log = new ArrayList<>();
    final GroupSettings settings;
    GroupCoordinator coordinator;
    /** When set, writes fail with this (a broken disk). */
    RuntimeException failWrites;

    CoordinatorHarness(GroupSettings settings) {
        this.settings = settings;
        this.coordinator = newCoordinator();
        coordinator.loaded();
    }

    static GroupSettings settings(long retentionMs, int initialDelayMs) {
        return new GroupSettings(5, 6000, 300_000, initialDelayMs, Integer.MAX_VALUE, retentionMs, 60_000, 4096);
    }

    private GroupCoordinator newCoordinator() {
        return new GroupCoordinator(settings, clock, clock, (partition, records) -> {
            if (failWrites != null) {
                throw failWrites;
            }
            SimpleRecord[] simple = records.stream().map(r -> new SimpleRecord(clock.milliseconds(),
                    OffsetsTopicFormat.key(r), OffsetsTopicFormat.value(r))).toArray(SimpleRecord[]::new);
            log.add(MemoryRecords.withRecords(Compression.NONE, simple));
        });
    }

    /** A new coordinator (timers of the old one dropped) rebuilt by replaying the log. */
    void restart() {
        clock.cancelAll();
        coordinator = newCoordinator();
        for (MemoryRecords batch : log) {
            for (Record r : batch.records()) {
                coordinator.replay(OffsetsTopicFormat.decode(r));
            }
        }
        coordinator.loaded();
    }

    /** Sends JoinGroup; the holder receives the response when the rebalance completes. */
    AtomicReference<JoinGroupResponseData> join(String group, String memberId, String instanceId, byte[] metadata) {
        AtomicReference<JoinGroupResponseData> out = new AtomicReference<>();
        JoinGroupRequestData req = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType("consumer");
        req.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        coordinator.joinGroup(req, (short) 9, "client", "/127.0.0.1", out::set);
        return out;
    }

    /** JoinGroup twice as a new dynamic member does (MEMBER_ID_REQUIRED first). */
    AtomicReference<JoinGroupResponseData> joinNew(String group) {
        JoinGroupResponseData first = join(group, "", null, new byte[0]).get();
        if (first.errorCode() != Errors.MEMBER_ID_REQUIRED.code()) {
            throw new AssertionError("expected MEMBER_ID_REQUIRED, got " + Errors.forCode(first.errorCode()));
        }
        return join(group, first.memberId(), null, new byte[0]);
    }

    AtomicReference<SyncGroupResponseData> sync(String group, String memberId, int generation,
                                                Map<String, byte[]> assignments) {
        AtomicReference<SyncGroupResponseData> out = new AtomicReference<>();
        SyncGroupRequestData req = new SyncGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationId(generation);
        assignments.forEach((m, a) -> req.assignments().add(
                new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(m).setAssignment(a)));
        coordinator.syncGroup(req, (short) 5, out::set);
        return out;
    }

    Errors heartbeat(String group, String memberId, int generation) {
        return Errors.forCode(coordinator.heartbeat(new HeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setGenerationId(generation)).errorCode());
    }

    Errors leave(String group, String memberId) {
        var req = new LeaveGroupRequestData().setGroupId(group);
        req.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId(memberId));
        return Errors.forCode(coordinator.leaveGroup(req, (short) 5).members().get(0).errorCode());
    }

    Errors commit(String group, String memberId, int generation, TopicPartition tp, long offset) {
        return coordinator.commitOffsets(group, memberId, null, generation,
                List.of(new GroupCoordinator.PartitionCommit(tp, offset, -1, ""))).get(tp);
    }

    Map<TopicPartition, OffsetAndMetadata> offsets(String group) {
        return coordinator.fetchOffsets(group, null);
    }
}
