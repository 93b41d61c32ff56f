package dev.nagare.broker.lag;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Where the sampler and {@link LagService} get lag from: {@link LagMonitor} in the broker, a stub in tests. */
public interface LagSource {

    /** The lag of every group, sorted by group id. */
    CompletableFuture<List<GroupLag>> evaluateAll();

    /** The lag of one group, empty if it is unknown; O(partitions the group committed). */
    CompletableFuture<Optional<GroupLag>> evaluate(String group);

    /** The retention of an empty group's offsets ({@code offsets.retention.minutes}), ms. */
    long offsetsRetentionMs();
}
