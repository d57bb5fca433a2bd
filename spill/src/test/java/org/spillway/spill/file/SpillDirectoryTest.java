package org.spillway.spill.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillDirectoryTest {
    @TempDir
    Path base;

    @Test
    void filesLiveUnderTheDirectoryAndCloseRemovesIt() {
        SpillDirectory dir = SpillDirectory.create(base.resolve("nested/spill"));
        Path path = dir.path();
        assertTrue(Files.isDirectory(path));
        assertTrue(path.getFileName().toString().startsWith("spillway-" + ProcessHandle.current().pid() + "-"), path.toString());
        SpillFile a = dir.newFile("chunk store");
        SpillFile b = dir.newFile("sort/run");
        assertEquals(path, a.path().getParent());
        assertTrue(a.path().getFileName().toString().matches("spill-chunk_store-[0-9a-f-]{36}\\.lz4"), a.path().toString());
        assertTrue(b.path().getFileName().toString().startsWith("spill-sort_run-"));
        a.append(MemorySegment.ofArray(new byte[1000]));
        b.append(MemorySegment.ofArray(new byte[1000]));
        assertEquals(a.size() + b.size(), dir.bytesOnDisk());
        b.close();
        assertEquals(a.size(), dir.bytesOnDisk());
        dir.close();
        assertFalse(Files.exists(path));
        assertFalse(Files.exists(a.path()));
        dir.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> dir.newFile("late"));
    }

    @Test
    void staleDirectoriesWithoutALockAreSweptOnlyWhenOldAndTheirProcessIsGone() throws IOException {
        Path stale = Files.createDirectories(base.resolve("spillway-999999999-x"));
        Files.write(stale.resolve("spill-a-1.lz4"), new byte[4096]);
        Files.createDirectories(stale.resolve("sub"));
        Files.write(stale.resolve("sub/f"), new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path young = Files.createDirectories(base.resolve("spillway-999999998-being-created"));
        Path unrelated = Files.createDirectories(base.resolve("spillway-notapid"));
        try (SpillDirectory dir = SpillDirectory.create(base)) {
            assertFalse(Files.exists(stale), "an old directory of a dead process, without a lock, is removed");
            assertTrue(Files.exists(young), "a directory without a lock may be being created: kept for a while");
            assertTrue(Files.exists(unrelated));
            assertTrue(Files.exists(dir.path()));
        }
    }

    @Test
    void ownershipIsTheLockNotThePid() throws Exception {
        // a crashed session whose PID this JVM now has (PID 1 in a container): its lock is free, so it is swept
        Path crashed = Files.createDirectories(base.resolve("spillway-" + ProcessHandle.current().pid() + "-crashed"));
        Files.write(crashed.resolve(SpillDirectory.LOCK), new byte[0]);
        Files.write(crashed.resolve("spill-x.lz4"), new byte[1000]);
        // a staged output of the crashed session beside its target, and a marker naming a non-staging path (never deleted)
        Path staged = Files.write(base.resolve(".out.csv.1234.tmp"), new byte[100]);
        Files.writeString(crashed.resolve("staged-1"), staged.toString());
        Path precious = Files.write(base.resolve("precious.csv"), new byte[10]);
        Files.writeString(crashed.resolve("staged-2"), precious.toString());
        // a live session in another PID namespace: a PID that looks dead here, but its lock is held (by a child JVM)
        Path other = Files.createDirectories(base.resolve("spillway-999999997-otherns"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath(),
                LockHolder.class.getName(), other.resolve(SpillDirectory.LOCK).toString()).redirectErrorStream(true).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
            assertEquals("locked true", line);
            try (SpillDirectory dir = SpillDirectory.create(base)) {
                assertFalse(Files.exists(crashed), "a directory whose lock nobody holds is swept, whatever its PID");
                assertFalse(Files.exists(staged), "and the staged output it recorded");
                assertTrue(Files.exists(precious), "a marker naming a non-staging file deletes nothing");
                assertTrue(Files.exists(other), "a directory whose lock is held is live, whatever its PID");
                // this JVM's own live directory survives a second session's sweep (and keeps its lock)
                try (SpillDirectory second = SpillDirectory.create(base)) {
                    assertTrue(Files.exists(dir.path()));
                    assertTrue(Files.exists(second.path()));
                }
                try (SpillDirectory third = SpillDirectory.create(base)) {
                    assertTrue(Files.exists(dir.path()), "still locked after the second session's channel was closed");
                }
            }
        } finally {
            holder.getOutputStream().close();
            holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            holder.destroyForcibly();
        }
        // the holder is gone: now the directory is stale
        try (SpillDirectory dir = SpillDirectory.create(base)) {
            assertFalse(Files.exists(other), "swept once its owner died");
        }
    }

    @Test
    void stagedOutputsAreForgottenOnCommitAndRemovedAtClose() throws IOException {
        SpillDirectory dir = SpillDirectory.create(base);
        Path committed = Files.write(base.resolve(".a.csv.1.tmp"), new byte[1]);
        Path leaked = Files.write(base.resolve(".b.csv.2.tmp"), new byte[1]);
        SpillDirectory.Staged s1 = dir.stage(committed);
        dir.stage(leaked);
        s1.close();
        dir.close();
        assertTrue(Files.exists(committed), "a staged output that was committed (forgotten) is not touched");
        assertFalse(Files.exists(leaked), "one its writer never finished is removed with the directory");
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void baseThatIsAFileIsRefused() throws IOException {
        Path file = Files.write(base.resolve("plain-file"), new byte[] {1});
        SpillException e = assertThrows(SpillException.class, () -> SpillDirectory.create(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        SpillException e2 = assertThrows(SpillException.class, () -> SpillDirectory.create(file.resolve("below")));
        assertTrue(e2.getMessage().contains(file.toString()), e2.getMessage());
    }

    @Test
    void unwritableBaseIsRefused() throws IOException {
        Path ro = Files.createDirectories(base.resolve("read-only"));
        try {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("no POSIX permissions here");
        }
        try {
            Assumptions.assumeFalse(Files.isWritable(ro), "running as root: permissions are not enforced");
            SpillException e = assertThrows(SpillException.class, () -> SpillDirectory.create(ro));
            assertTrue(e.getMessage().contains(ro.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("writable"), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (Stream<Path> s = Files.list(ro)) {
            assertEquals(0, s.count());
        }
    }
}
