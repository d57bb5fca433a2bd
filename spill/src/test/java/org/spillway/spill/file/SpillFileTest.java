package org.spillway.spill.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.file.SpillFile.BlockRef;

class SpillFileTest {
    @TempDir
    Path base;
    private SpillDirectory dir;

    @BeforeEach
    void open() {
        dir = SpillDirectory.create(base);
    }

    @AfterEach
    void close() {
        dir.close();
    }

    /** A block of {@code n} bytes, compressible when {@code seed} is even. */
    private static byte[] data(int seed, int n) {
        Random rnd = new Random(seed);
        byte[] b = new byte[n];
        if (seed % 2 == 0) {
            for (int i = 0; i < n; i++) {
                b[i] = (byte) (i / 64 + seed);
            }
        } else {
            rnd.nextBytes(b);
        }
        return b;
    }

    private static byte[] read(SpillFile f, BlockRef ref) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(ref.uncompressedLength(), 8);
            f.read(ref, dst);
            return dst.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void appendsAndReadsManyBlocks() {
        try (SpillFile f = dir.newFile("test")) {
            List<BlockRef> refs = new ArrayList<>();
            int[] sizes = {0, 1, 15, 4096, 100_000, 7, 300_001};
            for (int i = 0; i < 60; i++) {
                byte[] b = data(i, sizes[i % sizes.length]);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(b.length == 0 ? 1 : b.length).asSlice(0, b.length);
                    MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
                    refs.add(f.append(seg));
                }
            }
            assertTrue(refs.get(4).compressedLength() < 10_000, "compressible block compressed");
            long expectedSize = refs.stream().mapToLong(BlockRef::diskBytes).sum();
            assertEquals(expectedSize, f.size());
            assertEquals(expectedSize, dir.bytesOnDisk());
            for (int i = refs.size() - 1; i >= 0; i--) {
                assertArrayEquals(data(i, sizes[i % sizes.length]), read(f, refs.get(i)), "block " + i);
            }
            // heap segments work too
            BlockRef heap = f.append(MemorySegment.ofArray(data(2, 5000)));
            assertArrayEquals(data(2, 5000), read(f, heap));
        }
        assertEquals(0, dir.bytesOnDisk());
    }

    @Test
    void concurrentAppendsAndReads() throws Exception {
        try (SpillFile f = dir.newFile("concurrent"); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        int seed = thread * 1000 + i;
                        byte[] b = data(seed, 1000 + seed % 3000);
                        BlockRef ref = f.append(MemorySegment.ofArray(b));
                        assertArrayEquals(b, read(f, ref));
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get();
            }
        }
    }

    @Test
    void flippedByteIsACheckSumMismatch() throws IOException {
        try (SpillFile f = dir.newFile("corrupt")) {
            BlockRef a = f.append(MemorySegment.ofArray(data(1, 1000)));
            BlockRef b = f.append(MemorySegment.ofArray(data(3, 1000)));
            long victim = b.offset() + SpillFile.HEADER_BYTES + 10;
            try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, victim);
                one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
                ch.write(one, victim);
            }
            SpillException e = assertThrows(SpillException.class, () -> read(f, b));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            assertTrue(e.getMessage().contains(f.path().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + b.offset()), e.getMessage());
            assertArrayEquals(data(1, 1000), read(f, a));
            // a reference outside the file is refused before mapping
            BlockRef beyond = new BlockRef(f.size(), 10, 10);
            assertThrows(SpillException.class, () -> read(f, beyond));
        }
    }

    @Test
    void badMagicIsReported() throws IOException {
        try (SpillFile f = dir.newFile("magic")) {
            BlockRef a = f.append(MemorySegment.ofArray(data(1, 100)));
            try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {0}), a.offset());
            }
            SpillException e = assertThrows(SpillException.class, () -> read(f, a));
            assertTrue(e.getMessage().contains("magic"), e.getMessage());
        }
    }

    @Test
    void closeDeletesTheFile() {
        SpillFile f = dir.newFile("gone");
        f.append(MemorySegment.ofArray(data(0, 100)));
        assertTrue(Files.exists(f.path()));
        f.close();
        assertFalse(Files.exists(f.path()));
        f.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> f.append(MemorySegment.ofArray(new byte[1])));
        assertEquals(0, dir.bytesOnDisk());
    }

    @Test
    void diskLimitIsEnforced() {
        try (SpillDirectory small = SpillDirectory.create(base, 10_000); SpillFile f = small.newFile("limited")) {
            f.append(MemorySegment.ofArray(data(1, 6000)));
            SpillException e = assertThrows(SpillException.class, () -> f.append(MemorySegment.ofArray(data(3, 6000))));
            assertTrue(e.getMessage().contains("disk limit"), e.getMessage());
            assertTrue(small.bytesOnDisk() <= 10_000);
            f.append(MemorySegment.ofArray(data(2, 100))); // small, compressible: still fits
        }
    }
}
