package org.spillway.spill.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void staleDirectoriesOfDeadProcessesAreSwept() throws IOException {
        Path stale = Files.createDirectories(base.resolve("spillway-999999999-x"));
        Files.write(stale.resolve("spill-a-1.lz4"), new byte[4096]);
        Files.createDirectories(stale.resolve("sub"));
        Files.write(stale.resolve("sub/f"), new byte[10]);
        Path live = Files.createDirectories(base.resolve("spillway-" + ProcessHandle.current().pid() + "-other"));
        Path unrelated = Files.createDirectories(base.resolve("spillway-notapid"));
        try (SpillDirectory dir = SpillDirectory.create(base)) {
            assertFalse(Files.exists(stale), "stale directory of a dead process is removed");
            assertTrue(Files.exists(live), "a live process's directory is kept");
            assertTrue(Files.exists(unrelated));
            assertTrue(Files.exists(dir.path()));
        }
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
