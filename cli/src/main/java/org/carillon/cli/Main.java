package org.carillon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code carillon} command: a thin dispatcher to its subcommands. */
@Command(
        name = "carillon",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "Serverless end-to-end encrypted communication on an OpenDHT-compatible DHT. Without a command: runs the daemon (carillon daemon).",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            DaemonCommand.class,
            StatusCommand.class,
            DemoCommand.class,
            DhtCommand.class,
            AccountCommand.class,
            ContactCommand.class,
            RequestCommand.class,
            MessageCommand.class,
            ChatCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and for tests that capture its output. */
    static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** With {@code factory} creating the commands, so tests can give {@code dht} a fake node. */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        return new CommandLine(new Main(), factory)
                .setParameterExceptionHandler(Main::shortUsageError)
                .setExecutionExceptionHandler(Main::userError);
    }

    /** Without a subcommand, Carillon's main job: the daemon, with its defaults. */
    @Override
    public Integer call() {
        return spec.commandLine().execute("daemon");
    }

    /**
     * A command that could not do what was asked because of its input or its surroundings (an
     * unknown id, a wrong password, a corrupt archive, no network) says so in one line and exits
     * with 1; anything else is a bug and keeps its stack trace.
     */
    private static int userError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof CommandError
                || e instanceof IllegalArgumentException
                || e instanceof java.io.IOException
                || e instanceof org.carillon.api.client.ApiException
                || e instanceof java.security.GeneralSecurityException
                || e instanceof org.carillon.core.archive.ArchiveException)) {
            throw e;
        }
        PrintWriter err = cmd.getErr();
        // the daemon's error text reads as the command's own; its JSON-RPC code means nothing to a user
        String message =
                e instanceof org.carillon.api.client.ApiException a ? a.error().message() : e.getMessage();
        err.println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + message));
        err.flush();
        return 1;
    }

    /**
     * Names the problem and points to {@code --help} instead of printing the whole usage,
     * which would bury the one line that matters.
     */
    private static int shortUsageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.printf(
                "Try '%s --help' for more information.%n", cmd.getCommandSpec().qualifiedName());
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
