package dev.nagare.broker.lag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.group.GroupSnapshot;

/**
 * The broker's lag, for every group it coordinates: a snapshot of the groups taken on the coordinator thread, then
 * the lag computed on the caller's side of the future (off the coordinator thread). Thread-safe.
 */
public final class LagMonitor implements LagSource {

    private final CoordinatorRuntime groups;
    private final LagCalculator calculator;

    public LagMonitor(CoordinatorRuntime groups, LagCalculator calculator) {
        this.groups = groups;
        this.calculator = calculator;
    }

    /** The lag of every loaded group, sorted by group id. */
    @Override
    public CompletableFuture<List<GroupLag>> evaluateAll() {
        return groups.snapshot().thenApply(snapshots -> {
            List<GroupLag> result = new ArrayList<>(snapshots.size());
            for (GroupSnapshot g : snapshots) {
                result.add(calculator.evaluate(g));
            }
            result.sort(java.util.Comparator.comparing(GroupLag::group));
            return result;
        });
    }

    /** The lag of one group, from a snapshot of that group alone. */
    @Override
    public CompletableFuture<Optional<GroupLag>> evaluate(String group) {
        return groups.snapshot(group).thenApply(snapshot -> snapshot.map(calculator::evaluate));
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
