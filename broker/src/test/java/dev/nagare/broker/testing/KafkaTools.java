package dev.nagare.broker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Apache Kafka 4.1's own command-line tool classes (TopicCommand, ConsoleProducer, DumpLogSegments …) in a
 * separate JVM, from the jars {@code ./test.sh} fetches into {@code $NAGARE_KAFKA_LIBS}. Fails — never skips — when
 * they are missing.
 */
public final class KafkaTools {

    /** What a tool printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("Tool failed with exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    private KafkaTools() {
    }

    public static Path libs() {
        String env = System.getenv("NAGARE_KAFKA_LIBS");
        Path dir = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "nagare", "kafka-4.1.0-libs");
        if (!Files.isRegularFile(dir.resolve(".complete"))) {
            Path peer = Path.of("/tmp/kafka-dist/libs");
            if (env == null && Files.isDirectory(peer)) {
                return peer;
            }
            throw new AssertionError("Apache Kafka's tool jars are not in " + dir + ": run ./test.sh, which fetches them");
        }
        return dir;
    }

    /** Runs a tool that is pointed at a broker with {@code --bootstrap-server}, with a minute to finish and no stdin. */
    public static Result run(String bootstrap, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        all.addAll(List.of(args));
        return run(60, null, mainClass, all.toArray(String[]::new));
    }

    public static Result run(long timeoutSeconds, String stdin, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j.configuration=file:/dev/null", "-cp", libs() + "/*", mainClass));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("kafka-tool", ".out");
        Path err = Files.createTempFile("kafka-tool", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(mainClass + " did not finish within " + timeoutSeconds + " s; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
