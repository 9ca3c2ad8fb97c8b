package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogbackSwitchTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("org.carillon.test.LogbackSwitch");
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private LogSwitch logs;

    @BeforeEach
    void watch() {
        seen.start();
        logger.addAppender(seen);
        logs = LogbackSwitch.install(false);
    }

    @AfterEach
    void restore() {
        logs.close();
        logger.detachAppender(seen);
    }

    private List<String> messages() {
        return seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void offLetsOnlyWarningsAndErrorsThrough() {
        logger.info("quiet");
        logger.warn("warned");
        logger.error("failed");

        assertThat(logs.isOn()).isFalse();
        assertThat(messages()).containsExactly("warned", "failed");
    }

    @Test
    void onShowsEverythingAndAFilterOnlyLinesNamingIt() {
        logs.on(Optional.empty());
        logger.info("all {}", "shown");
        logs.on(Optional.of("913a73b5"));
        logger.info("search {} done", "913a73b565c8e2c8ed94497580f619397709b8b6");
        logger.info("search {} done", "4d556b3e68cc7f76d108c25499e32541a549af53");
        logs.off();
        logger.info("off again");

        assertThat(messages()).containsExactly("all shown", "search 913a73b565c8e2c8ed94497580f619397709b8b6 done");
    }

    @Test
    void closingGivesTheLogsBack() {
        logs.close();
        logger.info("visible");

        assertThat(messages()).containsExactly("visible");
    }

    @Test
    void aRedirectSendsLogLinesToTheConsoleInsteadOfTheRootAppenders() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> rootSeen = new ListAppender<>();
        rootSeen.start();
        root.addAppender(rootSeen);
        List<String> printed = new CopyOnWriteArrayList<>();
        ConsoleSink sink = new ConsoleSink() {
            @Override
            public void print(String block) {
                printed.add(block);
            }

            @Override
            public void printError(String block) {
                printed.add(block);
            }
        };
        try {
            logs.on(Optional.empty());
            try (LogSwitch.Redirect r = logs.redirect(sink)) {
                logger.info("to the console\u001b[2J");
            }
            logger.info("back to the appenders");
        } finally {
            root.detachAppender(rootSeen);
        }

        assertThat(printed).singleElement().asString().endsWith("INFO  LogbackSwitch: to the console\\x1b[2J");
        assertThat(rootSeen.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("back to the appenders");
    }
}
