package dev.nagare.broker.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The non-Java clients whose consumer groups the tests run, each as a separate process printing what happens to it
 * (see {@link GroupMember}). All three use the classic, eager group protocol.
 */
public enum GroupClient {

    /** kcat's balanced consumer ({@code -G}), i.e. librdkafka; commits with auto-commit every 100 ms and on close. */
    KCAT {
        @Override
        List<String> command(String bootstrap, Member m) throws InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(ExternalTools.kcat(), "-b", bootstrap, "-G", m.group(), "-u",
                    "-f", "record %t %p %o %k %s\\n",
                    "-X", "auto.offset.reset=" + m.reset(),
                    "-X", "session.timeout.ms=" + m.sessionTimeoutMs(),
                    "-X", "heartbeat.interval.ms=" + HEARTBEAT_INTERVAL_MS,
                    "-X", "fetch.wait.max.ms=200",
                    "-X", "enable.auto.commit=" + m.commits(),
                    "-X", "auto.commit.interval.ms=100"));
            if (m.instanceId() != null) {
                cmd.addAll(List.of("-X", "group.instance.id=" + m.instanceId()));
            }
            cmd.addAll(m.topics());
            return cmd;
        }
    },

    /** kafka-python 2.0.2 (Debian's python3-kafka); commits synchronously after each poll that returned records. */
    KAFKA_PYTHON {
        @Override
        List<String> command(String bootstrap, Member m) throws InterruptedException {
            return script(ExternalTools.python3WithKafkaPython(), "group_member.py", bootstrap, m);
        }
    },

    /** kafkajs (npm, version pinned in test.sh); commits after each batch (autoCommit). */
    KAFKAJS {
        @Override
        List<String> command(String bootstrap, Member m) {
            return script("node", "group_member.js", bootstrap, m);
        }

        @Override
        Map<String, String> environment() throws InterruptedException {
            return Map.of("NODE_PATH", ExternalTools.kafkajsNodePath().toString());
        }
    };

    /** Every client here heartbeats this often, so that a rebalance is noticed within a second. */
    public static final int HEARTBEAT_INTERVAL_MS = 500;

    /**
     * How a member is configured. {@code reset} is {@code earliest} or {@code latest}; {@code commits} false means it
     * never commits anything; {@code instanceId} (null for none) makes it a static member.
     */
    public record Member(String group, List<String> topics, String reset, boolean commits, int sessionTimeoutMs,
                         String instanceId) {

        /** A dynamic member that starts from the earliest offset when its group has none, and commits what it reads. */
        public static Member of(String group, String... topics) {
            return new Member(group, List.of(topics), "earliest", true, 6000, null);
        }

        public Member reset(String reset) {
            return new Member(group, topics, reset, commits, sessionTimeoutMs, instanceId);
        }

        public Member withoutCommits() {
            return new Member(group, topics, reset, false, sessionTimeoutMs, instanceId);
        }

        public Member instanceId(String id) {
            return new Member(group, topics, reset, commits, sessionTimeoutMs, Objects.requireNonNull(id));
        }
    }

    /** Starts a member of a group in the broker at {@code bootstrap}. */
    public GroupMember join(String bootstrap, Member member) throws Exception {
        if (member.instanceId() != null && this != KCAT) {
            throw new IllegalArgumentException(this + " has no static membership (group.instance.id)");
        }
        return new GroupMember(ExternalTools.start(command(bootstrap, member), environment()));
    }

    abstract List<String> command(String bootstrap, Member member) throws InterruptedException;

    Map<String, String> environment() throws InterruptedException {
        return Map.of();
    }

    private static List<String> script(String interpreter, String name, String bootstrap, Member m) {
        return List.of(interpreter, resource(name).toString(), bootstrap, m.group(), String.join(",", m.topics()),
                m.reset(), m.commits() ? "commit" : "no-commit", Integer.toString(m.sessionTimeoutMs()),
                Integer.toString(HEARTBEAT_INTERVAL_MS));
    }

    private static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(GroupClient.class.getResource("/clients/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
