package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import dev.nagare.broker.testing.KafkaTools;
import dev.nagare.broker.testing.KafkaTools.Result;
import dev.nagare.broker.testing.Polling;
import dev.nagare.broker.testing.RawClient;
import dev.nagare.broker.testing.TestBroker;
import dev.nagare.broker.testing.ToolTable;

/**
 * Consumer groups as an operator sees them: Apache Kafka 4.1's {@code kafka-consumer-groups} tool
 * ({@code ConsumerGroupCommand}) and Admin client, and Kafka's decoders of {@code __consumer_offsets}, against one
 * Nagare broker whose groups are made by real Java consumers.
 *
 * <p>Every expectation is what a real Kafka 4.1 prints or answers for the same steps. To check that, start one with
 * {@code /work/shared/tools/peer-kafka/start.sh PORT DIR offsets.topic.num.partitions=3} and run this class with
 * {@code -Dnagare.test.peer.port=PORT} (see {@link TestBroker#startOrPeer}); each test uses its own topics and groups,
 * and they stay behind, so a second run needs a fresh peer.
 *
 * <p>Each tool run is a JVM start (about a second): the class runs only the commands whose output it checks.
 */
class ConsumerGroupCommandTest {

    private static final String GROUPS_TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    private static final int OFFSETS_TOPIC_PARTITIONS = 3;
    private static final String HOST = "/127.0.0.1";

    private static final String[] OFFSETS_COLUMNS = {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
        "CONSUMER-ID", "HOST", "CLIENT-ID"};
    private static final String[] MEMBERS_COLUMNS = {"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"};
    private static final String[] VERBOSE_MEMBERS_COLUMNS = {"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS",
        "CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT"};
    private static final String[] STATE_COLUMNS = {"GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"};
    private static final String[] RESET_COLUMNS = {"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"};
    private static final String[] DELETE_OFFSETS_COLUMNS = {"TOPIC", "PARTITION", "STATUS"};

    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin admin;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.startOrPeer(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", Integer.toString(OFFSETS_TOPIC_PARTITIONS)));
        admin = broker.admin();
        producer = broker.producer(Map.of());
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listShowsEveryGroupAndFiltersThemByState() throws Exception {
        createTopic("lst", 1);
        commit("lst-idle", Map.of(tp("lst", 0), 0L));
        try (Member live = member("lst-live", "lst-client", Map.of())) {
            joined(List.of(live), "lst", 1);

            List<String> listed = groups("--list").stdout().lines().toList();
            assertTrue(listed.containsAll(List.of("lst-idle", "lst-live")), listed.toString());

            ToolTable stable = ToolTable.parse(groups("--list", "--state", "Stable").stdout(), "GROUP", "STATE");
            assertTrue(stable.rows().contains(List.of("lst-live", "Stable")), stable.toString());
            assertTrue(stable.rows().stream().allMatch(r -> r.get(1).equals("Stable")), stable.toString());
            ToolTable empty = ToolTable.parse(groups("--list", "--state", "Empty").stdout(), "GROUP", "STATE");
            assertTrue(empty.rows().contains(List.of("lst-idle", "Empty")), empty.toString());
            assertTrue(empty.rows().stream().allMatch(r -> r.get(1).equals("Empty")), empty.toString());

            // The same through the Admin client (ListGroups with a state filter, and with a type filter).
            Map<String, GroupListing> stableListings = listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.STABLE)));
            assertEquals(new GroupListing("lst-live", Optional.of(GroupType.CLASSIC), "consumer", Optional.of(GroupState.STABLE)),
                    stableListings.get("lst-live"));
            assertFalse(stableListings.containsKey("lst-idle"), stableListings.toString());
            Map<String, GroupListing> emptyListings = listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY)));
            assertEquals(new GroupListing("lst-idle", Optional.of(GroupType.CLASSIC), "", Optional.of(GroupState.EMPTY)),
                    emptyListings.get("lst-idle"));
            assertTrue(emptyListings.get("lst-idle").isSimpleConsumerGroup());
            assertFalse(emptyListings.containsKey("lst-live"), emptyListings.toString());
            Map<String, GroupListing> classic = listGroups(ListGroupsOptions.forConsumerGroups().withTypes(Set.of(GroupType.CLASSIC)));
            assertTrue(classic.keySet().containsAll(Set.of("lst-idle", "lst-live")), classic.toString());
        }
    }

    @Test
    void describeShowsTheOffsetsLagAndMembersOfARunningGroup() throws Exception {
        createTopic("live", 2);
        produce("live", 0, 5, 0);
        produce("live", 1, 3, 0);
        try (Member a = member("live", "live-a", Map.of());
                Member b = member("live", "live-b", Map.of())) {
            List<Member> members = joined(List.of(a, b), "live", 2);
            Member owner0 = owner(members, tp("live", 0));
            Member owner1 = owner(members, tp("live", 1));
            owner0.consumer().commitSync(Map.of(tp("live", 0), new OffsetAndMetadata(5)));
            owner1.consumer().commitSync(Map.of(tp("live", 1), new OffsetAndMetadata(3)));
            produce("live", 0, 2, 0);

            Result describe = groups("--describe", "--group", "live");
            assertEquals(List.of(
                    List.of("live", "live", "0", "5", "7", "2", owner0.memberId(), HOST, owner0.clientId()),
                    List.of("live", "live", "1", "3", "3", "0", owner1.memberId(), HOST, owner1.clientId())),
                    ToolTable.parse(describe.stdout(), OFFSETS_COLUMNS).sortedRows());
            assertFalse(describe.stderr().contains("has no active members"), describe.stderr());

            List<Member> byMemberId = members.stream()
                    .sorted(Comparator.comparing(Member::memberId)).toList();
            List<List<String>> memberRows = new ArrayList<>();
            List<List<String>> verboseRows = new ArrayList<>();
            for (Member m : byMemberId) {
                String partition = m == owner0 ? "live:0" : "live:1";
                memberRows.add(List.of("live", m.memberId(), HOST, m.clientId(), "1"));
                verboseRows.add(List.of("live", m.memberId(), HOST, m.clientId(), "1", "-", partition, "-", "-"));
            }
            assertEquals(memberRows, ToolTable.parse(groups("--describe", "--group", "live", "--members").stdout(),
                    MEMBERS_COLUMNS).sortedRows());
            assertEquals(verboseRows, ToolTable.parse(groups("--describe", "--group", "live", "--members", "--verbose").stdout(),
                    VERBOSE_MEMBERS_COLUMNS).sortedRows());
            assertEquals(List.of(List.of("live", coordinator(), "range", "Stable", "2")),
                    ToolTable.parse(groups("--describe", "--group", "live", "--state").stdout(), STATE_COLUMNS).rows());
        }
    }

    @Test
    void describeOfAGroupWithoutMembersShowsItsCommittedOffsetsAndExactLag() throws Exception {
        createTopic("idle", 2);
        produce("idle", 0, 4, 0);
        produce("idle", 1, 6, 0);
        try (Member c = member("idle", "idle-client", Map.of())) {
            joined(List.of(c), "idle", 2);
            c.consumer().commitSync(Map.of(tp("idle", 0), new OffsetAndMetadata(3), tp("idle", 1), new OffsetAndMetadata(6)));
        }
        produce("idle", 1, 5, 0);

        Result describe = groups("--describe", "--group", "idle");
        assertEquals(List.of(
                List.of("idle", "idle", "0", "3", "4", "1", "-", "-", "-"),
                List.of("idle", "idle", "1", "6", "11", "5", "-", "-", "-")),
                ToolTable.parse(describe.stdout(), OFFSETS_COLUMNS).sortedRows());
        assertTrue(describe.stderr().endsWith("\nConsumer group 'idle' has no active members.\n"), describe.stderr());

        Result members = groups("--describe", "--group", "idle", "--members");
        assertEquals(List.of(), ToolTable.parse(members.stdout(), MEMBERS_COLUMNS).rows());
        assertTrue(members.stderr().endsWith("\nConsumer group 'idle' has no active members.\n"), members.stderr());
        assertEquals(List.of(List.of("idle", coordinator(), "-", "Empty", "0")),
                ToolTable.parse(groups("--describe", "--group", "idle", "--state").stdout(), STATE_COLUMNS).rows());
    }

    @Test
    void resetOffsetsDryRunChangesNothingAndExecuteSetsExactlyTheOffsetsAsked() throws Exception {
        long t0 = (System.currentTimeMillis() / 1000 - 3600) * 1000;
        createTopic("rst", 2);
        createTopic("rsu", 1);
        produce("rst", 0, 10, t0);
        produce("rst", 1, 4, t0);
        produce("rsu", 0, 3, t0);
        TopicPartition r0 = tp("rst", 0);
        TopicPartition r1 = tp("rst", 1);
        TopicPartition u0 = tp("rsu", 0);
        commit("rst", Map.of(r0, 5L, r1, 2L, u0, 1L));

        assertReset(Map.of(r0, 0L, r1, 0L, u0, 1L), "--topic", "rst", "--to-earliest");
        assertReset(Map.of(r0, 10L, r1, 4L, u0, 3L), "--all-topics", "--to-latest");
        // Past the log end: the log end (4 on partition 1).
        assertReset(Map.of(r0, 7L, r1, 4L, u0, 3L), "--topic", "rst", "--to-offset", "7");
        assertReset(Map.of(r0, 4L, r1, 1L, u0, 0L), "--all-topics", "--shift-by", "-3");
        assertReset(Map.of(r0, 6L, r1, 3L, u0, 0L), "--topic", "rst", "--shift-by", "2");
        // Records are t0, t0 + 1 s, …: the first at or after t0 + 3.5 s is offset 4 of rst-0; rst-1 and rsu-0 have none
        // that late, and the tool warns and takes their log end.
        String at = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(t0 + 3500));
        Result byTime = assertReset(Map.of(r0, 4L, r1, 4L, u0, 3L), "--all-topics", "--to-datetime", at);
        assertTrue(byTime.stdout().contains("\nWarn: Partition 1 from topic rst is empty. Falling back to latest known offset.\n"),
                byTime.stdout());
        assertTrue(byTime.stdout().contains("\nWarn: Partition 0 from topic rsu is empty. Falling back to latest known offset.\n"),
                byTime.stdout());
    }

    @Test
    void aGroupWithActiveMembersRefusesResetDeletionAndDeletionOfItsSubscribedTopicsOffsets() throws Exception {
        try (Member c = memberThatCommitted("busy", 4, 2)) {
            Result reset = groups("--reset-offsets", "--group", "busy", "--topic", "busy", "--to-earliest", "--execute");
            assertTrue(reset.stdout().startsWith(
                    "\nError: Assignments can only be reset if the group 'busy' is inactive, but the current state is Stable.\n"),
                    reset.stdout());
            assertEquals(List.of(), ToolTable.parse(reset.stdout(), RESET_COLUMNS).rows());

            assertEquals("\nError: Deletion of some consumer groups failed:\n* Group 'busy' could not be deleted due to: "
                    + "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n",
                    groups("--delete", "--group", "busy").stdout());

            Result deleteOffsets = groups("--delete-offsets", "--group", "busy", "--topic", "busy");
            assertTrue(deleteOffsets.stdout().startsWith("\nError: Encountered some partition-level error, see the follow-up details.\n"),
                    deleteOffsets.stdout());
            assertEquals(List.of(List.of("busy", "0", "Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: "
                    + "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.")),
                    ToolTable.parse(deleteOffsets.stdout(), DELETE_OFFSETS_COLUMNS).rows());

            // The Admin client's calls behind those commands, refused the same way.
            assertFailsWith(GroupNotEmptyException.class, "The group is not empty.",
                    () -> admin.deleteConsumerGroups(List.of("busy")).all().get());
            assertFailsWith(GroupSubscribedToTopicException.class,
                    "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
                    () -> admin.deleteConsumerGroupOffsets("busy", Set.of(tp("busy", 0))).all().get());
            assertFailsWith(UnknownMemberIdException.class, "Failed altering group offsets for the following partitions: [busy-0]",
                    () -> admin.alterConsumerGroupOffsets("busy", Map.of(tp("busy", 0), new OffsetAndMetadata(0))).all().get());

            assertEquals(Map.of(tp("busy", 0), 2L), committed("busy"));
            ConsumerGroupDescription stillLive = describe("busy");
            assertEquals(GroupState.STABLE, stillLive.groupState());
            assertEquals(List.of(c.memberId()), stillLive.members().stream().map(MemberDescription::consumerId).toList());
        }
    }

    @Test
    void deletingAnEmptyGroupForgetsItSoItsNextConsumerStartsByAutoOffsetReset() throws Exception {
        memberThatCommitted("gone", 6, 4).close();

        assertEquals("\nError: Deletion of some consumer groups failed:\n* Group 'never' could not be deleted due to: "
                + "org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n\n"
                + "These consumer groups were deleted successfully: 'gone'\n",
                groups("--delete", "--group", "gone", "--group", "never").stdout());
        assertFalse(groups("--list").stdout().lines().toList().contains("gone"));
        assertEquals(Map.of(), committed("gone"));

        try (Member again = member("gone", "gone-again", Map.of())) {
            again.consumer().subscribe(List.of("gone"));
            List<ConsumerRecord<byte[], byte[]>> records = Polling.pollAtLeast(again.consumer(), 6, Duration.ofSeconds(30));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), records.stream().map(ConsumerRecord::offset).toList(),
                    "auto.offset.reset=earliest, not the deleted commit at 4");
            Map<TopicPartition, OffsetAndMetadata> committed = again.consumer().committed(Set.of(tp("gone", 0)));
            assertNull(committed.get(tp("gone", 0)), committed.toString());
        }
    }

    @Test
    void deleteOffsetsForgetsOneTopicOfAnEmptyGroupAndKeepsTheOthers() throws Exception {
        createTopic("dof-a", 2);
        createTopic("dof-b", 1);
        commit("dof", Map.of(tp("dof-a", 0), 1L, tp("dof-a", 1), 2L, tp("dof-b", 0), 3L));

        Result deleted = groups("--delete-offsets", "--group", "dof", "--topic", "dof-a");
        assertTrue(deleted.stdout().startsWith("Request succeeded for deleting offsets from group dof.\n\n"), deleted.stdout());
        assertEquals(List.of(List.of("dof-a", "0", "Successful"), List.of("dof-a", "1", "Successful")),
                ToolTable.parse(deleted.stdout(), DELETE_OFFSETS_COLUMNS).sortedRows());
        assertEquals(Map.of(tp("dof-b", 0), 3L), committed("dof"));

        admin.deleteConsumerGroupOffsets("dof", Set.of(tp("dof-b", 0))).all().get();
        assertEquals(Map.of(), committed("dof"));
    }

    @Test
    void adminDescribesTheMembersOfALiveGroupAndRemovesThemInOneCall() throws Exception {
        createTopic("adm", 2);
        try (Member dynamic = member("adm", "adm-dynamic", Map.of());
                Member fixed = member("adm", "adm-static",
                        Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "adm-instance"))) {
            List<Member> members = joined(List.of(dynamic, fixed), "adm", 2);

            ConsumerGroupDescription live = describe("adm");
            assertEquals("adm", live.groupId());
            assertFalse(live.isSimpleConsumerGroup());
            assertEquals(GroupType.CLASSIC, live.type());
            assertEquals(GroupState.STABLE, live.groupState());
            assertEquals("range", live.partitionAssignor());
            assertCoordinator(live.coordinator());
            Set<String> expected = new TreeSet<>();
            for (Member m : members) {
                Optional<String> instance = m == fixed ? Optional.of("adm-instance") : Optional.empty();
                expected.add(m.memberId() + " instance=" + instance + " client=" + m.clientId() + " host=" + HOST
                        + " assignment=" + new TreeSet<>(m.assignment().stream().map(TopicPartition::toString).toList()));
            }
            assertEquals(expected, live.members().stream().map(ConsumerGroupCommandTest::summary)
                    .collect(Collectors.toCollection(TreeSet::new)));

            // No members named: the Admin client removes every member, the static one by its instance id, in one
            // LeaveGroup.
            assertNull(admin.removeMembersFromConsumerGroup("adm", new RemoveMembersFromConsumerGroupOptions()).all().get());
            ConsumerGroupDescription emptied = describe("adm");
            assertEquals(GroupState.EMPTY, emptied.groupState());
            assertEquals(List.of(), List.copyOf(emptied.members()));
            assertEquals("", emptied.partitionAssignor());
        }
    }

    @Test
    void adminAltersListsAndDeletesTheOffsetsOfSeveralGroups() throws Exception {
        createTopic("ofs", 2);
        TopicPartition o0 = tp("ofs", 0);
        TopicPartition o1 = tp("ofs", 1);
        admin.alterConsumerGroupOffsets("ofs-1", Map.of(o0, new OffsetAndMetadata(3, "first"), o1, new OffsetAndMetadata(1))).all().get();
        admin.alterConsumerGroupOffsets("ofs-2", Map.of(o0, new OffsetAndMetadata(7))).all().get();

        // Several groups in one call (OffsetFetch v8+ carries them in one request), one limited to a partition.
        Map<String, Map<TopicPartition, OffsetAndMetadata>> all = admin.listConsumerGroupOffsets(Map.of(
                "ofs-1", new ListConsumerGroupOffsetsSpec(),
                "ofs-2", new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(o0, o1)),
                "ofs-none", new ListConsumerGroupOffsetsSpec())).all().get();
        Map<TopicPartition, OffsetAndMetadata> second = new HashMap<>();
        second.put(o0, new OffsetAndMetadata(7));
        second.put(o1, null);
        assertEquals(Map.of(
                "ofs-1", Map.of(o0, new OffsetAndMetadata(3, "first"), o1, new OffsetAndMetadata(1)),
                "ofs-2", second,
                "ofs-none", Map.of()), all);

        admin.deleteConsumerGroupOffsets("ofs-1", Set.of(o0)).all().get();
        assertEquals(Map.of(o1, 1L), committed("ofs-1"));

        admin.deleteConsumerGroups(List.of("ofs-1", "ofs-2")).all().get();
        assertEquals(Map.of(), committed("ofs-1"));
        assertEquals(Map.of(), committed("ofs-2"));
        Map<String, GroupListing> listed = listGroups(ListGroupsOptions.forConsumerGroups());
        assertFalse(listed.containsKey("ofs-1") || listed.containsKey("ofs-2"), listed.toString());
    }

    @Test
    void adminNamesUnknownAndInvalidGroupIds() {
        assertAll(
                () -> assertFailsWith(GroupIdNotFoundException.class, "Group no-such-group not found.",
                        () -> admin.describeConsumerGroups(List.of("no-such-group")).all().get()),
                () -> assertFailsWith(GroupIdNotFoundException.class, "The group id does not exist.",
                        () -> admin.deleteConsumerGroups(List.of("no-such-group")).all().get()),
                // Kafka checks the id is not empty in OffsetDelete (INVALID_GROUP_ID), not in DeleteGroups.
                () -> assertFailsWith(InvalidGroupIdException.class, "The group id is invalid.",
                        () -> admin.deleteConsumerGroupOffsets("", Set.of(tp("no-such-topic", 0))).all().get()),
                () -> assertFailsWith(GroupIdNotFoundException.class, "The group id does not exist.",
                        () -> admin.deleteConsumerGroups(List.of("")).all().get()));
    }

    // Kafka 4.1 answers this through ConsumerGroupDescribe (the KIP-848 API), which refuses the empty id with
    // INVALID_GROUP_ID. Asked with DescribeGroups v6 instead, Kafka 4.1 answers GROUP_ID_NOT_FOUND "Group  not found.";
    // the Admin client falls back to DescribeGroups only where ConsumerGroupDescribe is not offered.
    @Test
    void describingTheEmptyGroupIdAnswersADeadGroupNotFound() throws Exception {
        // The Admin client of 4.1 asks ConsumerGroupDescribe (KIP-848) first, which Nagare does not serve yet, so
        // its answer differs from Kafka's (InvalidGroupIdException); DescribeGroups itself answers alike on both.
        try (RawClient raw = broker.rawClient()) {
            for (short version : new short[]{5, 6}) {
                DescribeGroupsResponse r = raw.roundTrip(new DescribeGroupsRequest.Builder(
                        new DescribeGroupsRequestData().setGroups(List.of(""))).build(version));
                DescribeGroupsResponseData.DescribedGroup g = r.data().groups().get(0);
                assertEquals("Dead", g.groupState(), "v" + version);
                assertEquals(version >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.NONE.code(), g.errorCode(),
                        "v" + version);
                assertEquals(version >= 6 ? "Group  not found." : null, g.errorMessage(), "v" + version);
            }
        }
    }

    @Test
    void kafkasFormattersDecodeTheOffsetAndGroupRecordsOfConsumerOffsets() throws Exception {
        int partition = offsetsPartition("fmt");
        assertEquals(partition, offsetsPartition("fmt-gone"), "both groups' records are in one partition of __consumer_offsets");
        createTopic("fmt", 1);
        produce("fmt", 0, 5, 0);
        String memberId;
        int generation;
        long committedAfter;
        long committedBefore;
        try (Member c = member("fmt", "fmt-client", Map.of())) {
            joined(List.of(c), "fmt", 1);
            memberId = c.memberId();
            generation = c.consumer().groupMetadata().generationId();
            committedAfter = System.currentTimeMillis();
            c.consumer().commitSync(Map.of(tp("fmt", 0), new OffsetAndMetadata(3, "fmt-meta")));
            committedBefore = System.currentTimeMillis();
        }
        commit("fmt-gone", Map.of(tp("fmt", 0), 1L));
        admin.deleteConsumerGroups(List.of("fmt-gone")).all().get();

        List<String> offsetRecords;
        List<String> groupRecords;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Each run waits out its --timeout-ms after the last record: the two run side by side.
            Future<List<String>> offsets = pool.submit(() -> decode(partition, "OffsetsMessageFormatter"));
            Future<List<String>> groups = pool.submit(() -> decode(partition, "GroupMetadataMessageFormatter"));
            offsetRecords = offsets.get();
            groupRecords = groups.get();
        } finally {
            pool.shutdownNow();
        }

        // Kafka 4.1 writes OffsetCommitValue version 4; version 3 holds the same fields and prints the same data.
        Pattern commit = Pattern.compile(Pattern.quote("{\"key\":{\"type\":1,\"data\":{\"group\":\"fmt\",\"topic\":\"fmt\",\"partition\":0}},"
                + "\"value\":{\"version\":") + "[34]" + Pattern.quote(",\"data\":{\"offset\":3,\"leaderEpoch\":-1,\"metadata\":\"fmt-meta\","
                + "\"commitTimestamp\":") + "(\\d+)" + Pattern.quote("}}}"));
        List<Long> commitTimes = matching(offsetRecords, commit).stream().map(m -> Long.parseLong(m.group(1))).toList();
        assertEquals(1, commitTimes.size(), "one commit of fmt:\n" + String.join("\n", offsetRecords));
        assertTrue(commitTimes.get(0) >= committedAfter && commitTimes.get(0) <= committedBefore,
                commitTimes + " within [" + committedAfter + ", " + committedBefore + "]");
        String goneKey = "{\"key\":{\"type\":1,\"data\":{\"group\":\"fmt-gone\",\"topic\":\"fmt\",\"partition\":0}},\"value\":";
        List<String> gone = offsetRecords.stream().filter(r -> r.startsWith(goneKey)).toList();
        assertEquals(2, gone.size(), "the commit of fmt-gone and its tombstone:\n" + String.join("\n", offsetRecords));
        assertTrue(gone.get(0).matches(Pattern.quote(goneKey + "{\"version\":") + "[34]"
                + Pattern.quote(",\"data\":{\"offset\":1,\"leaderEpoch\":-1,\"metadata\":\"\",\"commitTimestamp\":") + "\\d+\\}\\}\\}"),
                gone.get(0));
        assertEquals(goneKey + "null}", gone.get(1));
        assertTrue(offsetRecords.stream().noneMatch(r -> r.startsWith("{\"key\":{\"type\":2")), "no group records");

        String groupKey = "{\"key\":{\"type\":2,\"data\":{\"group\":\"fmt\"}},\"value\":";
        Pattern stable = Pattern.compile(Pattern.quote(groupKey + "{\"version\":3,\"data\":{\"protocolType\":\"consumer\",\"generation\":"
                + generation + ",\"protocol\":\"range\",\"leader\":\"" + memberId + "\",\"currentStateTimestamp\":") + "\\d+"
                + Pattern.quote(",\"members\":[{\"memberId\":\"" + memberId + "\",\"groupInstanceId\":null,\"clientId\":\"fmt-client\","
                        + "\"clientHost\":\"" + HOST + "\",\"rebalanceTimeout\":300000,\"sessionTimeout\":45000,\"subscription\":\"")
                + "([A-Za-z0-9+/=]*)" + Pattern.quote("\",\"assignment\":\"") + "([A-Za-z0-9+/=]*)" + Pattern.quote("\"}]}}}"));
        List<Matcher> stableRecords = matching(groupRecords, stable);
        assertEquals(1, stableRecords.size(), "one record of generation " + generation + ":\n" + String.join("\n", groupRecords));
        ConsumerPartitionAssignor.Subscription subscription = ConsumerProtocol.deserializeSubscription(
                ByteBuffer.wrap(Base64.getDecoder().decode(stableRecords.get(0).group(1))));
        assertEquals(List.of("fmt"), subscription.topics());
        ConsumerPartitionAssignor.Assignment assignment = ConsumerProtocol.deserializeAssignment(
                ByteBuffer.wrap(Base64.getDecoder().decode(stableRecords.get(0).group(2))));
        assertEquals(List.of(tp("fmt", 0)), assignment.partitions());
        List<String> fmtGroup = groupRecords.stream().filter(r -> r.startsWith(groupKey)).toList();
        assertTrue(fmtGroup.get(fmtGroup.size() - 1).matches(Pattern.quote(groupKey + "{\"version\":3,\"data\":{\"protocolType\":\"consumer\","
                + "\"generation\":" + (generation + 1) + ",\"protocol\":null,\"leader\":null,\"currentStateTimestamp\":") + "\\d+"
                + Pattern.quote(",\"members\":[]}}}")), "after its member left, fmt is empty:\n" + String.join("\n", fmtGroup));
        List<String> goneGroup = groupRecords.stream().filter(r -> r.startsWith("{\"key\":{\"type\":2,\"data\":{\"group\":\"fmt-gone\"}}")).toList();
        assertEquals(List.of("{\"key\":{\"type\":2,\"data\":{\"group\":\"fmt-gone\"}},\"value\":null}"), goneGroup);
        assertTrue(groupRecords.stream().noneMatch(r -> r.startsWith("{\"key\":{\"type\":1")), "no offset records");
    }

    /** Runs one --reset-offsets twice, --dry-run then --execute, and checks both tables and the offsets after each. */
    private static Result assertReset(Map<TopicPartition, Long> expected, String... scopeAndSpec) throws Exception {
        Map<TopicPartition, Long> before = committed("rst");
        List<String> args = new ArrayList<>(List.of("--reset-offsets", "--group", "rst"));
        args.addAll(List.of(scopeAndSpec));
        boolean allTopics = args.contains("--all-topics");
        List<List<String>> rows = expected.entrySet().stream()
                .filter(e -> allTopics || e.getKey().topic().equals("rst"))
                .map(e -> List.of("rst", e.getKey().topic(), Integer.toString(e.getKey().partition()), e.getValue().toString()))
                .sorted(Comparator.comparing((List<String> r) -> r.get(1)).thenComparing(r -> r.get(2)))
                .toList();

        args.add("--dry-run");
        Result dryRun = groups(args.toArray(String[]::new));
        assertEquals(rows, ToolTable.parse(dryRun.stdout(), RESET_COLUMNS).sortedRows(), String.join(" ", args));
        assertEquals(before, committed("rst"), "--dry-run changed nothing: " + String.join(" ", args));

        args.set(args.size() - 1, "--execute");
        Result execute = groups(args.toArray(String[]::new));
        assertEquals(rows, ToolTable.parse(execute.stdout(), RESET_COLUMNS).sortedRows(), String.join(" ", args));
        assertEquals(expected, committed("rst"), String.join(" ", args));
        return execute;
    }

    private static List<String> decode(int partition, String formatter) throws Exception {
        Result r = KafkaTools.run(broker.bootstrap(), CONSOLE_CONSUMER, "--topic", "__consumer_offsets",
                "--partition", Integer.toString(partition), "--offset", "earliest", "--timeout-ms", "5000",
                "--formatter", "org.apache.kafka.tools.consumer." + formatter);
        assertTrue(r.stderr().contains("Processed a total of "), r.toString());
        // Kafka 4.1's formatters print one JSON object per record with no line break between them.
        return List.of(r.stdout().split("(?=\\{\"key\":)"));
    }

    private static List<Matcher> matching(List<String> records, Pattern pattern) {
        return records.stream().map(pattern::matcher).filter(Matcher::matches).toList();
    }

    /** Kafka's placement of a group in {@code __consumer_offsets}: abs(hash of its id) modulo the partitions. */
    private static int offsetsPartition(String group) {
        int hash = group.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % OFFSETS_TOPIC_PARTITIONS;
    }

    private static Result groups(String... args) throws Exception {
        return KafkaTools.run(broker.bootstrap(), GROUPS_TOOL, args).assertSuccess();
    }

    private static String coordinator() {
        return "127.0.0.1:" + broker.port() + "  (1)";
    }

    private static void assertCoordinator(Node node) {
        assertEquals(1, node.id());
        assertEquals("127.0.0.1", node.host());
        assertEquals(broker.port(), node.port());
    }

    private static String summary(MemberDescription m) {
        return m.consumerId() + " instance=" + m.groupInstanceId() + " client=" + m.clientId() + " host=" + m.host()
                + " assignment=" + new TreeSet<>(m.assignment().topicPartitions().stream().map(TopicPartition::toString).toList());
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    }

    private static Map<String, GroupListing> listGroups(ListGroupsOptions options) throws Exception {
        return admin.listGroups(options).all().get().stream().collect(Collectors.toMap(GroupListing::groupId, Function.identity()));
    }

    private static <T extends Throwable> void assertFailsWith(Class<T> type, String message, Executable call) {
        ExecutionException e = assertThrows(ExecutionException.class, call);
        assertInstanceOf(type, e.getCause(), e.toString());
        assertEquals(message, e.getCause().getMessage());
    }

    private static Member member(String group, String clientId, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(extra);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A member learns of a rebalance from its heartbeat: a short interval lets a second member join quickly.
        settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
        return new Member(clientId, broker.consumer(settings));
    }

    /**
     * The one member of a group named like its topic, which has one partition holding {@code records} records; the
     * member has committed {@code offset} there.
     */
    private static Member memberThatCommitted(String name, int records, long offset) throws Exception {
        createTopic(name, 1);
        produce(name, 0, records, 0);
        Member m = member(name, name + "-client", Map.of());
        joined(List.of(m), name, 1);
        m.consumer().commitSync(Map.of(tp(name, 0), new OffsetAndMetadata(offset)));
        return m;
    }

    /** Subscribes the members to the topic and polls them all until its partitions are divided among them. */
    private static List<Member> joined(List<Member> members, String topic,
            int partitions) {
        members.forEach(m -> m.consumer().subscribe(List.of(topic)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!dividedAmong(members, partitions)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the group did not divide " + topic + " among its " + members.size() + " members");
            }
            members.forEach(m -> m.consumer().poll(Duration.ofMillis(50)));
        }
        return members;
    }

    private static boolean dividedAmong(List<Member> members, int partitions) {
        return members.stream().allMatch(m -> !m.assignment().isEmpty())
                && members.stream().mapToInt(m -> m.assignment().size()).sum() == partitions;
    }

    private static Member owner(List<Member> members, TopicPartition partition) {
        return members.stream().filter(m -> m.assignment().contains(partition)).findFirst().orElseThrow();
    }

    /** A consumer of a group, and the client id it was given (a consumer does not tell its own). */
    private record Member(String clientId, KafkaConsumer<byte[], byte[]> consumer) implements AutoCloseable {

        String memberId() {
            return consumer.groupMetadata().memberId();
        }

        Set<TopicPartition> assignment() {
            return consumer.assignment();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    /** Appends records with timestamps firstTimestamp, +1 s, +2 s … (or the producer's clock when it is 0). */
    private static void produce(String topic, int partition, int count, long firstTimestamp) throws Exception {
        for (int i = 0; i < count; i++) {
            Long timestamp = firstTimestamp == 0 ? null : firstTimestamp + 1000L * i;
            producer.send(new ProducerRecord<>(topic, partition, timestamp, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    /** Commits offsets for a group without members, as an operator's Admin client does. */
    private static void commit(String group, Map<TopicPartition, Long> offsets) throws Exception {
        admin.alterConsumerGroupOffsets(group, offsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())))).all().get();
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
