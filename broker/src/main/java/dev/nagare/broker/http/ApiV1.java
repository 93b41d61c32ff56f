package dev.nagare.broker.http;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.nagare.broker.group.GroupSnapshot;
import dev.nagare.broker.lag.GroupLag;
import dev.nagare.broker.lag.LagMonitor;
import dev.nagare.broker.lag.LagService;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.Log;

/**
 * The JSON API, read-only, under {@code /api/v1/}:
 *
 * <pre>
 *   GET /api/v1/topics                       [{name, id, partitions, internal, configs}]  (configs: overrides only)
 *   GET /api/v1/topics/{name}                {name, id, partitions, internal, configs}     404 if unknown
 *   GET /api/v1/topics/{name}/partitions     [{partition, logStartOffset, highWatermark, sizeBytes, segments}]
 *   GET /api/v1/topics/{name}/partitions/{p}/records?offset=N&limit=M&maxBytes=B
 *                                            a page of records (see below)        404 unknown topic or partition
 *   GET /api/v1/groups                       [group]  every group, sorted by id
 *   GET /api/v1/groups/{id}                  group (see {@link GroupView})                  404 if unknown
 *   GET /api/v1/groups/{id}/history          the lag history ({@link LagHistoryApi}); 501 until one is given
 * </pre>
 *
 * Path segments are percent-decoded ({@code +} stays a plus), so any group id can be named. Errors are JSON:
 * {@code {"error": "not_found", "message": "…"}}; a parameter that is not a whole number, or below its minimum,
 * answers 400 {@code bad_request}.
 *
 * <p>Records ({@link RecordPage}), for browsing, never past the high watermark:
 *
 * <pre>
 *   offset    first offset (default: the log start); the page starts at the batch holding it, without the records
 *             below it
 *   limit     records in the page, 1 or more (default {@value RecordPage#DEFAULT_LIMIT}; above
 *             {@value RecordPage#MAX_LIMIT} it is lowered to that)
 *   maxBytes  key, value and header bytes in the page, 1 or more (default and cap {@value RecordPage#MAX_BYTES});
 *             the first record always goes in, and any one field longer than this is cut to it
 *
 *   200 {topic, partition, logStartOffset, highWatermark, offset, nextOffset,
 *        records: [{offset, timestamp, timestampType, key, value, headers: [{key, value}]}]}
 *       key, value and header values: null, or {encoding, data, size, truncated} where encoding is
 *         "utf8"    data is the bytes as text: valid UTF-8 without control characters but \t \n \r
 *         "base64"  data is the bytes in base64 (RFC 4648, padded): anything else
 *       size is the field's bytes; truncated means data holds only its first maxBytes bytes
 *       nextOffset is the offset to ask for next; equal to highWatermark when all is read (offset = highWatermark
 *       answers an empty page)
 *   400 bad_request          a parameter, or the partition, is not a whole number, or is below its minimum
 *   416 offset_out_of_range  Kafka's OFFSET_OUT_OF_RANGE: the offset is below the log start (retention or
 *       DeleteRecords removed those records) or above the high watermark; the message names both bounds
 * </pre>
 *
 * <p>Runs on the HTTP threads; reads partitions lock-free and groups through the coordinator's snapshots (waiting
 * at most {@value #COORDINATOR_TIMEOUT_MS} ms). A group's members and its lag come from one snapshot.
 * Thread-safe.
 */
final class ApiV1 implements HttpHandler {

    static final String PREFIX = "/api/v1/";
    static final long COORDINATOR_TIMEOUT_MS = 10_000;

    /** A topic. {@code partitions} is the partition count; {@code configs} its overrides of the broker defaults. */
    record TopicView(String name, String id, int partitions, boolean internal, Map<String, String> configs) {
        static TopicView of(TopicInfo t) {
            return new TopicView(t.name(), t.id().toString(), t.partitions(), t.isInternal(), new TreeMap<>(t.configs()));
        }
    }

    /** One partition's log: offsets, bytes of its segment files, segment count. */
    record PartitionView(int partition, long logStartOffset, long highWatermark, long sizeBytes, int segments) {
    }

    private final PartitionManager partitions;
    private final LagMonitor lag;
    private final LagService reports;
    private final LagHistoryApi history;

    /**
     * @param reports turns each evaluation into a group's status and expiry forecast
     * @param history the lag history, or null: its route answers 501
     */
    ApiV1(PartitionManager partitions, LagMonitor lag, LagService reports, LagHistoryApi history) {
        this.partitions = partitions;
        this.lag = lag;
        this.reports = reports;
        this.history = history;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!Exchanges.readOnly(exchange)) {
            return;
        }
        try {
            route(exchange);
        } catch (Exchanges.BadRequestException e) {
            Exchanges.sendError(exchange, 400, "bad_request", e.getMessage());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String raw = exchange.getRequestURI().getRawPath();
        List<String> path = raw.startsWith(PREFIX) ? segments(raw.substring(PREFIX.length())) : List.of();
        String first = path.isEmpty() ? "" : path.get(0);
        if (first.equals("topics") && (path.size() <= 3 || path.size() == 5)) {
            topics(exchange, path);
        } else if (first.equals("groups") && path.size() <= 3) {
            groups(exchange, path);
        } else {
            Exchanges.sendError(exchange, 404, "not_found", "No such path: " + exchange.getRequestURI().getPath());
        }
    }

    private void topics(HttpExchange exchange, List<String> path) throws IOException {
        if (path.size() == 1) {
            List<TopicView> all = new ArrayList<>();
            for (TopicInfo t : partitions.topics().all()) {
                all.add(TopicView.of(t));
            }
            all.sort(Comparator.comparing(TopicView::name));
            Exchanges.sendJson(exchange, 200, all);
            return;
        }
        Optional<TopicInfo> topic = partitions.topics().get(path.get(1));
        if (topic.isEmpty()) {
            Exchanges.sendError(exchange, 404, "unknown_topic", "Topic '" + path.get(1) + "' does not exist");
        } else if (path.size() == 2) {
            Exchanges.sendJson(exchange, 200, TopicView.of(topic.get()));
        } else if (path.size() == 3 && path.get(2).equals("partitions")) {
            Exchanges.sendJson(exchange, 200, partitionViews(topic.get()));
        } else if (path.get(2).equals("partitions") && path.get(4).equals("records")) {
            records(exchange, topic.get(), path.get(3));
        } else {
            Exchanges.sendError(exchange, 404, "not_found", "No such path: " + exchange.getRequestURI().getPath());
        }
    }

    private List<PartitionView> partitionViews(TopicInfo topic) {
        List<PartitionView> out = new ArrayList<>(topic.partitions());
        for (int p = 0; p < topic.partitions(); p++) {
            Optional<Partition> partition = partitions.partition(new TopicPartition(topic.name(), p));
            if (partition.isPresent()) {
                Log log = partition.get().log();
                out.add(new PartitionView(p, log.logStartOffset(), log.highWatermark(), log.size(),
                        log.segmentCount()));
            }
        }
        return out;
    }

    private void records(HttpExchange exchange, TopicInfo topic, String partitionSegment) throws IOException {
        int p;
        try {
            p = Integer.parseInt(partitionSegment);
        } catch (NumberFormatException e) {
            throw new Exchanges.BadRequestException("A partition is a whole number, not '" + partitionSegment + "'");
        }
        TopicPartition tp = new TopicPartition(topic.name(), p);
        Optional<Partition> partition = p < 0 || p >= topic.partitions() ? Optional.empty() : partitions.partition(tp);
        if (partition.isEmpty()) {
            Exchanges.sendError(exchange, 404, "unknown_partition", "Topic '" + topic.name() + "' has no partition "
                    + partitionSegment + " (it has " + topic.partitions() + ")");
            return;
        }
        Log log = partition.get().log();
        Map<String, String> query = query(exchange);
        long offset = Exchanges.longParam(query, "offset", log.logStartOffset(), 0);
        int limit = (int) Math.min(Exchanges.longParam(query, "limit", RecordPage.DEFAULT_LIMIT, 1),
                RecordPage.MAX_LIMIT);
        int maxBytes = (int) Math.min(Exchanges.longParam(query, "maxBytes", RecordPage.MAX_BYTES, 1),
                RecordPage.MAX_BYTES);
        try {
            Exchanges.sendJson(exchange, 200, RecordPage.read(tp, log, offset, limit, maxBytes));
        } catch (OffsetOutOfRangeException e) {
            long start = log.logStartOffset();
            long end = log.highWatermark();
            Exchanges.sendError(exchange, 416, "offset_out_of_range", offset < start
                    ? "Offset " + offset + " is below the log start offset " + start + " of " + tp
                    + ": retention or DeleteRecords removed the records before it; valid offsets are " + start
                    + " to " + end + " (the high watermark)"
                    : "Offset " + offset + " is above the high watermark " + end + " of " + tp
                    + "; valid offsets are " + start + " to " + end);
        }
    }

    private void groups(HttpExchange exchange, List<String> path) throws IOException {
        if (path.size() == 3) {
            if (!path.get(2).equals("history")) {
                Exchanges.sendError(exchange, 404, "not_found", "No such path: " + exchange.getRequestURI().getPath());
            } else if (history == null) {
                Exchanges.sendError(exchange, 501, "not_implemented",
                        "Lag history is not kept by this broker yet; /api/v1/groups/{id}/history will serve it");
            } else {
                Optional<Object> h = history.history(path.get(1), query(exchange));
                if (h.isPresent()) {
                    Exchanges.sendJson(exchange, 200, h.get());
                } else {
                    Exchanges.sendError(exchange, 404, "unknown_group", "Group '" + path.get(1) + "' is unknown");
                }
            }
            return;
        }
        List<GroupView> all;
        try {
            all = groupViews();
        } catch (TimeoutException e) {
            Exchanges.sendError(exchange, 503, "coordinator_busy",
                    "The group coordinator did not answer within " + COORDINATOR_TIMEOUT_MS + " ms");
            return;
        }
        if (path.size() == 1) {
            Exchanges.sendJson(exchange, 200, all);
            return;
        }
        for (GroupView g : all) {
            if (g.groupId().equals(path.get(1))) {
                Exchanges.sendJson(exchange, 200, g);
                return;
            }
        }
        Exchanges.sendError(exchange, 404, "unknown_group", "Group '" + path.get(1) + "' is unknown");
    }

    private List<GroupView> groupViews() throws TimeoutException, IOException {
        List<GroupSnapshot> snapshots = await(lag.groups());
        List<GroupView> out = new ArrayList<>(snapshots.size());
        for (GroupSnapshot s : snapshots) {
            GroupLag l = lag.evaluate(s);
            out.add(GroupView.of(s, l, reports.report(l)));
        }
        out.sort(Comparator.comparing(GroupView::groupId));
        return out;
    }

    private static <T> T await(CompletableFuture<T> future) throws TimeoutException, IOException {
        try {
            return future.get(COORDINATOR_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the groups", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the groups: " + e.getCause(), e.getCause());
        }
    }

    /** Splits a raw path into percent-decoded segments; a trailing slash is ignored. */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
