package org.carillon.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The daemon's log: {@code logs/carillon.log} in the data directory, rolled over daily and at
 * 10 MB, 14 files kept, at most 200 MB in all; the terminal gets warnings and errors only.
 */
final class LogFile {
    static final String NAME = "carillon.log";

    private LogFile() {}

    /** Sends the logs to the file in {@code dir} at {@code level}; returns the file. */
    static Path install(Path dir, String level) {
        Path file = dir.resolve(NAME);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return file; // another slf4j binding: it decides where logs go
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n");
        encoder.start();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("daemon-file");
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(
                dir.resolve("carillon-%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(FileSize.valueOf("10MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("200MB"));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();
        root.iteratorForAppenders().forEachRemaining(a -> {
            var threshold = new ch.qos.logback.classic.filter.ThresholdFilter();
            threshold.setLevel("WARN");
            threshold.start();
            a.addFilter(threshold);
        });
        root.addAppender(appender);
        level(level);
        return file;
    }

    /** The root logger's level now ("info" when logback is not the binding). */
    static String level() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Level l = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel();
            return l == null ? "info" : l.toString().toLowerCase(Locale.ROOT);
        }
        return "info";
    }

    /** Changes the level (a config reload). */
    static void level(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    .setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
            context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        }
    }
}
