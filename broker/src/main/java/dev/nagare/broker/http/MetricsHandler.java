package dev.nagare.broker.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.nagare.broker.metrics.BrokerMetrics;

/**
 * {@code GET /metrics}: every metric of the broker in the Prometheus text format (0.0.4), scraped anew for each
 * request — consumer lag included, evaluated at that moment. Runs on an HTTP thread; stateless.
 */
final class MetricsHandler implements HttpHandler {

    private final BrokerMetrics metrics;

    MetricsHandler(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!Exchanges.readOnly(exchange)) {
            return;
        }
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            Exchanges.sendError(exchange, 404, "not_found", "No such path: " + exchange.getRequestURI().getPath());
            return;
        }
        // Rendered fully before the status is sent, so a failed scrape answers 500 rather than a truncated 200.
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        metrics.writeText(body);
        exchange.getResponseHeaders().set("Content-Type", BrokerMetrics.TEXT_CONTENT_TYPE);
        Exchanges.send(exchange, 200, body.toByteArray());
    }
}
