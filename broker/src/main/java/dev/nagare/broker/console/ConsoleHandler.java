package dev.nagare.broker.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Serves the web console from the classpath:
 *
 * <pre>
 *   GET /  /topics  /topics/{name}  /groups  /groups/{id}   index.html (console.js draws the page the path names)
 *   GET /assets/{file}                                      dev/nagare/broker/console/{file}
 *   GET /assets/uplot/{file}                                uPlot's dist/{file} from its WebJar (org.webjars.npm:uplot)
 * </pre>
 *
 * Anything else answers 404. File names are one path segment of {@code [A-Za-z0-9._-]}, so no request can reach
 * another classpath resource. Bodies are read from the jar on each request: the files are small and a browser asks
 * for them once per page.
 *
 * <p>Stateless and thread-safe; runs on the HTTP threads.
 */
public final class ConsoleHandler implements HttpHandler {

    /** Where the console's own files are, on the classpath. */
    static final String RESOURCES = "/dev/nagare/broker/console/";
    /** The uPlot version of the WebJar in the broker's POM; its files live under this directory of the jar. */
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern PAGE = Pattern.compile("/|/topics/?|/groups/?|/topics/[^/]+|/groups/[^/]+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            sendText(exchange, 405, method + " is not allowed; the console only reads");
            return;
        }
        String path = exchange.getRequestURI().getRawPath();
        String resource = null;
        if (PAGE.matcher(path).matches()) {
            resource = RESOURCES + "index.html";
        } else if (path.startsWith("/assets/uplot/")) {
            resource = file(UPLOT, path.substring("/assets/uplot/".length()));
        } else if (path.startsWith("/assets/")) {
            resource = file(RESOURCES, path.substring("/assets/".length()));
        }
        InputStream in = resource == null ? null : ConsoleHandler.class.getResourceAsStream(resource);
        if (in == null) {
            sendText(exchange, 404, "No such page: " + exchange.getRequestURI().getPath());
            return;
        }
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Content-Type", type(resource));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        send(exchange, 200, body);
    }

    /** The resource for {@code name} in {@code dir}, or null if the name is not a plain file name. */
    private static String file(String dir, String name) {
        return FILE.matcher(name).matches() && !name.startsWith(".") ? dir + name : null;
    }

    static String type(String resource) {
        String ext = resource.substring(resource.lastIndexOf('.') + 1);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
