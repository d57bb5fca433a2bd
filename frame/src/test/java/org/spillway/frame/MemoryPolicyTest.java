package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.on;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.spillway.frame.exec.pipeline.MemoryPolicy;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.memory.Reservation;

/**
 * The one memory policy: operators spill through the consumer protocol (counted per operator), no operator
 * catches the budget's exception, and a budget failure names the operator instance.
 */
@SpillwayTest
class MemoryPolicyTest {
    private static final long MIB = 1L << 20;

    SpillwaySessions sessions;

    /**
     * Another revocable consumer of the session holding most of the budget: asked to revoke, it gives back
     * 2 MiB at a time (on its own thread, as an operator would at its next chunk). Keeps the budget short,
     * so the operators under test must spill, without making them fail.
     */
    static final class Hog implements AutoCloseable {
        final MemoryConsumer consumer;
        final Reservation held;
        final Thread thread;
        volatile boolean stop;
        /** Whether it gives memory back when asked (off: asked operators must spill their own state). */
        volatile boolean giving = true;

        Hog(MemoryBudget budget, long bytes) {
            Reservation[] r = new Reservation[1];
            consumer = budget.register("TestHog", () -> r[0] == null ? 0 : r[0].bytes());
            held = r[0] = consumer.reserve("hog", bytes);
            thread = new Thread(() -> {
                long seen = consumer.revokeEpoch();
                while (!stop) {
                    long e = consumer.revokeEpoch();
                    if (e != seen && giving) {
                        seen = e;
                        long give = Math.min(2 * MIB, held.bytes());
                        held.shrink(give);
                        consumer.revoked(give);
                    }
                    Thread.onSpinWait();
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Grows the hog until the budget less what it holds is about {@code left} bytes, spilling the chunk
         * store to make room (in halving steps, so it stops short instead of failing).
         */
        void leave(MemoryBudget budget, long left) {
            long want = budget.limit() - left - held.bytes();
            for (long step = want; step >= 64 << 10 && held.bytes() < budget.limit() - left; step /= 2) {
                while (held.bytes() + step <= budget.limit() - left && held.growIfRoom(step)) {
                    // grown by step
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
            held.close();
            consumer.close();
        }
    }

    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("g", DataType.INT64),
            new Field("s", DataType.STRING), new Field("v", DataType.FLOAT64));

    static List<Object[]> rows(int n) {
        List<Object[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Object[] {(long) i, (long) (i * 7919L % 200_003), "s" + (i % 1000), (double) (i % 10)});
        }
        return out;
    }

    @Test
    void underAShortBudgetTheGroupBySortAndJoinSpillThroughTheCallback() throws Exception {
        Spillway sw = sessions.open("64m", 2, 4096);
        int n = 300_000;
        DataFrame df = sw.createDataFrame(SCHEMA, rows(n));
        long free = sw.budget().free();
        // 2 MiB left: the aggregate's tables are short before they reach 65,536 groups, where keys that hardly repeat
        // (as these) go to the partitions without being short (with 8 MiB left that race failed 1 run in 6 under load)
        try (Hog hog = new Hog(sw.budget(), Math.max(0, free - 2 * MIB))) {
            hog.giving = false; // the aggregate spills its own tables (else it may just wait for the hog's memory)
            List<Row> groups = df.groupBy("g").agg(Functions.count(), Functions.sum("v")).rows();
            hog.giving = true;
            assertEquals(Math.min(n, 200_003), groups.size());
            long total = 0;
            for (Row r : groups) {
                total += ((Number) r.get(1)).longValue();
            }
            assertEquals(n, total);

            List<Row> sorted = df.sort(Functions.desc("g"), Functions.asc("id")).rows();
            assertEquals(n, sorted.size());
            for (int i = 1; i < n; i++) {
                long a = sorted.get(i - 1).getLong("g");
                long b = sorted.get(i).getLong("g");
                assertTrue(a > b || a == b && sorted.get(i - 1).getLong("id") < sorted.get(i).getLong("id"), "row " + i);
            }

            // the join's build side is within its share, but the budget cannot hold its table now: it partitions
            hog.leave(sw.budget(), 3 * MIB);
            DataFrame right = df.select("id", "v").withColumnRenamed("v", "w");
            Row joined = df.join(right, on("id")).agg(Functions.count(), Functions.sum("w")).rows().getFirst();
            assertEquals(n, ((Number) joined.get(0)).longValue());
            assertEquals(n / 10 * 45.0, ((Number) joined.get(1)).doubleValue(), 1e-6);
        }
        Map<String, Long> c = sw.counters();
        assertTrue(c.getOrDefault("memory.revokes.HashAggregate", 0L) > 0, c.toString());
        assertTrue(c.getOrDefault("memory.revokes.ExternalSort", 0L) > 0, c.toString());
        assertTrue(c.getOrDefault("memory.revokes.HashJoin", 0L) > 0, c.toString());
        assertTrue(c.getOrDefault("memory.revokeRequests.TestHog", 0L) > 0, "the budget asked the other consumer: " + c);
    }

    @Test
    void aBudgetFailureNamesTheOperatorInstance() {
        Spillway sw = sessions.open("64m", 2, 65_536);
        DataFrame df = sw.createDataFrame(SCHEMA, rows(50_000)); // one chunk: pinned while it is aggregated
        // all but 256 KiB is held by a consumer that cannot spill: the aggregate's first table does not fit
        MemoryConsumer hogs = sw.budget().register("TestHog");
        try (Reservation hog = hogs.newReservation("hog")) {
            assertTrue(hog.tryGrow(sw.budget().free() - (256 << 10)));
            RuntimeException e = assertThrows(RuntimeException.class, () -> df.groupBy("g").agg(Functions.sum("v")).rows());
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertTrue(messages.toString().matches("(?s).*HashAggregate#\\d+ \\(group by\\) needs .*"), messages.toString());
            assertTrue(messages.toString().contains("TestHog#"), messages.toString());
        }
    }

    /** Operators learn about a short budget from return values and requests, never by catching its exception. */
    @Test
    void noOperatorCatchesTheBudgetsException() throws IOException {
        Path main = Path.of("src/main/java/org/spillway/frame");
        List<String> found = new ArrayList<>();
        for (Path dir : List.of(main.resolve("exec"), main.resolve("io/parquet"))) {
            assertTrue(Files.isDirectory(dir), dir.toAbsolutePath().toString());
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    if (text.matches("(?s).*catch \\([^)]*BudgetExceededException.*")) {
                        found.add(f.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void theShareRuleKeepsTheNumbers() {
        try (MemoryBudget b = new MemoryBudget(64 * MIB, false)) {
            MemoryPolicy p = new MemoryPolicy(b, 4);
            assertEquals(8 * MIB, p.workerShare());
            assertEquals(8 * MIB, p.sortRunBytes());
            assertEquals(256 << 10, p.sortRunChunkBytes());
            assertEquals(32 * MIB, p.joinBuildBytes());
            assertEquals(8 * MIB, p.gracePartitionBuffers());
            assertEquals(16 * MIB, p.sortCachedRunsBytes());
            try (MemoryBudget small = new MemoryBudget(MIB, false)) {
                assertEquals(64 << 10, new MemoryPolicy(small, 64).workerShare());
            }
            assertEquals(1 << 17, MemoryPolicy.defaultChunkRows(1L << 40, 4));
            assertEquals(1024, MemoryPolicy.defaultChunkRows(MIB, 4));
        }
    }
}
