package dev.nagare.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random scripts of joins, heartbeats, leaves, commits, clock ticks, expiry checks and restarts, played by four
 * well-behaved clients against the coordinator, checked against a simple model: no partition is handed to two
 * members of the same generation, and the committed offsets are exactly the acknowledged commits — none lost (also
 * across restarts, which replay the log), none invented.
 */
class CoordinatorPropertyTest {

    private static final String GROUP = "pg";
    private static final String SOLO = "solo";
    private static final int PARTITIONS = 6;
    private static final int MEMBERS = 4;

    record Op(int kind, int member, int partition, int offset, int ms) {
    }

    @Provide
    Arbitrary<List<Op>> scripts() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, MEMBERS - 1), Arbitraries.integers().between(0, PARTITIONS - 1),
                Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 4000)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(120);
    }

    /** One client's view of its membership. */
    private static final class Client {
        String memberId;
        int generation = -1;
        AtomicReference<JoinGroupResponseData> join;
        AtomicReference<SyncGroupResponseData> sync;

        void reset() {
            memberId = null;
            generation = -1;
            join = null;
            sync = null;
        }
    }

    @Property(tries = 300)
    void noPartitionHasTwoOwnersInAGenerationAndCommitsAreNeitherLostNorInvented(@ForAll("scripts") List<Op> script) {
        CoordinatorHarness h = new CoordinatorHarness(CoordinatorHarness.settings(24 * 3600_000L, 0));
        Client[] clients = new Client[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            clients[i] = new Client();
        }
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<TopicPartition, Long> soloCommitted = new HashMap<>();
        Map<Integer, Map<String, Set<Integer>>> owners = new HashMap<>();
        for (Op op : script) {
            Client c = clients[op.member()];
            TopicPartition tp = new TopicPartition("t", op.partition());
            switch (op.kind()) {
                case 0 -> {
                    if (c.memberId == null && c.join == null) {
                        c.join = h.join(GROUP, "", null, new byte[0]);
                    }
                }
                case 1 -> {
                    if (c.memberId != null && c.join == null && c.sync == null) {
                        Errors e = h.heartbeat(GROUP, c.memberId, c.generation);
                        if (e == Errors.REBALANCE_IN_PROGRESS) {
                            c.join = h.join(GROUP, c.memberId, null, new byte[0]);
                        } else if (e != Errors.NONE) {
                            c.reset();
                        }
                    }
                }
                case 2 -> {
                    if (c.memberId != null) {
                        h.leave(GROUP, c.memberId);
                        c.reset();
                    }
                }
                case 3 -> {
                    if (c.memberId != null && c.generation >= 0) {
                        if (h.commit(GROUP, c.memberId, c.generation, tp, op.offset()) == Errors.NONE) {
                            committed.put(tp, (long) op.offset());
                        }
                    }
                }
                case 4 -> {
                    assertEquals(Errors.NONE, h.commit(SOLO, "", -1, tp, op.offset()));
                    soloCommitted.put(tp, (long) op.offset());
                }
                case 5 -> h.clock.advance(op.ms());
                case 6 -> h.coordinator.expireOffsets();
                default -> {
                    h.restart();
                    for (Client each : clients) { // answers in flight die with the old coordinator's connections
                        each.join = null;
                        each.sync = null;
                    }
                }
            }
            settle(h, clients, owners);
            if (h.coordinator.describeGroup(GROUP).errorCode() == Errors.GROUP_ID_NOT_FOUND.code()) {
                owners.clear(); // deleted (empty, without offsets): a new group may count generations from 1 again
            }
            assertEquals(committed, offsetsOf(h, GROUP));
            assertEquals(soloCommitted, offsetsOf(h, SOLO));
        }
    }

    /** Lets every client act on the responses it has received, until nobody has anything left to do. */
    private static void settle(CoordinatorHarness h, Client[] clients, Map<Integer, Map<String, Set<Integer>>> owners) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Client c : clients) {
                if (c.join != null && c.join.get() != null) {
                    progress = true;
                    JoinGroupResponseData r = c.join.get();
                    c.join = null;
                    Errors e = Errors.forCode(r.errorCode());
                    if (e == Errors.MEMBER_ID_REQUIRED) {
                        c.memberId = r.memberId();
                        c.join = h.join(GROUP, c.memberId, null, new byte[0]);
                    } else if (e == Errors.NONE) {
                        c.memberId = r.memberId();
                        c.generation = r.generationId();
                        c.sync = h.sync(GROUP, c.memberId, c.generation, r.members().isEmpty()
                                ? Map.of() : roundRobin(r));
                    } else {
                        c.reset();
                    }
                }
                if (c.sync != null && c.sync.get() != null) {
                    progress = true;
                    SyncGroupResponseData r = c.sync.get();
                    c.sync = null;
                    Errors e = Errors.forCode(r.errorCode());
                    if (e == Errors.NONE) {
                        Set<Integer> mine = decode(r.assignment());
                        Map<String, Set<Integer>> ofGeneration = owners.computeIfAbsent(c.generation, g -> new TreeMap<>());
                        for (var other : ofGeneration.entrySet()) {
                            if (!other.getKey().equals(c.memberId)) {
                                Set<Integer> overlap = new HashSet<>(mine);
                                overlap.retainAll(other.getValue());
                                assertTrue(overlap.isEmpty(), "generation " + c.generation + ": " + c.memberId
                                        + " and " + other.getKey() + " both own " + overlap);
                            }
                        }
                        ofGeneration.put(c.memberId, mine);
                    } else if (e == Errors.REBALANCE_IN_PROGRESS) {
                        c.join = h.join(GROUP, c.memberId, null, new byte[0]);
                    } else {
                        c.reset();
                    }
                }
            }
        }
    }

    private static Map<String, byte[]> roundRobin(JoinGroupResponseData leaderView) {
        List<String> ids = new ArrayList<>();
        leaderView.members().forEach(m -> ids.add(m.memberId()));
        ids.sort(null);
        Map<String, List<Integer>> parts = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            parts.computeIfAbsent(ids.get(p % ids.size()), k -> new ArrayList<>()).add(p);
        }
        Map<String, byte[]> out = new HashMap<>();
        for (String id : ids) {
            List<Integer> ps = parts.getOrDefault(id, List.of());
            ByteBuffer b = ByteBuffer.allocate(4 * ps.size());
            ps.forEach(b::putInt);
            out.put(id, b.array());
        }
        return out;
    }

    private static Set<Integer> decode(byte[] assignment) {
        Set<Integer> s = new HashSet<>();
        ByteBuffer b = ByteBuffer.wrap(assignment);
        while (b.remaining() >= 4) {
            s.add(b.getInt());
        }
        return s;
    }

    private static Map<TopicPartition, Long> offsetsOf(CoordinatorHarness h, String group) {
        Map<TopicPartition, Long> m = new HashMap<>();
        h.offsets(group).forEach((tp, o) -> m.put(tp, o.offset()));
        return m;
    }
}
