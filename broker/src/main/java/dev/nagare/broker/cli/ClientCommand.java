package dev.nagare.broker.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a cluster over the Kafka protocol only, with an Admin client it opens and closes. Prints to
 * picocli's writers (so a test can capture them) and turns failures into one line on stderr and exit code 1: an
 * unreachable cluster, a refused request, a wrong setting. One use; not thread-safe.
 */
abstract class ClientCommand implements Callable<Integer> {

    /** Exit code of a command that could not do its job (picocli uses 2 for a wrong command line). */
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    /** Does the work with {@code admin}; returns the exit code. */
    abstract int run(Admin admin, PrintWriter out, PrintWriter err) throws Exception;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Admin admin;
        try {
            admin = Admin.create(cluster.adminConfig());
        } catch (KafkaException e) {
            err.println("Error: " + message(e));
            return FAILED;
        }
        try {
            return run(admin, out, err);
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (timedOut(cause)) {
                err.println("Error: no answer from " + cluster.bootstrapServer + " within " + cluster.timeoutMs
                        + " ms; is a broker running there? (" + cause.getMessage() + ")");
            } else {
                err.println("Error: " + message(cause));
            }
            return FAILED;
        } finally {
            out.flush();
            admin.close(cluster.timeout());
        }
    }

    /** Whether a timeout caused this, as the Admin client sometimes wraps one ("Failed to find brokers …"). */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        return e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                ? text + ": " + e.getCause().getMessage()
                : text.isEmpty() ? e.getClass().getSimpleName() : text;
    }
}
