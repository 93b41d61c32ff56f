package dev.nagare.broker.http;

import java.util.Map;
import java.util.Optional;

/**
 * Extension point for {@code GET /api/v1/groups/{id}/history}: the lag history is kept by another part of the broker
 * (at least 24 h at 10 s resolution). Until one is given to the {@link WebServer}, that route answers
 * 501 Not Implemented with a JSON error.
 *
 * <p>Called on an HTTP thread; must be thread-safe.
 */
@FunctionalInterface
public interface LagHistoryApi {

    /**
     * The history of one group, as any object Jackson can write; empty for an unknown group (answered 404).
     *
     * @param query the request's query parameters (e.g. a time range), decoded
     */
    Optional<Object> history(String groupId, Map<String, String> query);
}
