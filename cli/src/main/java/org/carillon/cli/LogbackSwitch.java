package org.carillon.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * {@link LogSwitch} on logback: a turbo filter lets warnings and errors through and the rest only
 * while the logs are on (and, with a filter, only lines that mention it). On a terminal the
 * log lines are printed above the prompt instead of on stderr, where they would break it.
 */
final class LogbackSwitch implements LogSwitch {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg";

    private final LoggerContext context;
    private final Logger root;
    private final Gate gate = new Gate();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private Appender<ILoggingEvent> redirect;

    private LogbackSwitch(LoggerContext context) {
        this.context = context;
        this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /**
     * Takes over the logs for a console session, off to begin with unless {@code on}. Returns an
     * in-memory switch when logback is not the slf4j binding.
     */
    static LogSwitch install(boolean on) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return LogSwitch.inMemory();
        }
        LogbackSwitch logs = new LogbackSwitch(context);
        logs.gate.on = on;
        context.addTurboFilter(logs.gate);
        return logs;
    }

    @Override
    public synchronized Redirect redirect(ConsoleSink sink) {
        if (redirect != null) {
            throw new IllegalStateException("the logs already go to a console");
        }
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.start();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                sink.print(DhtnodeFormat.printable(layout.doLayout(event)));
            }
        };
        appender.setContext(context);
        appender.setName("console");
        appender.start();
        root.addAppender(appender);
        redirect = appender;
        return this::endRedirect;
    }

    private synchronized void endRedirect() {
        if (redirect != null) {
            root.detachAppender(redirect);
            redirect.stop();
            redirect = null;
            detached.forEach(root::addAppender);
            detached.clear();
        }
    }

    @Override
    public boolean isOn() {
        return gate.on;
    }

    @Override
    public void on(Optional<String> filter) {
        gate.filter = filter.orElse(null);
        gate.on = true;
    }

    @Override
    public void off() {
        gate.on = false;
        gate.filter = null;
    }

    @Override
    public void close() {
        endRedirect();
        context.getTurboFilterList().remove(gate);
    }

    private static final class Gate extends TurboFilter {
        volatile boolean on;
        volatile String filter;

        Gate() {
            start();
        }

        @Override
        public FilterReply decide(
                Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (level != null && level.isGreaterOrEqual(Level.WARN)) {
                return FilterReply.NEUTRAL;
            }
            if (!on) {
                return FilterReply.DENY;
            }
            String wanted = filter;
            if (wanted == null || format == null) {
                return FilterReply.NEUTRAL;
            }
            String message = MessageFormatter.arrayFormat(format, params).getMessage();
            return message != null && message.contains(wanted) ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }
}
