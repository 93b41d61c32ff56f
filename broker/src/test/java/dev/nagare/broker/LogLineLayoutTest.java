package dev.nagare.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;

/** The hand-written log line is exactly what logback's pattern would print. */
class LogLineLayoutTest {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    @Test
    void everyLevelAThrowableAndTimesAroundMidnightPrintAsThePatternPrintsThem() {
        LoggerContext context = new LoggerContext();
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        pattern.start();
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();

        long midnightUtc = 1_795_996_800_000L; // 2026-12-01T00:00:00Z
        List<Long> times = List.of(midnightUtc, midnightUtc - 1, midnightUtc + 3_723_004L, 5L, 1_764_048_000_123L);
        int n = 0;
        for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
            for (long t : times) {
                LoggingEvent e = new LoggingEvent("fqcn", context.getLogger("dev.nagare.broker.Broker"), level,
                        "Nagare node {} started in {} ms: 流れ", n % 2 == 0 ? null : new IOException("disk gone", new IllegalStateException("cause")),
                        new Object[] {1, n});
                e.setTimeStamp(t);
                e.setThreadName("nagare-network-" + n++);
                assertEquals(pattern.doLayout(e), layout.doLayout(e));
            }
        }
        LoggingEvent plain = new LoggingEvent("fqcn", context.getLogger("Plain"), Level.INFO, "x", null, null);
        plain.setTimeStamp(midnightUtc);
        plain.setThreadName("main");
        assertEquals(pattern.doLayout(plain), layout.doLayout(plain));
        assertTrue(layout.doLayout(plain).endsWith(" INFO  [main] Plain - x" + System.lineSeparator()));
    }
}
