package dev.nagare.broker.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.TopicPartition;

/**
 * One consumer-group member run by a non-Java client ({@link GroupClient}), seen through what it prints. The Python
 * and JavaScript members (test resources {@code clients/group_member.*}) print these lines:
 * <pre>
 *   assigned TOPIC-PARTITION …             the whole new assignment (all three clients are eager)
 *   revoked TOPIC-PARTITION …
 *   position TOPIC PARTITION OFFSET        kafka-python: a newly assigned partition's position is known
 *   ready                                  kafkajs: the first fetch after a join was answered
 *   record TOPIC PARTITION OFFSET KEY VALUE
 * </pre>
 * kcat prints the records in the same form (its {@code -f}) and its own lines for the rest:
 * {@code % Group G rebalanced (memberid M): assigned: t [0], t [1]}, {@code … revoked: …} and
 * {@code % Reached end of topic t [0] at offset 5}, which counts as a position. Other lines are kept for assertion
 * messages only. Thread-safe as {@link RunningTool} is.
 */
public final class GroupMember implements AutoCloseable {

    /** What the member printed, in order, with {@link System#nanoTime()} of the line. */
    public sealed interface Event permits Assigned, Revoked, Positioned, Received {
        long nanos();
    }

    public record Assigned(long nanos, Set<TopicPartition> partitions) implements Event {
    }

    public record Revoked(long nanos, Set<TopicPartition> partitions) implements Event {
    }

    /** A position became known: on one partition (kcat, kafka-python) or, for kafkajs, on all ({@code partition} null). */
    public record Positioned(long nanos, TopicPartition partition, long offset) implements Event {
    }

    public record Received(long nanos, Record record) implements Event {
    }

    public record Record(String topic, int partition, long offset, String key, String value) {
        public TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }
    }

    private static final Pattern KCAT_REBALANCE = Pattern.compile("% Group \\S+ rebalanced \\(memberid \\S+\\): (assigned|revoked): ?(.*)");
    private static final Pattern KCAT_PARTITION = Pattern.compile("(\\S+) \\[(\\d+)\\]");
    private static final Pattern KCAT_END = Pattern.compile("% Reached end of topic (\\S+) \\[(\\d+)\\] at offset (\\d+).*");

    private final RunningTool tool;

    GroupMember(RunningTool tool) {
        this.tool = tool;
    }

    public List<Event> events() {
        return parse(tool.lines());
    }

    public List<Record> records() {
        return records(events());
    }

    /** The partitions it holds now: its latest assignment, less what it revoked since. */
    public Set<TopicPartition> assignment() {
        return assignment(events());
    }

    /** Waits until its assignment satisfies {@code expected}; returns the event that made it so. */
    public Assigned awaitAssignment(String what, Duration timeout, Predicate<Set<TopicPartition>> expected)
            throws InterruptedException {
        return tool.await("an assignment with " + what, timeout, lines -> {
            List<Event> events = parse(lines);
            Assigned last = null;
            for (Event e : events) {
                if (e instanceof Assigned a) {
                    last = a;
                }
            }
            return last != null && expected.test(assignment(events)) ? last : null;
        });
    }

    /** Waits until it has received at least {@code count} records; returns all it received. */
    public List<Record> awaitRecords(int count, Duration timeout) throws InterruptedException {
        return tool.await(count + " records", timeout, lines -> {
            List<Record> records = records(parse(lines));
            return records.size() >= count ? records : null;
        });
    }

    /** Waits until, after its latest assignment, it knows where it reads from (see {@link Positioned}). */
    public void awaitPositioned(Duration timeout) throws InterruptedException {
        tool.await("a position after the latest assignment", timeout, lines -> {
            boolean positioned = false;
            for (Event e : parse(lines)) {
                if (e instanceof Assigned) {
                    positioned = false;
                } else if (e instanceof Positioned) {
                    positioned = true;
                }
            }
            return positioned ? Boolean.TRUE : null;
        });
    }

    /** Leaves cleanly (SIGTERM: the client closes its consumer); fails unless it exits with 0. */
    public void stop() throws InterruptedException {
        int exit = tool.stop();
        if (exit != 0) {
            throw new AssertionError("Member exited with " + exit + " after SIGTERM\n" + tool.describe());
        }
    }

    /** SIGKILL: no LeaveGroup, no last commit. */
    public void kill() throws InterruptedException {
        tool.kill();
    }

    /** Its command and output, for assertion messages. */
    public String describe() {
        return tool.describe();
    }

    @Override
    public void close() throws InterruptedException {
        tool.close();
    }

    private static List<Record> records(List<Event> events) {
        List<Record> records = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Received r) {
                records.add(r.record());
            }
        }
        return records;
    }

    private static Set<TopicPartition> assignment(List<Event> events) {
        Set<TopicPartition> held = new LinkedHashSet<>();
        for (Event e : events) {
            if (e instanceof Assigned a) {
                held = new LinkedHashSet<>(a.partitions());
            } else if (e instanceof Revoked r) {
                held.removeAll(r.partitions());
            }
        }
        return held;
    }

    static List<Event> parse(List<RunningTool.Line> lines) {
        List<Event> events = new ArrayList<>();
        for (RunningTool.Line line : lines) {
            Event e = parse(line.nanos(), line.text());
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    private static Event parse(long nanos, String text) {
        String[] w = text.split(" ");
        switch (w[0]) {
            case "assigned":
                return new Assigned(nanos, partitions(w));
            case "revoked":
                return new Revoked(nanos, partitions(w));
            case "position":
                return new Positioned(nanos, new TopicPartition(w[1], Integer.parseInt(w[2])), Long.parseLong(w[3]));
            case "ready":
                return new Positioned(nanos, null, -1);
            case "record":
                return new Received(nanos, new Record(w[1], Integer.parseInt(w[2]), Long.parseLong(w[3]), w[4], w[5]));
            default:
                return parseKcat(nanos, text);
        }
    }

    private static Event parseKcat(long nanos, String text) {
        Matcher rebalance = KCAT_REBALANCE.matcher(text);
        if (rebalance.matches()) {
            Set<TopicPartition> partitions = new LinkedHashSet<>();
            Matcher p = KCAT_PARTITION.matcher(rebalance.group(2));
            while (p.find()) {
                partitions.add(new TopicPartition(p.group(1), Integer.parseInt(p.group(2))));
            }
            return rebalance.group(1).equals("assigned") ? new Assigned(nanos, partitions) : new Revoked(nanos, partitions);
        }
        Matcher end = KCAT_END.matcher(text);
        if (end.matches()) {
            return new Positioned(nanos, new TopicPartition(end.group(1), Integer.parseInt(end.group(2))), Long.parseLong(end.group(3)));
        }
        return null;
    }

    private static Set<TopicPartition> partitions(String[] words) {
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (int i = 1; i < words.length; i++) {
            int dash = words[i].lastIndexOf('-');
            partitions.add(new TopicPartition(words[i].substring(0, dash), Integer.parseInt(words[i].substring(dash + 1))));
        }
        return partitions;
    }
}
