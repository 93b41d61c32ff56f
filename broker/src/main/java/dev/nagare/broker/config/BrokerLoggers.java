package dev.nagare.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

/**
 * The BROKER_LOGGER resource: the level of each logger of this process, read and changed at run time as Kafka's
 * {@code kafka-configs --entity-type broker-loggers} does (here through Logback rather than Log4j). A change lasts
 * until the process stops, as in Kafka.
 *
 * <p>Thread-safe (Logback's logger context is).
 */
public final class BrokerLoggers {

    private static final String ROOT = "root";

    /** The levels Kafka accepts. */
    private static final Set<String> LEVELS = Set.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    private BrokerLoggers() {
    }

    /** Every logger that exists, root first, with its effective level. */
    public static List<DescribedConfig> describe() {
        List<DescribedConfig> out = new ArrayList<>();
        for (Logger logger : context().getLoggerList()) {
            out.add(new DescribedConfig(kafkaName(logger.getName()), logger.getEffectiveLevel().toString(),
                    ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, null, null, false, false, List.of()));
        }
        return out;
    }

    /**
     * Checks a SET ({@code level} non-null) or DELETE ({@code level} null: the logger inherits its parent's level
     * again) of one logger, as Kafka does; applies it when {@code apply}.
     *
     * @throws InvalidConfigurationException the logger does not exist, or the level is not one Kafka knows
     * @throws InvalidRequestException       a DELETE of the root logger
     */
    public static void change(String name, String level, boolean apply) {
        Logger logger = context().exists(ROOT.equals(name) ? Logger.ROOT_LOGGER_NAME : name);
        if (logger == null) {
            throw new InvalidConfigurationException("Logger " + name + " does not exist!");
        }
        if (level == null && logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
            throw new InvalidRequestException("Removing the log level of the root logger is not allowed");
        }
        if (level != null && !LEVELS.contains(level)) {
            throw new InvalidConfigurationException("Cannot set the log level of " + name + " to " + level
                    + " as it is not a supported log level. Valid log4j levels are " + String.join(", ",
                    List.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL")));
        }
        if (apply) {
            logger.setLevel(level == null ? null : "FATAL".equals(level) ? Level.ERROR : Level.toLevel(level));
        }
    }

    /** Logback's root logger is ROOT; Kafka's, and so the name operators use, is root. */
    private static String kafkaName(String logbackName) {
        return Logger.ROOT_LOGGER_NAME.equals(logbackName) ? ROOT : logbackName;
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
