package dev.nagare.broker.lag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.group.GroupSnapshot;
import dev.nagare.broker.network.NamedThreadFactory;

/**
 * The broker's lag, for every group it coordinates: a snapshot of the groups taken on the coordinator thread, then
 * the lag computed on one of this monitor's own threads ({@code nagare-lag-N}), never on the coordinator's — an
 * evaluation of 100,000 committed partitions takes most of a second, which the coordinator's joins, heartbeats and
 * commits must not wait for. The threads are daemons that end after {@value #IDLE_SECONDS} s without work, so the
 * monitor needs no closing. Thread-safe.
 */
public final class LagMonitor implements LagSource {

    private static final int IDLE_SECONDS = 30;

    private final CoordinatorRuntime groups;
    private final LagCalculator calculator;
    private final ThreadPoolExecutor evaluators;

    public LagMonitor(CoordinatorRuntime groups, LagCalculator calculator) {
        this.groups = groups;
        this.calculator = calculator;
        this.evaluators = new ThreadPoolExecutor(2, 2, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory("nagare-lag"));
        this.evaluators.allowCoreThreadTimeOut(true);
    }

    /** The lag of every loaded group, sorted by group id. */
    @Override
    public CompletableFuture<List<GroupLag>> evaluateAll() {
        return groups.snapshot().thenApplyAsync(snapshots -> {
            List<GroupLag> result = new ArrayList<>(snapshots.size());
            for (GroupSnapshot g : snapshots) {
                result.add(calculator.evaluate(g));
            }
            result.sort(java.util.Comparator.comparing(GroupLag::group));
            return result;
        }, evaluators);
    }

    /** The lag of one group, from a snapshot of that group alone. */
    @Override
    public CompletableFuture<Optional<GroupLag>> evaluate(String group) {
        return groups.snapshot(group).thenApplyAsync(snapshot -> snapshot.map(calculator::evaluate), evaluators);
    }

    /** The lag of one group from a snapshot already taken (so members and lag come from the same moment). */
    public GroupLag evaluate(GroupSnapshot group) {
        return calculator.evaluate(group);
    }

    /** The group snapshots themselves (members and assignments), for the API and the console. */
    public CompletableFuture<List<GroupSnapshot>> groups() {
        return groups.snapshot();
    }

    /** The retention of an empty group's offsets ({@code offsets.retention.minutes}), ms. */
    @Override
    public long offsetsRetentionMs() {
        return groups.settings().offsetsRetentionMs();
    }
}
