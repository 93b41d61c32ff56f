package dev.nagare.broker.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

import org.apache.kafka.common.utils.Time;

import dev.nagare.broker.lag.LagSample;
import dev.nagare.broker.lag.LagService;

/**
 * {@code GET /api/v1/groups/{id}/history[?from=MS&to=MS]}: the group's lag history per topic, 10-second samples
 * (sum and max offset lag, max time lag, committed and log-end sums), by default the last 24 hours. Thread-safe.
 */
public final class LagHistoryRoute implements LagHistoryApi {

    static final long DAY_MS = 24 * 3600_000L;

    private final LagService service;
    private final Time time;

    public LagHistoryRoute(LagService service, Time time) {
        this.service = service;
        this.time = time;
    }

    @Override
    public Optional<Object> history(String groupId, Map<String, String> query) {
        SortedSet<String> topics = service.historySeries().get(groupId);
        if (topics == null) {
            return Optional.empty();
        }
        long to = Exchanges.longParam(query, "to", time.milliseconds(), Long.MIN_VALUE);
        long from = Exchanges.longParam(query, "from", to - DAY_MS, Long.MIN_VALUE);
        Map<String, List<LagSample>> byTopic = new LinkedHashMap<>();
        for (String topic : topics) {
            byTopic.put(topic, service.history(groupId, topic, from, to));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", groupId);
        body.put("from", from);
        body.put("to", to);
        body.put("topics", byTopic);
        return Optional.of(body);
    }
}
