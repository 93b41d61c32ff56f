package dev.nagare.broker.lag;

/**
 * A group's health over the last {@value StatusRules#WINDOW_MS} ms, after Burrow's rules ({@link StatusRules}), in
 * increasing severity.
 */
public enum LagStatus {
    /** Caught up at some point of the window, or progressing without falling behind. */
    OK(0),
    /** Committing, but the lag grew across the window: the group is falling behind. */
    WARN(1),
    /** Committing the same offsets over the whole window while lagging: the consumer is stuck. */
    STALL(2),
    /** No commit for longer than the window on a partition that lags: the consumer is gone. */
    STOP(3);

    private final int code;

    LagStatus(int code) {
        this.code = code;
    }

    /** The value of {@code nagare_consumer_group_status}: 0 OK, 1 WARN, 2 STALL, 3 STOP. */
    public int code() {
        return code;
    }

    LagStatus worse(LagStatus other) {
        return other.code > code ? other : this;
    }
}
