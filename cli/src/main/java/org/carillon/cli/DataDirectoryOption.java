package org.carillon.cli;

import java.nio.file.Path;
import org.carillon.core.store.DataDirectory;
import picocli.CommandLine.Option;

/** Where Carillon keeps its accounts, settings and logs: {@code --data-dir}, else the environment's default. */
final class DataDirectoryOption {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory (default: $CARILLON_HOME, else $XDG_DATA_HOME/carillon,"
                    + " else ~/.local/share/carillon).")
    Path dataDir;

    DataDirectory directory() {
        return DataDirectory.resolve(System.getenv(), dataDir);
    }
}
