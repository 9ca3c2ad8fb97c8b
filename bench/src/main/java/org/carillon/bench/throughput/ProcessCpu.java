package org.carillon.bench.throughput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used (all its threads, user + system), read from {@code
 * /proc/PID/stat}. Linux only; elsewhere, or once the process is gone, it reads NaN so a
 * benchmark still runs and just leaves the CPU columns empty.
 */
final class ProcessCpu {
    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux this runs on (the kernel's USER_HZ). */
    private static final double TICKS_PER_SECOND = 100;

    private final Path stat;

    private ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    static ProcessCpu of(long pid) {
        return new ProcessCpu(pid);
    }

    static ProcessCpu self() {
        return of(ProcessHandle.current().pid());
    }

    /** CPU seconds used so far (10 ms resolution), or NaN when unavailable. */
    double seconds() {
        try {
            String s = Files.readString(stat);
            // the command name (field 2) is in parentheses and may hold spaces: count from its end
            String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
