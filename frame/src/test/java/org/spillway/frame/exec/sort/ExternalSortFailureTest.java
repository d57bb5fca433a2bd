package org.spillway.frame.exec.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.desc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spillway.frame.exec.pipeline.Counters;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.MorselScheduler;
import org.spillway.parallel.ProgressListener;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.ChunkStore;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.file.SpillDirectory;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * An external sort that fails in its merge, while key ranges are being merged on the workers (some
 * done, some running, some not started) or while groups of runs are merged into longer runs, leaks
 * nothing: no reservation holds bytes, no chunk handle (hence no pin and no spill block) is left, the
 * spill files go with the store, and the same context then sorts correctly. The failure is injected
 * through the progress listener of the failing phase, which the scheduler treats like a failing
 * morsel.
 */
class ExternalSortFailureTest {
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.INT32),
            new Field("s", DataType.STRING));
    static final int ROWS = 200_000;

    @TempDir
    Path dir;
    MemoryBudget budget;
    SpillDirectory spill;
    ChunkStore store;
    MorselScheduler scheduler;
    Counters counters;
    String failTask;
    int failAtProgress;
    final AtomicInteger progressCalls = new AtomicInteger();
    ExecContext ctx;

    @BeforeEach
    void open() {
        budget = new MemoryBudget(2 << 20);
        spill = SpillDirectory.create(dir);
        store = new ChunkStore(budget, spill, "frames");
        scheduler = new MorselScheduler(2);
        counters = new Counters();
        AtomicInteger ids = new AtomicInteger();
        ctx = new ExecContext(budget, store, scheduler, 256, (task, unit) -> task.equals(failTask) ? failing() : ProgressListener.NONE,
                ids::incrementAndGet, counters);
    }

    private ProgressListener failing() {
        return new ProgressListener() {
            @Override
            public void onStart(long totalWeight, int morsels) {
                if (failAtProgress == 0) {
                    throw new IllegalStateException("injected failure at the start of " + failTask);
                }
            }

            @Override
            public void onProgress(long doneWeight, int doneMorsels) {
                if (progressCalls.incrementAndGet() == failAtProgress) {
                    throw new IllegalStateException("injected failure after " + doneMorsels + " morsels of " + failTask);
                }
            }
        };
    }

    @AfterEach
    void close() throws Exception {
        store.close(); // throws if a chunk is still pinned
        scheduler.close();
        budget.close(); // throws if a reservation still holds bytes
        spill.close();
        try (Stream<Path> s = Files.walk(dir)) {
            assertFalse(s.anyMatch(Files::isRegularFile), "spill files left in " + dir);
        }
    }

    @ParameterizedTest(name = "failing in [{0}] at progress call {1}")
    @CsvSource({"sort (merge), 0", "sort (merge), 1", "sort (merge), 3", "sort (merge runs), 0", "sort (merge runs), 1"})
    void aSortFailingInItsMergeLeaksNothing(String task, int at) {
        failTask = task;
        failAtProgress = at;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sort(ROWS, 5).close());
        assertTrue(e.getMessage().startsWith("injected failure"), e.getMessage());
        assertTrue(counters.get("sort.runs") > 40, "many runs were written: " + counters.snapshot());
        if (task.equals("sort (merge)")) {
            assertTrue(counters.get("sort.ranges") >= 4, "the failure hit the parallel final merge: " + counters.snapshot());
        }
        assertEquals(0, store.chunkCount(), "every run chunk and output chunk was closed");
        assertEquals(0, budget.used(), "nothing reserved after the failure: " + budget.liveReservations());
        for (Reservation r : budget.liveReservations()) {
            assertEquals(0, r.bytes(), r.toString());
        }

        // the same context sorts correctly afterwards
        failTask = null;
        try (StoredFrame sorted = sort(30_000, 6)) {
            List<long[]> rows = read(sorted);
            List<long[]> want = new ArrayList<>(input(30_000, 6));
            want.sort(java.util.Comparator.<long[]>comparingLong(r -> r[1]).thenComparing((x, y) -> Long.compare(y[2], x[2])));
            assertEquals(want.size(), rows.size());
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i)[0], rows.get(i)[0], "row " + i);
            }
        }
        assertEquals(0, budget.used(), budget.liveReservations().toString());
    }

    /** Rows (id, k, s as a number) of the input: k with many ties, s = "v" + a number of 1 to 6 digits. */
    static List<long[]> input(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new long[] {i, r.nextInt(50), r.nextInt(1_000_000)});
        }
        return out;
    }

    /** Sorts the input by (k, s desc) through ExternalSort, two workers taking alternate chunks. */
    private StoredFrame sort(int n, long seed) {
        ExternalSort sorter = new ExternalSort(SCHEMA, 3, new int[] {1, 2}, List.of(asc("k"), desc("s")), -1, ctx);
        Terminal<SortWorker, List<SortWorker>> t = sorter.terminal();
        List<SortWorker> workers = List.of(t.newLocal(), t.newLocal());
        List<long[]> rows = input(n, seed);
        try {
            int seq = 0;
            for (int from = 0; from < n; from += 256, seq++) {
                try (Chunk c = chunk(rows.subList(from, Math.min(n, from + 256)))) {
                    assertFalse(t.accept(workers.get(seq % 2), seq, 0, c, false));
                }
            }
        } catch (RuntimeException | Error e) {
            t.abort(workers);
            throw e;
        }
        return sorter.finish(t.finish(workers), "sorted");
    }

    private Chunk chunk(List<long[]> rows) {
        LongVectorBuilder id = (LongVectorBuilder) VectorBuilder.forType(DataType.INT64, rows.size());
        IntVectorBuilder k = (IntVectorBuilder) VectorBuilder.forType(DataType.INT32, rows.size());
        StringVectorBuilder s = (StringVectorBuilder) VectorBuilder.forType(DataType.STRING, rows.size());
        for (long[] r : rows) {
            id.append(r[0]);
            k.append((int) r[1]);
            // zero-padded so that string order is number order: "v000042"
            s.append(String.format("v%06d", r[2]));
        }
        return Chunk.build(SCHEMA, List.of(id, k, s), budget, "test input");
    }

    private static List<long[]> read(StoredFrame f) {
        List<long[]> out = new ArrayList<>();
        for (ChunkHandle h : f.chunks()) {
            try (PinnedChunk p = h.pin()) {
                Chunk c = p.chunk();
                LongVector id = (LongVector) c.column(0);
                for (int i = 0; i < c.rows(); i++) {
                    out.add(new long[] {id.get(i)});
                }
            }
        }
        return out;
    }

    @org.junit.jupiter.api.Test
    void theFailureIsTheOriginalException() {
        failTask = "sort (merge)";
        failAtProgress = 2;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sort(ROWS, 8).close());
        assertTrue(e.getMessage().contains("after"), e.getMessage());
        assertSame(IllegalStateException.class, e.getClass());
        assertEquals(0, store.chunkCount());
    }
}
