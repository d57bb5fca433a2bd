package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.sum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.ProcessMemory;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The memory limit bounds the process: a child JVM started as {@code ./spillway} starts one (its heap from
 * {@link Spillway.Builder#heapFor}) runs a group by with many groups, a grace hash join and a sort on data 8x
 * its memory limit, and its peak RSS ({@code VmHWM}) stays under {@code limit + Spillway.JVM_OVERHEAD}; with a heap as
 * large as the limit (the launcher's default heap and a limit set in code), under
 * {@link BudgetSplit#maxRss heap + limit / 4 + JVM_OVERHEAD}.
 * Linux only (it reads {@code /proc/self/status}).
 */
@Tag("outofcore")
class ProcessRssTest {
    /** The child's memory limit. */
    static final long LIMIT = 96L << 20;

    @TempDir
    Path dir;

    /**
     * Rows of (id int64, k int64 with rows/4 distinct values in a scattered order, s string of 9-14 bytes, v float64):
     * about 48 bytes a row in chunks.
     */
    record Rows(long rows) implements RowGenerator {
        static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.INT64),
                new Field("s", DataType.STRING), new Field("v", DataType.FLOAT64));

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public void fill(long fromRow, int n, List<VectorBuilder> builders) {
            RowGenerator.checkFill(this, fromRow, n, builders);
            long groups = Math.max(1, rows / 4);
            for (long i = fromRow; i < fromRow + n; i++) {
                long h = mix(i);
                ((LongVectorBuilder) builders.get(0)).append(i);
                ((LongVectorBuilder) builders.get(1)).append(Math.floorMod(h, groups));
                ((StringVectorBuilder) builders.get(2)).append("user" + (h >>> 40));
                ((DoubleVectorBuilder) builders.get(3)).append((h & 0xFFFF) / 64.0);
            }
        }

        static long mix(long x) {
            long z = x * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            return z ^ (z >>> 31);
        }
    }

    /** The child: {@code args} = memory limit in bytes, rows, spill directory. Prints one line per step, then "peak N". */
    public static final class Child {
        private Child() {
        }

        /** Runs the three operators and reports the peak RSS. */
        public static void main(String[] args) {
            long limit = Long.parseLong(args[0]);
            long rows = Long.parseLong(args[1]);
            try (Spillway sw = Spillway.builder().memoryLimit(limit).spillDir(args[2]).progress(false).build()) {
                System.out.println("start " + sw.memory());
                DataFrame x = sw.generate(new Rows(rows));
                System.out.println("generated " + sw.memory());
                DataFrame g = x.groupBy("k").agg(count().as("n"), sum("v").as("sv")).collect();
                System.out.println("group by: " + g.count() + " groups; " + sw.memory());
                DataFrame keys = g.select("k", "n");
                long joined = x.join(keys, "k").count();
                g.unpersist();
                System.out.println("join: " + joined + " rows; " + sw.memory());
                DataFrame sorted = x.sort(desc("v"), desc("id")).collect();
                System.out.println("sort: " + sorted.count() + " rows; " + sw.memory());
                sorted.unpersist();
                System.out.println("counters " + sw.counters());
                System.out.println("peak " + ProcessMemory.peakRss());
            }
        }
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void peakRssStaysUnderTheLimitPlusTheJvmOverhead() throws Exception {
        long heap = Spillway.Builder.heapFor(LIMIT); // as ./spillway with SPILLWAY_MEMORY
        runChild(heap, 8 * LIMIT / 48, LIMIT + Spillway.JVM_OVERHEAD); // 8x the limit in chunk bytes
    }

    /** The shape of {@code ./spillway} without SPILLWAY_MEMORY and a limit set in code: a heap as large as the limit. */
    @Test
    void aHeapAsLargeAsTheLimitLeavesChunksAQuarterOfIt() throws Exception {
        BudgetSplit split = Spillway.Builder.budgetSplit(LIMIT, LIMIT);
        assertEquals(LIMIT / 4, split.offHeap());
        runChild(LIMIT, 4 * LIMIT / 48, split.maxRss(LIMIT)); // heap + limit / 4 + overhead
    }

    private void runChild(long heap, long rows, long bound) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessMemory.peakRss() > 0, "needs Linux /proc/self/status");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xmx" + (heap >> 20) + "m",
                "-cp", classPath(), Child.class.getName(), Long.toString(LIMIT), Long.toString(rows), dir.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child did not finish");
        } finally {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), out);
        long peak = peakOf(out);
        System.out.println(out + "peak RSS " + MemoryBudget.formatBytes(peak) + " (bound " + MemoryBudget.formatBytes(bound) + ")");
        assertTrue(out.contains("join.partitioned"), "the join must run out of core (grace): " + out);
        assertTrue(peak > 0 && peak <= bound, "peak RSS " + MemoryBudget.formatBytes(peak) + " exceeds the bound "
                + MemoryBudget.formatBytes(bound) + " (limit " + MemoryBudget.formatBytes(LIMIT) + ", heap " + MemoryBudget.formatBytes(heap)
                + ", JVM overhead " + MemoryBudget.formatBytes(Spillway.JVM_OVERHEAD) + "):\n" + out);
    }

    private static long peakOf(String out) throws IOException {
        return out.lines().filter(l -> l.startsWith("peak ")).mapToLong(l -> Long.parseLong(l.substring(5).strip())).findFirst()
                .orElseThrow(() -> new IOException("the child printed no peak:\n" + out));
    }
}
