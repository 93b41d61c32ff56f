package dev.nagare.broker.lag;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's consumer lag for those who show it (metrics, HTTP API, console, CLI): each group's current lag with
 * MSK's estimates, its status after Burrow's rules and, for an empty group, the expiry forecast; and the lag history
 * of the last 24 hours. Owns the history and the sampler thread that fills it.
 *
 * <p>Thread-safe: any thread may call it; evaluations run on {@link LagMonitor}'s threads, off the coordinator thread.
 */
public final class LagService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LagService.class);

    /** The history's directory under the broker's metadata directory. */
    public static final String HISTORY_DIR = "lag-history";

    private final LagSource source;
    private final LagHistory history;
    private final ConsumeRates rates;
    private final LagSampler sampler;

    LagService(LagSource source, LagHistory history, Path historyDir, Time time) {
        this.source = source;
        this.history = history;
        this.rates = new ConsumeRates();
        this.sampler = new LagSampler(source, history, rates, historyDir, time);
    }

    /**
     * Loads the history kept in {@code metadataDir/lag-history} (starting empty if it cannot be read) and starts
     * sampling. Call it once the group coordinator runs; close it before the coordinator.
     */
    public static LagService start(LagSource source, Path metadataDir, Time time) {
        Path dir = metadataDir.resolve(HISTORY_DIR);
        LagHistory history;
        try {
            history = LagHistory.read(dir, time.milliseconds());
        } catch (IOException e) {
            log.warn("Could not read the lag history in {}; starting without it", dir, e);
            history = new LagHistory();
        }
        LagService service = new LagService(source, history, dir, time);
        service.sampler.start();
        return service;
    }

    /** Every group's report, sorted by group id. */
    public CompletableFuture<List<GroupReport>> reports() {
        return source.evaluateAll().thenApply(groups -> {
            List<GroupReport> result = new ArrayList<>(groups.size());
            for (GroupLag g : groups) {
                result.add(report(g));
            }
            return result;
        });
    }

    /** One group's report; empty if the coordinator does not know the group. */
    public CompletableFuture<Optional<GroupReport>> report(String group) {
        return source.evaluate(group).thenApply(g -> g.map(this::report));
    }

    /** The history of a group on a topic in {@code [fromMs, toMs]} (broker time), oldest first. */
    public List<LagSample> history(String group, String topic, long fromMs, long toMs) {
        return history.samples(group, topic, fromMs, toMs);
    }

    /** The groups with history, each with the topics it has history on. */
    public SortedMap<String, SortedSet<String>> historySeries() {
        return history.series();
    }

    /** Bytes the history holds in memory (see {@link LagHistory} for the bounds). */
    public long historyBytes() {
        return history.retainedBytes();
    }

    /**
     * Takes a sample now, as the sampler thread does every 10 seconds, for tools and tests that cannot wait.
     *
     * @return the broker time of the sample's 10-second step
     */
    public long sampleNow() throws InterruptedException, ExecutionException, TimeoutException {
        return sampler.sampleOnce();
    }

    /** The report of one evaluation (estimates and status from the history; no new evaluation). */
    public GroupReport report(GroupLag g) {
        long now = g.evaluatedAtMs();
        List<PartitionReport> partitions = new ArrayList<>(g.partitions().size());
        for (PartitionLag p : g.partitions()) {
            partitions.add(new PartitionReport(p, rates.estimatedTimeLagSeconds(g.group(), p, now)));
        }
        List<TopicReport> topics = new ArrayList<>();
        LagStatus groupStatus = LagStatus.OK;
        for (TopicLag t : g.topics()) {
            List<PartitionLag> ofTopic = g.partitions().stream().filter(p -> p.topic().equals(t.topic())).toList();
            double[] estimates = partitions.stream().filter(p -> p.lag().topic().equals(t.topic()))
                    .mapToDouble(PartitionReport::estimatedTimeLagSeconds).toArray();
            LagStatus status = StatusRules.topicStatus(ofTopic,
                    history.samples(g.group(), t.topic(), now - StatusRules.WINDOW_MS, now), now);
            groupStatus = groupStatus.worse(status);
            topics.add(new TopicReport(t, ConsumeRates.max(estimates), status));
        }
        return new GroupReport(g, groupStatus, List.copyOf(topics), List.copyOf(partitions),
                ExpiryForecast.of(g, source.offsetsRetentionMs()));
    }

    /** Stops sampling and writes the history. */
    @Override
    public void close() {
        sampler.close();
    }
}
