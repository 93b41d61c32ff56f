package dev.nagare.broker.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.lag.LagMonitor;
import dev.nagare.broker.lag.LagService;
import dev.nagare.broker.metrics.BrokerMetrics;
import dev.nagare.broker.partition.PartitionManager;

/**
 * The broker's HTTP listener ({@code http.listeners}): {@code /metrics} (Prometheus text, {@link MetricsHandler})
 * and {@code /api/v1/} (JSON, {@link ApiV1}); other parts add their own paths with {@link #route} (the console
 * takes {@code /}).
 *
 * <p>Why the JDK's {@code com.sun.net.httpserver} and not Netty's HTTP codec: this is an operator's port, a few
 * requests a minute from Prometheus and a browser, where a scrape's cost is the lag evaluation, not the HTTP
 * framing. The JDK server needs no dependency and runs its handlers on an executor of its own, so nothing here can
 * ever run on, or block, a Kafka event loop; a Netty pipeline would have to hand every request off the event loop
 * anyway. Its threads: one {@code nagare-http-dispatcher} (accepts and parses, the JDK's) and
 * {@value #THREADS} {@code nagare-http-N} handler threads with a bounded queue — more concurrent requests than that
 * wait, they do not spawn threads.
 *
 * <p>Thread-safe: started once, {@link #close()}d once; {@link #route} may be called at any time.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    static final int THREADS = 2;
    private static final int QUEUE = 64;

    private final HttpServer server;
    private final ExecutorService executor;

    private WebServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param reports each group's status and expiry forecast in {@code /api/v1/groups}
     * @param history the lag history behind {@code /api/v1/groups/{id}/history}, or null (it answers 501)
     * @throws IOException the address cannot be bound (message names {@code http.listeners})
     */
    public static WebServer start(BrokerConfig.HttpListener listener, BrokerMetrics metrics,
                                  PartitionManager partitions, LagMonitor lag, LagService reports,
                                  LagHistoryApi history)
            throws IOException {
        InetSocketAddress address = listener.host().isEmpty()
                ? new InetSocketAddress(listener.port()) : new InetSocketAddress(listener.host(), listener.port());
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + address + " (" + BrokerConfig.HTTP_LISTENERS + "): "
                    + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "nagare-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        WebServer web = new WebServer(server, executor);
        web.route("/metrics", new MetricsHandler(metrics));
        web.route(ApiV1.PREFIX, new ApiV1(partitions, lag, reports, history));
        server.start();
        log.info("Serving /metrics and {} on http://{}:{}", ApiV1.PREFIX,
                web.address().getAddress().getHostAddress(), web.address().getPort());
        return web;
    }

    /**
     * Serves every path under {@code prefix} with {@code handler} (the longest matching prefix wins). The handler
     * runs on an HTTP thread; an exception it throws answers 500 with a JSON error.
     */
    public void route(String prefix, HttpHandler handler) {
        server.createContext(prefix, exchange -> guarded(handler, exchange));
    }

    private static void guarded(HttpHandler handler, HttpExchange exchange) {
        try {
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                log.debug("HTTP {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            } catch (RuntimeException e) {
                log.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                try {
                    Exchanges.sendError(exchange, 500, "internal_error", String.valueOf(e.getMessage()));
                } catch (IOException | RuntimeException ignored) {
                    // headers already sent, or the client left: nothing more to say
                }
            }
        } finally {
            exchange.close();
        }
    }

    /** The bound address (port 0 in the config picks a free one). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting, lets exchanges in progress finish for up to a second, then stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
