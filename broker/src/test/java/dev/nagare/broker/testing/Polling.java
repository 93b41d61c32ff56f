package dev.nagare.broker.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reading what a test expects from a consumer, or waiting for a condition, without waiting longer than needed. */
public final class Polling {

    private Polling() {
    }

    /**
     * Polls until at least {@code count} records have arrived or {@code timeout} has passed, and returns every record
     * received, in order; the caller asserts how many and which.
     */
    public static <K, V> List<ConsumerRecord<K, V>> pollAtLeast(Consumer<K, V> consumer, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        return got;
    }

    /** Checks {@code condition} every 10 ms until it holds; fails naming {@code what} after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + timeout + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
