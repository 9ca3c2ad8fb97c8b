package org.carillon.core.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.carillon.core.store.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLockTest {
    @TempDir
    Path home;

    @Test
    void aSecondHolderIsRefusedWithTheFirstOnesPid() throws Exception {
        DataDirectory dir = new DataDirectory(home);
        // a lock held by another process (the OS lock is per process: a second JVM, as a second daemon would be)
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Path source = home.resolve("Hold.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        c.lock();
                        c.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\\n").getBytes()));
                        System.out.println("locked");
                        Thread.sleep(60_000);
                    }
                }
                """);
        Process holder = new ProcessBuilder(List.of(
                        javaBin.toString(),
                        source.toString(),
                        home.resolve("daemon.lock").toString()))
                .redirectErrorStream(true)
                .start();
        String first = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
        assertThat(first).as("the other process holds the lock").isEqualTo("locked");
        assertThatThrownBy(() -> DaemonLock.acquire(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("another Carillon daemon (pid " + holder.pid() + ")")
                .hasMessageContaining(home.toString());
        holder.destroyForcibly();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();

        try (DaemonLock lock = DaemonLock.acquire(dir)) {
            assertThat(Files.readString(home.resolve("daemon.lock")).trim())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    @Test
    void commandsShareTheDirectoryButNotWithADaemon() throws Exception {
        DataDirectory dir = new DataDirectory(home);
        try (DaemonLock one = DaemonLock.acquireShared(dir);
                DaemonLock two = DaemonLock.acquireShared(dir)) {
            assertThat(one).isNotSameAs(two);
        } catch (IOException e) {
            throw new AssertionError("two commands may be online at once", e);
        }
        try (DaemonLock daemon = DaemonLock.acquire(dir)) {
            assertThatThrownBy(() -> DaemonLock.acquireShared(dir))
                    .isInstanceOf(DaemonLock.DaemonRunningException.class)
                    .hasMessageContaining(
                            "a Carillon daemon (pid " + ProcessHandle.current().pid() + ") runs on " + home);
        }
    }
}
