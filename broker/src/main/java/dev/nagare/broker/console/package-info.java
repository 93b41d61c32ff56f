/**
 * The web console: static pages (HTML, CSS and plain JavaScript, classpath resources beside this package, no build
 * step) that read the JSON API under {@code /api/v1/} from the browser, and uPlot's files from its WebJar for the
 * lag charts. {@link dev.nagare.broker.console.ConsoleHandler} serves them on the broker's HTTP listener at
 * {@code /}.
 *
 * <p>Called by the broker's wiring, which routes {@code /} to it. Serves files only: it reads no broker state (the
 * pages get every figure from the API, so the console and the API cannot disagree) and must not import partition,
 * group, lag, network or api classes.
 */
package dev.nagare.broker.console;
