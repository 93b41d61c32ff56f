package dev.nagare.broker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the non-Java clients {@code ./test.sh} installs (kcat, python3 with kafka-python) as processes. A missing tool
 * fails the test with a message naming {@code ./test.sh}; it never skips.
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

    private static boolean works(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
