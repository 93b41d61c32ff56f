package dev.nagare.broker.group;

/**
 * Runs the coordinator's timeouts (sessions, rebalances, the initial delay, offset expiry) on the coordinator
 * thread. Scheduling a key that is already scheduled replaces it. The coordinator never reads the clock to decide
 * whether a timer is due: a task that runs is due, so tests drive time with a fake timer.
 */
public interface CoordinatorTimer {

    void schedule(String key, long delayMs, Runnable task);

    void cancel(String key);
}
