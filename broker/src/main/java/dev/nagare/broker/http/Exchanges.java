package dev.nagare.broker.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;

/**
 * Writing answers: JSON bodies through one shared Jackson mapper, and errors as {@code {"error": …, "message": …}}
 * so that a client always gets JSON from {@code /api/v1/}.
 *
 * <p>Stateless apart from the mapper, which is thread-safe once configured.
 */
final class Exchanges {

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The body of every error answer. */
    record Error(String error, String message) {
    }

    /** A request the API cannot read (a malformed parameter): answered 400 with its message. */
    static final class BadRequestException extends RuntimeException {
        BadRequestException(String message) {
            super(message);
        }
    }

    private Exchanges() {
    }

    /**
     * The query parameter {@code name} as a whole number, {@code otherwise} when it is absent or empty.
     *
     * @throws BadRequestException it is not a whole number, or is below {@code min}
     */
    static long longParam(Map<String, String> query, String name, long otherwise, long min) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return otherwise;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be a whole number, not '" + value + "'");
        }
        if (n < min) {
            throw new BadRequestException(name + " must be at least " + min + ", not " + n);
        }
        return n;
    }

    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        send(exchange, status, bytes);
    }

    static void sendError(HttpExchange exchange, int status, String error, String message) throws IOException {
        sendJson(exchange, status, new Error(error, message));
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    /** True for GET and HEAD; otherwise answers 405 and returns false. */
    static boolean readOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendError(exchange, 405, "method_not_allowed", method + " is not allowed; this API only reads");
        return false;
    }
}
