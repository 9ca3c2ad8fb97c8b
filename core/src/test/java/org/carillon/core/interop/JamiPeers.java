package org.carillon.core.interop;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real Jami daemon the tests of this package drive, and the private network they must
 * run in. As with dht's {@link InteropPeers}: a missing piece skips the test with a notice on
 * stderr, or fails it with {@code -Dinterop.required=true}.
 *
 * <p>{@code -Dinterop.jamid=PATH} replaces {@code /usr/libexec/jamid} (pointing it at a missing
 * file is how the skip itself is checked).
 */
public final class JamiPeers {
    public static final Path DEFAULT_JAMID = Path.of("/usr/libexec/jamid");
    public static final String JAMID_PROPERTY = "interop.jamid";
    /** Set by {@code core/src/test/private-network-jvm/bin/java} inside the namespace it made. */
    public static final String PRIVATE_NETWORK_MARKER = "CARILLON_PRIVATE_NETWORK";

    static final String PACKAGES = "jami-daemon dbus python3-dbus python3-gi";

    private static volatile Boolean pythonDbus;
    private static volatile String jamidVersion;

    private JamiPeers() {}

    /** Everything a {@link JamiDaemon} needs, inside the private network; or skip/fail. */
    public static Path requireJamid() {
        skipOutsideTheirExecution();
        Path jamid = jamid();
        if (!Files.isExecutable(jamid)) {
            missing("jamid not found at " + jamid);
        }
        if (InteropPeers.locate("dbus-daemon").isEmpty()) {
            missing("dbus-daemon not found on the PATH");
        }
        if (!pythonDbusAvailable()) {
            missing("no 'import dbus' and 'from gi.repository import GLib' in " + InteropPeers.SYSTEM_PYTHON);
        }
        requirePrivateNetwork();
        return jamid;
    }

    /**
     * That this JVM runs in a namespace whose only interface is {@code lo}: failsafe starts it so
     * (root only); run from an IDE or as another user, the test is skipped rather than letting
     * jamid loose on a real network.
     */
    public static void requirePrivateNetwork() {
        skipOutsideTheirExecution();
        if (!"1".equals(System.getenv(PRIVATE_NETWORK_MARKER))) {
            InteropPeers.unavailable("not inside the private network namespace (run through failsafe as root:"
                    + " core/src/test/private-network-jvm/bin/java)");
        }
        List<String> interfaces = interfaceNames();
        if (!interfaces.equals(List.of("lo"))) {
            Assertions.fail("[interop] the private network has interfaces other than lo: " + interfaces);
        }
    }

    /**
     * {@code -Dit.test=JamiArchiveIT} also selects the test in the parent's default failsafe
     * execution (which excludes this package otherwise): there it is skipped, never failed, since
     * it runs in the {@code jami-private-network} execution.
     */
    private static void skipOutsideTheirExecution() {
        if (Boolean.getBoolean("interop.jami.elsewhere")) {
            System.err.println("[interop] SKIPPED here: core's org.carillon.core.interop tests run in failsafe's"
                    + " jami-private-network execution");
            Assumptions.abort("runs in the jami-private-network execution");
        }
    }

    /** {@code 13.7.0}-style version of the jami-daemon Debian package, for messages and docs. */
    public static synchronized String jamidPackageVersion() {
        if (jamidVersion == null) {
            jamidVersion = InteropPeers.run(List.of("dpkg-query", "-W", "-f", "${Version}", "jami-daemon"))
                    .map(String::strip)
                    .orElse("unknown");
        }
        return jamidVersion;
    }

    public static Path jamid() {
        String configured = System.getProperty(JAMID_PROPERTY, "");
        return configured.isEmpty() ? DEFAULT_JAMID : Path.of(configured);
    }

    static List<String> interfaceNames() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .map(NetworkInterface::getName)
                    .sorted()
                    .collect(Collectors.toList());
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces", e);
        }
    }

    static synchronized boolean pythonDbusAvailable() {
        if (pythonDbus == null) {
            Path python = InteropPeers.SYSTEM_PYTHON;
            pythonDbus = Files.isExecutable(python)
                    && InteropPeers.run(List.of(
                                    python.toString(),
                                    "-c",
                                    "import dbus; from gi.repository import GLib; print('ok')"))
                            .map(s -> s.strip().endsWith("ok"))
                            .orElse(false);
        }
        return pythonDbus;
    }

    private static void missing(String what) {
        InteropPeers.unavailable(what + " (apt-get install " + PACKAGES + ")");
    }
}
