package dev.nagare.broker.api;

import java.util.HashSet;
import java.util.Set;

/**
 * The names a request lists (topics of CreatePartitions, CreateTopics …) and which of them it lists more than once:
 * Kafka answers such a name with one INVALID_REQUEST result, however often it appears. Not thread-safe; one per
 * request.
 */
final class RequestedNames {

    private final Set<String> duplicates = new HashSet<>();
    private final Set<String> answered = new HashSet<>();

    private RequestedNames() {
    }

    static RequestedNames of(Iterable<String> names) {
        RequestedNames r = new RequestedNames();
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                r.duplicates.add(name);
            }
        }
        return r;
    }

    boolean isDuplicate(String name) {
        return duplicates.contains(name);
    }

    /** True the first time it is asked about {@code name}: that is when its one error result is added. */
    boolean firstTime(String name) {
        return answered.add(name);
    }
}
