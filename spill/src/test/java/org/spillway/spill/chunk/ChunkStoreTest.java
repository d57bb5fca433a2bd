package org.spillway.spill.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.TestChunks;
import org.spillway.spill.file.SpillDirectory;
import org.spillway.spill.memory.MemoryBudget;

class ChunkStoreTest {
    private static final int ROWS = 2000; // about 100 KB per chunk
    private static final int CHUNKS = 50;

    @TempDir
    Path base;
    private MemoryBudget budget;
    private SpillDirectory dir;
    private ChunkStore store;

    @BeforeEach
    void open() {
        budget = new MemoryBudget(1 << 20);
        dir = SpillDirectory.create(base);
        store = new ChunkStore(budget, dir, "test");
    }

    @AfterEach
    void close() throws Exception {
        try {
            store.close();
        } finally {
            dir.close();
        }
        assertEquals(0, budget.used());
        budget.close(); // no leaks
        try (Stream<Path> s = Files.list(base)) {
            assertEquals(0, s.count(), "no spill files or directories remain");
        }
    }

    private List<ChunkHandle> fill() {
        List<ChunkHandle> handles = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            handles.add(store.put(TestChunks.build(budget, i, ROWS)));
            assertTrue(budget.used() <= budget.limit());
        }
        return handles;
    }

    @Test
    void deadBlocksGiveTheirDiskSpaceBackWithinTheFileSoTheDiskLimitCountsLiveData() throws Exception {
        Assumptions.assumeTrue(org.spillway.spill.file.SpillFile.holePunching(), "no hole punching here (not Linux, or no native access)");
        store.close();
        dir.close();
        dir = SpillDirectory.create(base, 4 << 20); // 4 MiB of disk; each round spills about 3
        store = new ChunkStore(budget, dir, "reuse"); // one file for everything (rotates at 256 MiB)
        for (int round = 0; round < 5; round++) {
            List<ChunkHandle> handles = fill();
            long onDisk = dir.bytesOnDisk();
            assertTrue(onDisk > 1 << 20, "round " + round + " spilled: " + onDisk);
            for (ChunkHandle h : handles) {
                h.close();
            }
            assertTrue(dir.bytesOnDisk() < onDisk / 4, "round " + round + ": dead blocks still count " + dir.bytesOnDisk());
        }
        assertEquals(1, store.spillFileCount(), "the space came back inside the one file");
    }

    @Test
    void spillFilesRotateAndAreDeletedWhenNoChunkLivesInThem() throws Exception {
        store.close();
        store = new ChunkStore(budget, dir, "rotating", 150_000); // a new file every ~2 blocks
        List<ChunkHandle> handles = fill();
        int files = store.spillFileCount();
        assertTrue(files > 5, "several files: " + files);
        assertEquals(files, countFiles());
        // closing every chunk whose block sits in the older files deletes those files
        for (int i = 0; i < CHUNKS / 2; i++) {
            handles.get(i).close();
        }
        assertTrue(store.spillFileCount() < files, files + " -> " + store.spillFileCount());
        assertEquals(store.spillFileCount(), countFiles());
        for (int i = CHUNKS / 2; i < CHUNKS; i++) {
            try (PinnedChunk p = handles.get(i).pin()) {
                TestChunks.verify(p.chunk(), i, ROWS);
            }
        }
        handles.forEach(ChunkHandle::close);
        assertTrue(store.spillFileCount() <= 1, "only the file being appended to may remain: " + store.spillFileCount());
    }

    private long countFiles() throws Exception {
        try (Stream<Path> s = Files.walk(base)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".lz4")).count();
        }
    }

    @Test
    void spillsUnderPressureAndReadsBackIdentically() {
        List<ChunkHandle> handles = fill();
        long chunkBytes = handles.getFirst().byteSize();
        assertTrue(chunkBytes > 80_000 && chunkBytes < 130_000, "chunk size " + chunkBytes);
        assertEquals(CHUNKS, store.chunkCount());
        assertTrue(store.spillWrites() > 0, "evictions happened");
        assertTrue(store.spilledBytes() > 0);
        assertTrue(store.residentBytes() <= budget.limit());
        assertFalse(handles.getFirst().isResident(), "least recently used went first");
        assertTrue(handles.getLast().isResident());
        assertEquals(ROWS, handles.getFirst().rows());
        assertEquals(TestChunks.SCHEMA, handles.getFirst().schema());

        for (int i = 0; i < CHUNKS; i++) {
            try (PinnedChunk p = handles.get(i).pin()) {
                assertTrue(handles.get(i).isResident());
                TestChunks.verify(p.chunk(), i, ROWS);
                assertEquals(handles.get(i).stats().column(0), ChunkStats.of(p.chunk()).column(0));
            }
            assertTrue(budget.used() <= budget.limit());
        }
        assertTrue(store.unspills() > 0);
        long writes = store.spillWrites();
        // a second pass evicts chunks already on disk again without rewriting them
        for (int i = 0; i < CHUNKS; i++) {
            try (PinnedChunk p = handles.get(i).pin()) {
                TestChunks.verify(p.chunk(), i, ROWS);
            }
        }
        assertTrue(store.spillWrites() <= writes + 10, "blocks are reused: " + writes + " -> " + store.spillWrites());

        handles.get(3).close();
        handles.get(3).close(); // idempotent
        assertThrows(IllegalStateException.class, () -> handles.get(3).pin());
        assertEquals(CHUNKS - 1, store.chunkCount());
    }

    @Test
    void pinnedChunksAreNeverEvicted() {
        List<ChunkHandle> handles = fill();
        try (PinnedChunk a = handles.get(10).pin(); PinnedChunk b = handles.get(10).pin()) {
            a.close();
            for (int i = 0; i < CHUNKS; i++) {
                handles.get(i).pin().close();
                assertTrue(handles.get(10).isResident());
            }
            TestChunks.verify(b.chunk(), 10, ROWS);
            assertThrows(IllegalStateException.class, () -> handles.get(10).close(), "pinned handle cannot close");
            assertThrows(IllegalStateException.class, a::chunk);
        }
    }

    @Test
    void concurrentPinsStayCorrect() throws Exception {
        List<ChunkHandle> handles = fill();
        AtomicLong checks = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int it = 0; it < 100; it++) {
                        int i = it % 10 == 0 ? 7 : rnd.nextInt(CHUNKS); // some contention on one handle
                        try (PinnedChunk p = handles.get(i).pin()) {
                            TestChunks.verify(p.chunk(), i, ROWS);
                            checks.incrementAndGet();
                        }
                        if (budget.used() > budget.limit()) {
                            throw new AssertionError("over budget: " + budget.used());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertEquals(400, checks.get());
        assertTrue(store.unspills() > 0);
    }

    @Test
    void closeWithAPinnedChunkThrowsButFreesEverything() {
        List<ChunkHandle> handles = fill();
        PinnedChunk pinned = handles.get(0).pin();
        PinnedChunk other = handles.get(5).pin();
        IllegalStateException e = assertThrows(IllegalStateException.class, store::close);
        assertTrue(e.getMessage().contains("2 chunk(s) still pinned"), e.getMessage());
        assertEquals(0, budget.used());
        assertEquals(0, store.spillableBytes());
        pinned.close();
        other.close();
        store.close(); // idempotent, no second exception
        assertThrows(IllegalStateException.class, () -> handles.get(1).pin());
        try (Chunk late = TestChunks.build(budget, 99, 10)) {
            assertThrows(IllegalStateException.class, () -> store.put(late));
        }
    }
    @Test
    void spillingAndReadingBackTenThousandChunksCreatesABoundedNumberOfArenas() {
        // issue #20: each chunk was its own shared arena, whose close is a handshake with every thread
        int chunks = 10_000;
        List<ChunkHandle> handles = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            handles.add(store.put(TestChunks.build(budget, i, 100))); // about 5 KB each, 1 MiB budget
        }
        assertTrue(store.spillWrites() > chunks * 9L / 10, "most were spilled: " + store);
        for (int i = 0; i < chunks; i++) {
            try (PinnedChunk p = handles.get(i).pin()) {
                if (i % 97 == 0) {
                    TestChunks.verify(p.chunk(), i, 100);
                }
            }
        }
        assertTrue(store.unspills() > chunks * 9L / 10, "most were read back: " + store);
        var stats = budget.pool().stats();
        assertTrue(stats.get("pool.arenasCreated") < 200, "arenas are reused, not made per chunk: " + stats);
        assertTrue(stats.get("pool.hits") > 2L * chunks * 9 / 10, stats.toString());
        for (ChunkHandle h : handles) {
            h.close();
        }
    }
}
