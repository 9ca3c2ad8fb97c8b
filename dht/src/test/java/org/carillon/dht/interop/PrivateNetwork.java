package org.carillon.dht.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own, whose only interface is {@code lo}: the one place where
 * multicast peer discovery may be turned on, since nothing sent there can reach a network.
 *
 * <p>{@link #isolated} starts a command in a new namespace ({@code unshare -n}, so the command
 * keeps the PID the test stops it by); {@link #joining} starts another in the namespace of a
 * process started so ({@code nsenter --net=/proc/PID/ns/net}). Both need root.
 */
public final class PrivateNetwork {
    /**
     * Run first inside the new namespace: refuses to go on if any interface but {@code lo} is
     * there, brings {@code lo} up and routes IPv4 multicast through it (a fresh namespace has no
     * route to 224.0.0.0/4, so dhtnode could not join its group), then becomes the command.
     */
    static final String SETUP = "[ \"$(ip -o link show | wc -l)\" -eq 1 ] && ip -o link show | grep -q ': lo:'"
            + " || { echo 'refusing: the namespace has interfaces other than lo' >&2; exit 97; }; "
            + "ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec \"$0\" \"$@\"";

    private static volatile Boolean available;

    private PrivateNetwork() {}

    /** {@code command}, run in a new network namespace that holds only {@code lo}. */
    public static List<String> isolated(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-n", "sh", "-c", SETUP));
        wrapped.addAll(command);
        return wrapped;
    }

    /** {@code command}, run in the network namespace of process {@code pid} (one {@link #isolated} started). */
    public static List<String> joining(long pid, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Whether this process may create such namespaces (root, util-linux, iproute2); checked once. */
    public static synchronized boolean available() {
        if (available == null) {
            available =
                    runs(isolated(List.of("ip", "-o", "link", "show", "lo"))) && runs(List.of("nsenter", "--version"));
        }
        return available;
    }

    private static boolean runs(List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
