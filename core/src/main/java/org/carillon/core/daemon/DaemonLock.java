package org.carillon.core.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.carillon.core.store.DataDirectory;

/**
 * Who may bring the data directory's accounts online: one daemon (an exclusive lock), or any
 * number of short-lived commands (shared locks), never both. The locks are the operating
 * system's, released when the process dies, even by SIGKILL; the file only says which daemon
 * holds it.
 */
public final class DaemonLock implements AutoCloseable {
    static final String FILE = "daemon.lock";

    /** Commands of one process share one OS lock (Java refuses two locks of a file in one JVM). */
    private static final Map<Path, Shared> SHARED = new HashMap<>();

    private static final class Shared {
        final FileChannel channel;
        final FileLock lock;
        int holders;

        Shared(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Closeable release;
    private boolean closed;

    private DaemonLock(Closeable release) {
        this.release = release;
    }

    /** The daemon's lock of {@code dir}; fails, naming who holds it, when a daemon or a command has it. */
    public static DaemonLock acquire(DataDirectory dir) throws IOException {
        FileChannel channel = open(dir);
        FileLock lock = tryLock(channel, false);
        if (lock == null) {
            String holder = daemonPid(channel)
                    .map(pid -> "another Carillon daemon (pid " + pid + ")")
                    .orElse("a carillon command");
            channel.close();
            throw new IOException(
                    holder + " is using " + dir.root() + "; stop it first, or give this daemon another --data-dir");
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(pid), 0);
        channel.force(true);
        return new DaemonLock(() -> {
            lock.release();
            channel.close();
        });
    }

    /** A command's lock of {@code dir}, held while it is online; fails when a daemon runs there. */
    public static DaemonLock acquireShared(DataDirectory dir) throws IOException {
        Path path = dir.ensureExists().root().resolve(FILE);
        synchronized (SHARED) {
            Shared held = SHARED.get(path);
            if (held == null) {
                FileChannel channel = open(dir);
                FileLock lock = tryLock(channel, true);
                if (lock == null) {
                    String pid = daemonPid(channel).map(p -> " (pid " + p + ")").orElse("");
                    channel.close();
                    throw new DaemonRunningException("a Carillon daemon" + pid + " runs on " + dir.root()
                            + " but its API did not answer this command (it may be starting or stopping);"
                            + " try again in a moment");
                }
                held = new Shared(channel, lock);
                SHARED.put(path, held);
            }
            held.holders++;
            Shared mine = held;
            return new DaemonLock(() -> {
                synchronized (SHARED) {
                    if (--mine.holders == 0) {
                        SHARED.remove(path);
                        mine.lock.release();
                        mine.channel.close();
                    }
                }
            });
        }
    }

    /** A daemon holds the data directory. */
    public static final class DaemonRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        DaemonRunningException(String message) {
            super(message);
        }
    }

    private static FileChannel open(DataDirectory dir) throws IOException {
        Path path = dir.ensureExists().root().resolve(FILE);
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static FileLock tryLock(FileChannel channel, boolean shared) throws IOException {
        try {
            return channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null; // this very process holds it (a daemon started in the same JVM, as in tests)
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The pid the file names, if that process is alive (a dead daemon's pid stays in the file). */
    private static java.util.Optional<Long> daemonPid(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            if (!text.matches("[0-9]{1,10}")) {
                return java.util.Optional.empty();
            }
            long pid = Long.parseLong(text);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            release.close();
        }
    }
}
