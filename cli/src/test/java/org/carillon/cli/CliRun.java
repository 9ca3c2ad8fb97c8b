package org.carillon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Runs {@code carillon ARGS} in-process, with a given {@code dht} command, and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    /** Any command but {@code dht}, which gets a node that must not start. */
    static CliRun carillon(String... args) {
        return carillon(dhtThatMustNotStart(), args);
    }

    static CliRun carillon(DhtCommand dht, String... args) {
        return carillon(dht, new StringWriter(), new StringWriter(), args);
    }

    /** With {@code stdin} as the standard input of the commands that read it ({@code message send --stdin}, {@code chat}). */
    static CliRun carillon(Stdin stdin, StringWriter out, String... args) {
        IFactory factory = new IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    return cls.getDeclaredConstructor(Stdin.class).newInstance(stdin);
                } catch (NoSuchMethodException readsNoStdin) {
                    return CommandLine.defaultFactory().create(cls);
                }
            }
        };
        return execute(factory, out, new StringWriter(), args);
    }

    /** With the writers given, so that a test can watch the output while the command runs. */
    static CliRun carillon(DhtCommand dht, StringWriter out, StringWriter err, String... args) {
        IFactory factory = new IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == DhtCommand.class
                        ? cls.cast(dht)
                        : CommandLine.defaultFactory().create(cls);
            }
        };
        return execute(factory, out, err, args);
    }

    private static CliRun execute(IFactory factory, StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Main.commandLine(factory);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** A dht command whose node must never start: the arguments should have been refused. */
    static DhtCommand dhtThatMustNotStart() {
        return new DhtCommand(config -> {
            throw new AssertionError("started a node with " + config);
        });
    }
}
