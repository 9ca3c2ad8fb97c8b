package org.carillon.bench.loopback;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Counts the UDP datagrams on the loopback interface to or from a set of ports over a window,
 * with {@code tcpdump -i lo} writing a pcap file (each loopback datagram is captured once).
 * Without tcpdump (or without the right to capture) it falls back to the machine-wide {@code
 * Udp: OutDatagrams} counter of /proc/net/snmp, which also counts everyone else's datagrams:
 * {@link #method()} says which one was used.
 */
public final class PacketCapture implements AutoCloseable {
    private static final Path TCPDUMP = Path.of("/usr/bin/tcpdump");
    private static final Path SBIN_TCPDUMP = Path.of("/usr/sbin/tcpdump");

    private final Process tcpdump;
    private final Path file;
    private final long snmpStart;
    private long count = -1;
    private long bytes = -1;

    private PacketCapture(Process tcpdump, Path file, long snmpStart) {
        this.tcpdump = tcpdump;
        this.file = file;
        this.snmpStart = snmpStart;
    }

    /** Starts counting datagrams whose source or destination port is one of {@code ports}. */
    public static PacketCapture start(Collection<Integer> ports, Path pcap) {
        Path exe = Files.isExecutable(TCPDUMP) ? TCPDUMP : Files.isExecutable(SBIN_TCPDUMP) ? SBIN_TCPDUMP : null;
        if (exe != null) {
            String filter =
                    "udp and (" + ports.stream().map(p -> "port " + p).collect(Collectors.joining(" or ")) + ")";
            try {
                Files.createDirectories(pcap.toAbsolutePath().getParent());
                Process p = new ProcessBuilder(List.of(
                                exe.toString(), "-i", "lo", "-n", "-U", "-s", "64", "-w", pcap.toString(), filter))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (awaitListening(p)) {
                    return new PacketCapture(p, pcap, -1);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                System.err.println("[bench] tcpdump did not start (" + e.getMessage() + ")");
            }
        }
        System.err.println("[bench] no tcpdump capture: counting the machine-wide UDP OutDatagrams of"
                + " /proc/net/snmp instead (includes every other process's datagrams)");
        return new PacketCapture(null, null, snmpOutDatagrams());
    }

    private static boolean awaitListening(Process p) {
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try (BufferedReader err =
                            new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = err.readLine()) != null) {
                            if (line.contains("listening on")) {
                                listening.complete(true);
                            } else if (!listening.isDone()) {
                                System.err.println("[bench] tcpdump: " + line);
                            }
                        }
                    } catch (IOException e) {
                        // process ended
                    }
                    listening.complete(false);
                },
                "tcpdump-stderr");
        t.setDaemon(true);
        t.start();
        try {
            return listening.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    /** "tcpdump" or "snmp" (machine-wide counter). */
    public String method() {
        return tcpdump != null ? "tcpdump" : "snmp";
    }

    /** Stops counting; returns the number of datagrams seen. */
    public long stop() {
        if (count >= 0) {
            return count;
        }
        if (tcpdump == null) {
            count = snmpOutDatagrams() - snmpStart;
            return count;
        }
        try {
            Thread.sleep(200); // let the last replies arrive
            tcpdump.destroy(); // SIGTERM: tcpdump flushes and closes the file
            if (!tcpdump.waitFor(5, TimeUnit.SECONDS)) {
                tcpdump.destroyForcibly();
            }
            count = countRecords(file);
            bytes = sumLengths(file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return count;
    }

    /** The bytes of the datagrams counted (IP packets on the wire of lo), after {@link #stop}; -1 without tcpdump. */
    public long bytes() {
        return bytes;
    }

    /** The number of packet records of a classic pcap file. */
    static long countRecords(Path pcap) throws IOException {
        return readRecords(pcap, false);
    }

    /** The sum of the records' original lengths (the packets' sizes, link header included). */
    static long sumLengths(Path pcap) throws IOException {
        return readRecords(pcap, true);
    }

    private static long readRecords(Path pcap, boolean lengths) throws IOException {
        try (InputStream raw = Files.newInputStream(pcap);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            byte[] header = new byte[24];
            try {
                in.readFully(header);
            } catch (EOFException e) {
                return 0;
            }
            int magic =
                    ByteBuffer.wrap(header, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
            ByteOrder order =
                    (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            byte[] record = new byte[16];
            long n = 0;
            while (true) {
                try {
                    in.readFully(record);
                    in.skipNBytes(ByteBuffer.wrap(record, 8, 4).order(order).getInt());
                } catch (EOFException e) {
                    return n; // a record cut short by the stop
                }
                n += lengths ? ByteBuffer.wrap(record, 12, 4).order(order).getInt() : 1;
            }
        }
    }

    /** Machine-wide UDP datagrams sent so far (/proc/net/snmp "Udp: ... OutDatagrams"). */
    static long snmpOutDatagrams() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = List.of(lines.get(i).trim().split("\\s+"));
                    String[] values = lines.get(i + 1).trim().split("\\s+");
                    return Long.parseLong(values[names.indexOf("OutDatagrams")]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    @Override
    public void close() {
        if (tcpdump != null && tcpdump.isAlive()) {
            tcpdump.destroyForcibly();
        }
    }
}
