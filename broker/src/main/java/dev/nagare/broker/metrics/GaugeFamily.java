package dev.nagare.broker.metrics;

import java.util.ArrayList;
import java.util.List;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;

/**
 * One gauge family being filled at scrape time by a collector: a name, its help, fixed label names, and one value
 * per label-value tuple. The library's snapshot types do the exposition.
 *
 * <p>Not thread-safe: filled and built by the one thread that scrapes.
 */
public final class GaugeFamily {

    private final MetricMetadata metadata;
    private final String[] labelNames;
    private final List<GaugeDataPointSnapshot> points = new ArrayList<>();

    public GaugeFamily(String name, String help, String... labelNames) {
        this.metadata = new MetricMetadata(name, help);
        this.labelNames = labelNames;
    }

    /** Adds one series; {@code labelValues} in the order of the label names. */
    public GaugeFamily add(double value, String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(metadata.getName() + " takes " + labelNames.length + " label values");
        }
        points.add(new GaugeDataPointSnapshot(value, Labels.of(labelNames.clone(), labelValues), null));
        return this;
    }

    public GaugeSnapshot build() {
        return new GaugeSnapshot(metadata, points);
    }
}
