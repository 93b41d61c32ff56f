package dev.nagare.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.junit.jupiter.api.Test;

/** The coordinator's state machine with a fake clock: rebalances, timeouts, commits, expiry, replay, errors. */
class GroupCoordinatorTest {

    private static final long RETENTION = 7 * 24 * 3600_000L;
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition U0 = new TopicPartition("u", 0);

    private final CoordinatorHarness h = new CoordinatorHarness(CoordinatorHarness.settings(RETENTION, 0));

    /** Two members joined, synced (leader gives "A" to itself, "B" to the other); returns {leader, follower}. */
    private JoinGroupResponseData[] stableGroupOfTwo(String group) {
        AtomicReference<JoinGroupResponseData> a = h.joinNew(group);
        assertNotNull(a.get(), "a single member completes the join at once");
        h.sync(group, a.get().memberId(), a.get().generationId(), Map.of(a.get().memberId(), "A".getBytes()));
        AtomicReference<JoinGroupResponseData> b = h.joinNew(group);
        assertNull(b.get(), "the newcomer waits for the existing member to rejoin");
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat(group, a.get().memberId(), a.get().generationId()));
        AtomicReference<JoinGroupResponseData> a2 = h.join(group, a.get().memberId(), null, new byte[0]);
        assertEquals(2, a2.get().generationId());
        assertEquals(2, b.get().generationId());
        assertEquals(2, a2.get().members().size(), "the leader receives every member");
        assertEquals(0, b.get().members().size());
        AtomicReference<SyncGroupResponseData> followerSync = h.sync(group, b.get().memberId(), 2, Map.of());
        assertNull(followerSync.get(), "the follower waits for the leader's assignment");
        AtomicReference<SyncGroupResponseData> leaderSync = h.sync(group, a2.get().memberId(), 2,
                Map.of(a2.get().memberId(), "A".getBytes(), b.get().memberId(), "B".getBytes()));
        assertEquals("A", new String(leaderSync.get().assignment()));
        assertEquals("B", new String(followerSync.get().assignment()));
        return new JoinGroupResponseData[]{a2.get(), b.get()};
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeout() {
        JoinGroupResponseData[] m = stableGroupOfTwo("g");
        for (int i = 0; i < 3; i++) {
            h.clock.advance(3000);
            assertEquals(Errors.NONE, h.heartbeat("g", m[0].memberId(), 2));
        }
        h.clock.advance(3000);
        // the follower never heartbeated: 12 s > its 10 s session
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", m[1].memberId(), 2));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", m[0].memberId(), 2));
        AtomicReference<JoinGroupResponseData> alone = h.join("g", m[0].memberId(), null, new byte[0]);
        assertEquals(3, alone.get().generationId());
        assertEquals(1, alone.get().members().size());
    }

    @Test
    void aMemberThatNeverRejoinsIsDroppedAfterTheRebalanceTimeout() {
        JoinGroupResponseData[] m = stableGroupOfTwo("g");
        AtomicReference<JoinGroupResponseData> newcomer = h.joinNew("g");
        AtomicReference<JoinGroupResponseData> leader = h.join("g", m[0].memberId(), null, new byte[0]);
        for (int t = 0; t < CoordinatorHarness.REBALANCE_MS - 5000; t += 5000) {
            h.clock.advance(5000); // the follower heartbeats (so its session lives) but does not rejoin
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", m[1].memberId(), 2));
        }
        h.clock.advance(4999);
        assertNull(leader.get());
        h.clock.advance(1);
        assertEquals(3, leader.get().generationId());
        assertEquals(2, leader.get().members().size(), "leader and newcomer; the silent follower is gone");
        assertEquals(3, newcomer.get().generationId());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", m[1].memberId(), 3));
    }

    @Test
    void joinErrorsFollowKafka() {
        var bad = h.coordinator;
        AtomicReference<JoinGroupResponseData> r = new AtomicReference<>();
        var req = new org.apache.kafka.common.message.JoinGroupRequestData().setGroupId("g").setMemberId("")
                .setSessionTimeoutMs(1000).setRebalanceTimeoutMs(1000).setProtocolType("consumer");
        req.protocols().add(new org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range").setMetadata(new byte[0]));
        bad.joinGroup(req, (short) 9, "c", "/h", r::set);
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), r.get().errorCode());
        bad.joinGroup(req.duplicate().setSessionTimeoutMs(10_000).setGroupId(""), (short) 9, "c", "/h", r::set);
        assertEquals(Errors.INVALID_GROUP_ID.code(), r.get().errorCode());
        bad.joinGroup(req.duplicate().setSessionTimeoutMs(10_000).setMemberId("nobody"), (short) 9, "c", "/h", r::set);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), r.get().errorCode());
        JoinGroupResponseData[] m = stableGroupOfTwo("g2");
        bad.joinGroup(req.duplicate().setGroupId("g2").setSessionTimeoutMs(10_000).setProtocolType("connect"),
                (short) 9, "c", "/h", r::set);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), r.get().errorCode());
        assertEquals(Errors.ILLEGAL_GENERATION, h.heartbeat("g2", m[0].memberId(), 1));
        assertEquals(Errors.ILLEGAL_GENERATION, h.commit("g2", m[0].memberId(), 1, T0, 5));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.commit("g2", "stranger", 2, T0, 5));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.commit("g2", "", -1, T0, 5), "admin commit to a live group");
        assertEquals(Errors.NON_EMPTY_GROUP, h.coordinator.deleteGroup("g2"));
        assertEquals(Errors.GROUP_ID_NOT_FOUND, h.coordinator.deleteGroup("missing"));
        assertEquals(Errors.GROUP_ID_NOT_FOUND, h.coordinator.deleteGroup(""), "Kafka 4.1's answer");
        assertEquals(Errors.INVALID_GROUP_ID, h.coordinator.deleteOffsets("", List.of(T0), new java.util.HashMap<>()));
    }

    @Test
    void tooLargeMetadataIsRefusedForItsPartitionOnly() {
        var result = h.coordinator.commitOffsets("solo", "", null, -1, List.of(
                new GroupCoordinator.PartitionCommit(T0, 1, -1, "x".repeat(4097)),
                new GroupCoordinator.PartitionCommit(U0, 2, -1, "ok")));
        assertEquals(Map.of(T0, Errors.OFFSET_METADATA_TOO_LARGE, U0, Errors.NONE), result);
        assertEquals(Map.of(U0, 2L), Map.of(U0, h.offsets("solo").get(U0).offset()));
        assertEquals(1, h.offsets("solo").size());
    }

    @Test
    void staticMemberWithANewMemberIdFencesTheOldOneAndKeepsTheGeneration() {
        AtomicReference<JoinGroupResponseData> first = h.join("s", "", "instance-1", new byte[0]);
        assertEquals(1, first.get().generationId(), "static members need no MEMBER_ID_REQUIRED round");
        h.sync("s", first.get().memberId(), 1, Map.of(first.get().memberId(), "P".getBytes()));
        AtomicReference<JoinGroupResponseData> again = h.join("s", "", "instance-1", new byte[]{1});
        assertEquals(1, again.get().generationId());
        assertTrue(again.get().skipAssignment(), "the leader keeps its assignment");
        assertEquals(Errors.FENCED_INSTANCE_ID.code(), h.coordinator.heartbeat(
                new org.apache.kafka.common.message.HeartbeatRequestData().setGroupId("s")
                        .setMemberId(first.get().memberId()).setGroupInstanceId("instance-1").setGenerationId(1))
                .errorCode());
        assertEquals("P", new String(h.sync("s", again.get().memberId(), 1, Map.of()).get().assignment()));
    }

    @Test
    void offsetsOfAnEmptyGroupExpireRetentionAfterItEmptiedAndTheGroupGoes() {
        JoinGroupResponseData[] m = stableGroupOfTwo("g");
        assertEquals(Errors.NONE, h.commit("g", m[0].memberId(), 2, T0, 42));
        h.leave("g", m[0].memberId());
        h.leave("g", m[1].memberId());
        assertEquals("Empty", h.coordinator.describeGroup("g").groupState());
        h.clock.advance(RETENTION - 60_000);
        assertEquals(42, h.offsets("g").get(T0).offset(), "not yet");
        h.clock.advance(120_000);
        assertEquals(Map.of(), h.offsets("g"));
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), h.coordinator.describeGroup("g").errorCode());
        h.restart();
        assertEquals(Map.of(), h.offsets("g"), "the tombstones are replayed too");
    }

    @Test
    void standaloneCommitsExpireEachRetentionAfterItsCommit() {
        assertEquals(Errors.NONE, h.commit("solo", "", -1, T0, 1));
        h.clock.advance(RETENTION / 2);
        assertEquals(Errors.NONE, h.commit("solo", "", -1, U0, 2));
        h.clock.advance(RETENTION / 2 + 60_000);
        assertEquals(Map.of(U0, 2L), Map.of(U0, h.offsets("solo").get(U0).offset()));
        assertEquals(1, h.offsets("solo").size());
    }

    @Test
    void aLiveConsumerGroupKeepsSubscribedOffsetsAndLosesOnlyOthers() {
        byte[] subscribeT = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(
                new org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription(List.of("t"))).array();
        AtomicReference<JoinGroupResponseData> a = h.join("live", "", "i", subscribeT);
        h.sync("live", a.get().memberId(), 1, Map.of(a.get().memberId(), new byte[0]));
        assertEquals(Errors.NONE, h.commit("live", a.get().memberId(), 1, T0, 10));
        assertEquals(Errors.NONE, h.commit("live", a.get().memberId(), 1, U0, 20));
        for (long t = 0; t < RETENTION + 120_000; t += 5000) {
            h.clock.advance(5000);
            h.heartbeat("live", a.get().memberId(), 1);
        }
        assertEquals(Map.of(T0, 10L), Map.of(T0, h.offsets("live").get(T0).offset()));
        assertEquals(1, h.offsets("live").size(), "u is not subscribed: its offset expired");
        Map<TopicPartition, Errors> result = new java.util.HashMap<>();
        assertEquals(Errors.NONE, h.coordinator.deleteOffsets("live", List.of(T0), result));
        assertEquals(Map.of(T0, Errors.GROUP_SUBSCRIBED_TO_TOPIC), result);
    }

    @Test
    void aRestartRebuildsOffsetsGenerationAndAssignmentsFromTheLog() {
        JoinGroupResponseData[] m = stableGroupOfTwo("g");
        assertEquals(Errors.NONE, h.commit("g", m[1].memberId(), 2, T0, 7));
        assertEquals(Errors.NONE, h.commit("solo", "", -1, U0, 9));
        h.restart();
        assertEquals(7, h.offsets("g").get(T0).offset());
        assertEquals(9, h.offsets("solo").get(U0).offset());
        var d = h.coordinator.describeGroup("g");
        assertEquals("Stable", d.groupState());
        assertEquals(2, d.members().size());
        assertEquals(Errors.NONE, h.heartbeat("g", m[1].memberId(), 2), "members carry on after a restart");
        assertEquals("B", new String(h.sync("g", m[1].memberId(), 2, Map.of()).get().assignment()));
    }

    @Test
    void offsetsOfADeletedTopicAreDeletedFromEveryGroup() {
        assertEquals(Errors.NONE, h.commit("solo", "", -1, T0, 1));
        assertEquals(Errors.NONE, h.commit("solo", "", -1, U0, 2));
        assertEquals(Errors.NONE, h.commit("other", "", -1, T0, 3));
        h.coordinator.topicDeleted("t");
        assertEquals(Map.of(U0, 2L), Map.of(U0, h.offsets("solo").get(U0).offset()));
        assertEquals(1, h.offsets("solo").size());
        assertEquals(Map.of(), h.offsets("other"));
        h.restart();
        assertEquals(1, h.offsets("solo").size());
    }

    @Test
    void aBatchedLeaveAnswersEachMemberAndFencesAWrongStaticId() {
        AtomicReference<JoinGroupResponseData> s = h.join("g", "", "inst", new byte[0]);
        h.sync("g", s.get().memberId(), 1, Map.of());
        var req = new org.apache.kafka.common.message.LeaveGroupRequestData().setGroupId("g");
        req.members().add(new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity()
                .setMemberId("other-id").setGroupInstanceId("inst"));
        req.members().add(new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity()
                .setMemberId("nobody"));
        var r = h.coordinator.leaveGroup(req, (short) 5);
        assertEquals(List.of(Errors.FENCED_INSTANCE_ID.code(), Errors.UNKNOWN_MEMBER_ID.code()),
                r.members().stream().map(m -> m.errorCode()).toList());
        req.members().clear();
        req.members().add(new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity()
                .setMemberId("").setGroupInstanceId("inst"));
        assertEquals(Errors.NONE.code(), h.coordinator.leaveGroup(req, (short) 5).members().get(0).errorCode());
        assertEquals("Empty", h.coordinator.describeGroup("g").groupState());
    }

    @Test
    void aFailedWriteChangesNothing() {
        assertEquals(Errors.NONE, h.commit("solo", "", -1, T0, 1));
        h.failWrites = new CoordinatorNotAvailableException("disk");
        try {
            h.commit("solo", "", -1, T0, 2);
            throw new AssertionError("expected the write to fail");
        } catch (CoordinatorNotAvailableException expected) {
            // the request layer answers COORDINATOR_NOT_AVAILABLE
        }
        assertEquals(1, h.offsets("solo").get(T0).offset());
    }

    @Test
    void theFirstRebalanceOfAnEmptyGroupWaitsTheInitialDelayWhileMembersArrive() {
        CoordinatorHarness delayed = new CoordinatorHarness(CoordinatorHarness.settings(RETENTION, 3000));
        AtomicReference<JoinGroupResponseData> a = delayed.joinNew("g");
        delayed.clock.advance(2000);
        AtomicReference<JoinGroupResponseData> b = delayed.joinNew("g");
        delayed.clock.advance(1000);
        assertNull(a.get(), "a member arrived during the delay: wait another round");
        delayed.clock.advance(3000);
        assertEquals(1, a.get().generationId());
        assertEquals(1, b.get().generationId());
    }
}
