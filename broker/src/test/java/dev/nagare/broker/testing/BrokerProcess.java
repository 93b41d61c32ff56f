package dev.nagare.broker.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Nagare broker in a separate JVM (the test classpath's {@code nagare start}), so that it can be killed with
 * SIGKILL mid-write. Output goes to {@code broker.log} in the data directory's parent.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final Map<String, String> overrides;
    private Process process;

    private BrokerProcess(Path dataDir, int port, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.port = port;
        this.overrides = overrides;
    }

    public static BrokerProcess start(Path dataDir, Map<String, String> overrides) throws Exception {
        BrokerProcess p = new BrokerProcess(dataDir, freePort(), overrides);
        p.launch();
        return p;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "dev.nagare.broker.cli.NagareCommand", "start",
                "--override", "log.dirs=" + dataDir,
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "http.listeners=http://127.0.0.1:0"));
        overrides.forEach((k, v) -> {
            cmd.add("--override");
            cmd.add(k + "=" + v);
        });
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-broker.log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Broker exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("Broker did not open port " + port + " within 30 s; see " + log);
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the clean shutdown; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Broker did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Starts again on the same port with the same data. */
    public void restart() throws Exception {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill9();
        }
    }
}
