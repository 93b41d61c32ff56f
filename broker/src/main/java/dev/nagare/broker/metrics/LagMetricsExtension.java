package dev.nagare.broker.metrics;

import java.util.List;

import dev.nagare.broker.lag.GroupLag;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * Extension point for more per-group series computed from the same lag evaluation as the rest of a scrape, so that
 * they agree with {@code nagare_consumer_group_offset_lag} to the record.
 *
 * <p>Meant for the lag history, which is not part of this package: MSK's estimates
 * {@code nagare_consumer_group_estimated_time_lag_seconds{consumer_group,topic,partition}} and
 * {@code nagare_consumer_group_estimated_max_time_lag_seconds{consumer_group,topic}} (seconds to drain the offset
 * lag at the group's recent consume rate), and Burrow's {@code nagare_consumer_group_status{consumer_group}}. Register
 * one with {@link BrokerMetrics#addLagExtension}; {@link GaugeFamily} builds the snapshots.
 *
 * <p>Called on the scraping thread, once per scrape; must not block for long (it delays the scrape) and must be
 * thread-safe against whatever updates its own state.
 */
@FunctionalInterface
public interface LagMetricsExtension {

    /** The extra metric families for this evaluation (every group's lag, sorted by group id). */
    List<MetricSnapshot> collect(List<GroupLag> lag);
}
