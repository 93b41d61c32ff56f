package dev.nagare.broker;

import java.util.TimeZone;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

/**
 * The broker's log line, {@code HH:mm:ss.SSS LEVEL [thread] Logger - message}, then the stack trace if any: what the
 * pattern {@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n} gives, written by hand. Logback's
 * PatternLayout registers its ~60 converters and java.time's formatter at first use, a tenth of a broker's start-up
 * before the first line is printed. Local time, as {@code %d}.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    private final TimeZone zone = TimeZone.getDefault();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(128);
        long ts = event.getTimeStamp();
        long localMs = Math.floorMod(ts + zone.getOffset(ts), 86_400_000L);
        twoDigits(b, (int) (localMs / 3_600_000)).append(':');
        twoDigits(b, (int) (localMs / 60_000 % 60)).append(':');
        twoDigits(b, (int) (localMs / 1000 % 60)).append('.');
        int ms = (int) (localMs % 1000);
        b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        String level = event.getLevel().toString();
        b.append(' ').append(level);
        for (int i = level.length(); i < 5; i++) {
            b.append(' ');
        }
        b.append(" [").append(event.getThreadName()).append("] ");
        String logger = event.getLoggerName();
        b.append(logger, logger.lastIndexOf('.') + 1, logger.length());
        b.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(ThrowableProxyUtil.asString(thrown)); // a line separator after each line
        }
        return b.toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
