package dev.nagare.broker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the non-Java clients {@code ./test.sh} installs (kcat, python3 with kafka-python, node with kafkajs) as
 * processes, to completion ({@link #run}) or in the background ({@link #start}). A missing tool fails the test with a
 * message naming {@code ./test.sh}; it never skips.
 */
public final class ExternalTools {

    private ExternalTools() {
    }

    /** Runs a command with the given stdin (null for none); stdout and stderr are kept apart. */
    public static KafkaTools.Result run(long timeoutSeconds, byte[] stdin, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("external-tool", ".out");
        Path err = Files.createTempFile("external-tool", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new KafkaTools.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public static KafkaTools.Result run(long timeoutSeconds, String stdin, List<String> command)
            throws IOException, InterruptedException {
        return run(timeoutSeconds, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), command);
    }

    /** Starts a command in the background, with these variables added to its environment. */
    public static RunningTool start(List<String> command, Map<String, String> environment) throws IOException {
        return RunningTool.start(command, environment);
    }

    /** The kcat executable; fails when it is not installed. */
    public static String kcat() throws InterruptedException {
        if (!works(List.of("kcat", "-V"))) {
            throw new AssertionError("kcat is not installed: run ./test.sh, which installs it (apt: kcat)");
        }
        return "kcat";
    }

    /**
     * A python3 that can {@code import kafka}: the one on the PATH, else the system's /usr/bin/python3 (where apt's
     * python3-kafka lives when a pyenv or venv python comes first on the PATH). Fails when neither has it.
     */
    public static String python3WithKafkaPython() throws InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            if (works(List.of(python, "-c", "import kafka"))) {
                return python;
            }
        }
        throw new AssertionError("No python3 with kafka-python: run ./test.sh, which installs it (apt: python3-kafka)");
    }

    /**
     * The {@code node_modules} directory that holds kafkajs, for node's {@code NODE_PATH}: {@code ./test.sh} installs
     * it with npm under {@code $NAGARE_NODE_PREFIX} (default {@code ~/.cache/nagare/node}). Fails when node or
     * kafkajs is missing.
     */
    public static Path kafkajsNodePath() throws InterruptedException {
        String env = System.getenv("NAGARE_NODE_PREFIX");
        Path prefix = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "nagare", "node");
        Path modules = prefix.resolve("node_modules");
        if (!works(List.of("node", "-e", "require('kafkajs')"), Map.of("NODE_PATH", modules.toString()))) {
            throw new AssertionError("No node with kafkajs in " + modules + ": run ./test.sh, which installs it (npm: kafkajs)");
        }
        return modules;
    }

    private static boolean works(List<String> command) throws InterruptedException {
        return works(command, Map.of());
    }

    private static boolean works(List<String> command, Map<String, String> environment) throws InterruptedException {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(environment);
            Process p = builder.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException notFound) {
            return false;
        }
    }
}
