package org.carillon.bench.loopback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from Linux's /proc (-1 when it is gone). */
public final class ProcStat {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux ABI we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStat() {}

    /** utime + stime of the process (all its threads), in seconds. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS of the process, in bytes. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    static double cpuSeconds(Iterable<Long> pids) {
        double sum = 0;
        for (long pid : pids) {
            sum += Math.max(0, cpuSeconds(pid));
        }
        return sum;
    }
}
