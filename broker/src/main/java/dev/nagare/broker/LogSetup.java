package dev.nagare.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The broker's logging, set up in code: one line per event on stdout, {@code HH:mm:ss.SSS LEVEL [thread] Logger -
 * message} ({@link LogLineLayout}); Netty and the Kafka client library at WARN; the rest at {@code NAGARE_LOG_LEVEL} (default INFO).
 *
 * <p>Logback finds it through {@code META-INF/services} before its own XML configurators. Parsing a
 * {@code logback.xml} (an XML parser, Joran's model and its reflection) took about a quarter of a broker's start-up;
 * this takes a few milliseconds. Whoever wants their own configuration still gets it the usual way: with
 * {@code -Dlogback.configurationFile=FILE} this class steps aside and logback reads that file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("NAGARE_LOG_LEVEL"), Level.INFO));
        root.addAppender(stdout);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
