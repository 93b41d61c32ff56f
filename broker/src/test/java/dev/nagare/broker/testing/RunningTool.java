package dev.nagare.broker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An external tool running in the background ({@link ExternalTools#start}), its stdout and stderr merged into one
 * timeline of lines, each stamped with {@link System#nanoTime()} when it was read. Tests wait on that timeline instead
 * of sleeping. Thread-safe: a reader thread appends, the test thread reads; {@code lines} is guarded by {@code this}.
 */
public final class RunningTool implements AutoCloseable {

    /** One line of output and when it arrived. */
    public record Line(long nanos, String text) {
    }

    private final List<String> command;
    private final Process process;
    private final Thread reader;
    private final List<Line> lines = new ArrayList<>();

    private RunningTool(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.reader = new Thread(this::readLines, "output of " + command.get(0) + " " + process.pid());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static RunningTool start(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return new RunningTool(List.copyOf(command), process);
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String text; (text = in.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(new Line(System.nanoTime(), text));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /**
     * Waits until {@code check}, applied to every line so far, gives something other than null, and returns that.
     * Fails, quoting the output, after {@code timeout} or when the tool exits first.
     */
    public <T> T await(String what, Duration timeout, Function<List<Line>, T> check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                T found = check.apply(List.copyOf(lines));
                if (found != null) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("Waited " + timeout.toMillis() + " ms for " + what
                            + (process.isAlive() ? "" : "; the tool exited with " + process.exitValue())
                            + "\n" + describe());
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /**
     * SIGTERM, then waits for the exit and the last line of output; returns the exit code. The signal goes through
     * {@link ProcessHandle}: {@link Process#destroy()} would also close our end of the output pipe, losing what the
     * tool prints while it stops and making its next write fail (EPIPE; node then exits with 1).
     */
    public int stop() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Did not stop within 30 s of SIGTERM\n" + describe());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** SIGKILL: the tool gets no chance to say goodbye to anyone. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** The command and everything it printed, for assertion messages. */
    public String describe() {
        StringBuilder s = new StringBuilder(String.join(" ", command)).append('\n');
        lines().forEach(l -> s.append("  | ").append(l.text()).append('\n'));
        return s.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
