package dev.nagare.broker.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A group's status as the broker judges it (OK, WARN, STALL, STOP, after Burrow's rules over its lag history),
 * read from the broker's JSON API: {@code GET URL/api/v1/groups/GROUP}, its {@code status} and each of its
 * {@code topics}' {@code status}.
 *
 * <p>Why HTTP and not the Kafka protocol, which the rest of {@code nagare lag} uses: the status is judged on the
 * history the broker keeps (the last 10 minutes of 10-second samples); no Kafka request carries it, and one look at
 * the offsets cannot tell a stuck group from a slow one. When the API does not answer (no HTTP listener there, an
 * Apache Kafka, a broker that does not know the group) the status is unknown, with the reason; the command does not
 * fail for it.
 *
 * @param status         the group's status, or null when unknown
 * @param topics         each topic's status (only when {@code status} is known)
 * @param unknownBecause why the status is unknown, or null
 */
record BrokerStatus(String status, Map<String, String> topics, String unknownBecause) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HINT = "; give the broker's http.listeners address with --http URL";

    /** What the STATUS cell of a topic the broker does not judge shows, and every cell when the status is unknown. */
    static final String NONE = "-";

    /** Asks the broker's HTTP listener at {@code http} (e.g. {@code http://127.0.0.1:8080}), waiting {@code timeout}. */
    static BrokerStatus read(String http, String group, Duration timeout) throws InterruptedException {
        String base = http.endsWith("/") ? http.substring(0, http.length() - 1) : http;
        URI uri;
        try {
            uri = URI.create(base + "/api/v1/groups/"
                    + URLEncoder.encode(group, StandardCharsets.UTF_8).replace("+", "%20"));
        } catch (IllegalArgumentException e) {
            return unknown("--http " + http + " is not a URL: " + e.getMessage());
        }
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) { // connecting or answering
            return unknown("no answer from " + base + " within " + timeout.toMillis() + " ms" + HINT);
        } catch (ConnectException e) {
            return unknown("cannot connect to " + base + HINT);
        } catch (IOException | IllegalArgumentException e) {
            return unknown("cannot read " + uri + ": " + e + HINT);
        }
        return parse(uri, response.statusCode(), response.body());
    }

    static BrokerStatus parse(URI uri, int code, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (code != 200) {
            String message = json != null && json.hasNonNull("message") ? json.get("message").asText() : "";
            return unknown(uri + " answered " + code + (message.isEmpty() ? "" : ": " + message));
        }
        if (json == null || !json.path("status").isTextual()) {
            return unknown(uri + " answered without a status");
        }
        Map<String, String> topics = new TreeMap<>();
        for (JsonNode t : json.path("topics")) {
            if (t.path("topic").isTextual() && t.path("status").isTextual()) {
                topics.put(t.get("topic").asText(), t.get("status").asText());
            }
        }
        return new BrokerStatus(json.get("status").asText(), Map.copyOf(topics), null);
    }

    private static BrokerStatus unknown(String because) {
        return new BrokerStatus(null, Map.of(), because);
    }

    /** The line for the group: {@code Status: WARN}, or {@code Status: unknown (why)}. */
    String line() {
        return status != null ? "Status: " + status : "Status: unknown (" + unknownBecause + ")";
    }

    /** The STATUS cell of a topic. */
    String of(String topic) {
        return topics.getOrDefault(topic, NONE);
    }
}
