package dev.nagare.broker.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Apache Kafka (single-node KRaft) started with the scripts of {@code shared/tools/peer-kafka} beside the
 * repository, for running a test against the reference instead of Nagare (see {@link BrokerUnderTest}). Each start
 * wipes {@code dir}.
 */
public final class PeerKafka implements BrokerUnderTest {

    private final int port;
    private final Path dir;

    private PeerKafka(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static PeerKafka start(int port, Path dir, Map<String, String> overrides) throws Exception {
        List<String> args = new ArrayList<>(List.of(Integer.toString(port), dir.toString()));
        overrides.forEach((k, v) -> args.add(k + "=" + v));
        script("start.sh", args);
        return new PeerKafka(port, dir);
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void passTime(Duration time) throws InterruptedException {
        Thread.sleep(time.toMillis());
    }

    @Override
    public void restart() throws Exception {
        stop();
        script("restart.sh", List.of(Integer.toString(port), dir.toString()));
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** SIGTERM and wait for Kafka's clean shutdown (stop.sh does not wait). */
    private void stop() throws Exception {
        Optional<ProcessHandle> kafka = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("kafka.pid")).trim()));
        script("stop.sh", List.of(dir.toString()));
        if (kafka.isPresent()) {
            try {
                kafka.get().onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("Peer Kafka did not stop within 60 s of SIGTERM; see " + dir.resolve("kafka.log"));
            }
        }
    }

    /** shared/tools/peer-kafka beside the repository (or beside any folder above the working directory). */
    private static Path scripts() {
        for (Path p = Path.of("").toAbsolutePath(); p.getParent() != null; p = p.getParent()) {
            Path scripts = p.resolveSibling("shared").resolve("tools").resolve("peer-kafka");
            if (Files.isDirectory(scripts)) {
                return scripts;
            }
        }
        throw new AssertionError("No shared/tools/peer-kafka beside the repository, needed by -D" + PEER_KAFKA_PROPERTY);
    }

    private static void script(String name, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(scripts().resolve(name).toString()));
        command.addAll(args);
        ExternalTools.run(180, (String) null, command).assertSuccess();
    }
}
