package dev.nagare.broker.metrics;

import java.util.ArrayList;
import java.util.List;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import dev.nagare.broker.lag.GroupLag;
import dev.nagare.broker.lag.GroupReport;
import dev.nagare.broker.lag.LagService;
import dev.nagare.broker.lag.PartitionReport;
import dev.nagare.broker.lag.TopicReport;

/**
 * The series the lag history adds to a scrape, from the same evaluation as the rest: MSK's estimated time lags
 * ({@code +Inf} when the group makes no progress, {@code NaN} until the history covers the rate window) and the
 * Burrow-style status per group (0 OK, 1 WARN, 2 STALL, 3 STOP). Thread-safe (LagService is).
 */
public final class LagServiceMetrics implements LagMetricsExtension {

    private final LagService service;

    public LagServiceMetrics(LagService service) {
        this.service = service;
    }

    @Override
    public List<MetricSnapshot> collect(List<GroupLag> lag) {
        GaugeFamily estimated = new GaugeFamily("nagare_consumer_group_estimated_time_lag_seconds",
                "Seconds to drain a partition's offset lag at the group's recent consume rate (MSK EstimatedTimeLag).",
                "consumer_group", "topic", "partition");
        GaugeFamily estimatedMax = new GaugeFamily("nagare_consumer_group_estimated_max_time_lag_seconds",
                "Largest estimated time lag over the partitions of a topic (MSK EstimatedMaxTimeLag).",
                "consumer_group", "topic");
        GaugeFamily status = new GaugeFamily("nagare_consumer_group_status",
                "The group's status over the history window: 0 OK, 1 WARN, 2 STALL, 3 STOP.", "consumer_group");
        for (GroupLag g : lag) {
            GroupReport r = service.report(g);
            for (PartitionReport p : r.partitions()) {
                estimated.add(p.estimatedTimeLagSeconds(), g.group(), p.lag().topic(),
                        String.valueOf(p.lag().partition()));
            }
            for (TopicReport t : r.topics()) {
                estimatedMax.add(t.estimatedMaxTimeLagSeconds(), g.group(), t.lag().topic());
            }
            status.add(r.status().code(), g.group());
        }
        List<MetricSnapshot> out = new ArrayList<>(3);
        out.add(estimated.build());
        out.add(estimatedMax.build());
        out.add(status.build());
        return out;
    }
}
