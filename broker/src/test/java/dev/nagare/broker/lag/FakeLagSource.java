package dev.nagare.broker.lag;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/** Lag a test decides: the groups as a function of the fake clock's time. Not thread-safe. */
final class FakeLagSource implements LagSource {

    static final long RETENTION_MS = 7 * 24 * 3_600_000L;

    private final FakeTime time;
    private LongFunction<List<GroupLag>> groups = now -> List.of();

    FakeLagSource(FakeTime time) {
        this.time = time;
    }

    /** From now on, every evaluation reports these groups, evaluated at the clock's time. */
    void groups(LongFunction<List<GroupLag>> groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<List<GroupLag>> evaluateAll() {
        return CompletableFuture.completedFuture(groups.apply(time.milliseconds()));
    }

    @Override
    public CompletableFuture<Optional<GroupLag>> evaluate(String group) {
        return evaluateAll().thenApply(all -> all.stream().filter(g -> g.group().equals(group)).findFirst());
    }

    @Override
    public long offsetsRetentionMs() {
        return RETENTION_MS;
    }
}
