package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Flights;
import org.spillway.datasets.Synthetic;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/** {@link Spillway#generate}: frames made from generators without a file. */
@SpillwayTest
class GenerateTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    private static final Synthetic DATA = Synthetic.classification(60_000).numericFeatures(6).categoricalFeatures(2, 7)
            .positiveRate(0.3).seed(5);

    private static void assertSameFrame(DataFrame expected, DataFrame actual) {
        assertTrue(expected.schema().sameNamesAndTypes(actual.schema()), expected.schema() + "\nvs\n" + actual.schema());
        assertEquals(expected.count(), actual.count(), "rows");
        for (String c : expected.schema().names()) {
            assertEquals(expected.column(c), actual.column(c), "column " + c);
        }
    }

    private Spillway session(int parallelism, String memory, String spill) {
        return sessions.open(memory, parallelism, 4_096);
    }

    @Test
    void sameFrameAtParallelismOneAndTwo() {
        try (Spillway one = session(1, "64m", "s1"); Spillway two = session(2, "64m", "s2")) {
            DataFrame a = one.generate(DATA);
            DataFrame b = two.generate(DATA);
            assertEquals(DATA.schema(), a.schema());
            assertEquals(60_000, a.count());
            assertSameFrame(a, b);
            // rows are in generator order, whichever worker filled which block
            int[] index = two.generate(new IndexRows(50_000, -1, false, new AtomicInteger())).intColumn("i");
            for (int i = 0; i < index.length; i++) {
                assertEquals(i, index[i], "row " + i);
            }
            assertEquals(0, one.spilledBytes() + two.spilledBytes(), "64m holds this frame");
        }
    }

    @Test
    void underATinyBudgetChunksSpillAndEqualTheCsvRoute() throws Exception {
        Synthetic big = Synthetic.classification(200_000).numericFeatures(8).categoricalFeatures(2, 12).labelNoise(0.02).seed(9);
        Path csv = dir.resolve("big.csv");
        big.writeCsv(csv);
        Path spill = sessions.spillRoot();
        try (Spillway sw = sessions.open("2m", 2, 0)) {
            DataFrame g = sw.generate(big);
            assertTrue(sw.budget().spilledBytes() > 0, "200,000 rows of 8 doubles exceed 2m: " + sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
            assertTrue(g.count() == 200_000);
            assertSameFrame(sw.readCsv(csv.toString()), g);
            // an ordinary query over the spilled frame agrees with the CSV route too
            List<Row> fromFrame = g.groupBy("c0").agg(count().as("n"), Functions.mean("f3").as("m")).sort(Functions.asc("c0")).rows();
            List<Row> fromCsv = sw.readCsv(csv.toString()).groupBy("c0").agg(count().as("n"), Functions.mean("f3").as("m"))
                    .sort(Functions.asc("c0")).rows();
            assertEquals(fromCsv.size(), fromFrame.size());
            for (int i = 0; i < fromCsv.size(); i++) {
                Row e = fromCsv.get(i);
                Row a = fromFrame.get(i);
                assertEquals(e.get("c0"), a.get("c0"));
                assertEquals(e.getLong("n"), a.getLong("n"));
                // the same values summed in other chunks: equal up to rounding
                assertEquals(e.getDouble("m"), a.getDouble("m"), 1e-12 * Math.abs(e.getDouble("m")), "mean of f3 for " + e.get("c0"));
            }
        }
        assertFalse(OutOfCoreTest.hasFiles(spill), "spill files left behind in " + spill);
    }

    @Test
    void flightsEqualTheirCsv() throws Exception {
        Flights f = Flights.rows(30_000).seed(3);
        Path csv = dir.resolve("flights.csv");
        f.writeCsv(csv);
        try (Spillway sw = session(2, "32m", "flights")) {
            DataFrame g = sw.generate(f);
            assertSameFrame(sw.readCsv(csv.toString()), g);
            double rate = g.agg(Functions.mean("label").as("r")).rows().getFirst().getDouble("r");
            assertEquals(0.2, rate, 0.015);
        }
    }

    /**
     * Row i is (i, position of i in its block); the block starting at {@code failAt} throws, or with
     * {@code wrongCount} appends one value too few.
     */
    private record IndexRows(long rows, long failAt, boolean wrongCount, AtomicInteger calls) implements RowGenerator {
        @Override
        public Schema schema() {
            return Schema.of(new Field("i", DataType.INT32), new Field("pad", DataType.FLOAT64));
        }

        @Override
        public void fill(long fromRow, int count, List<VectorBuilder> builders) {
            calls.incrementAndGet();
            if (fromRow == failAt && !wrongCount) {
                throw new IllegalStateException("boom at row " + fromRow);
            }
            int n = fromRow == failAt ? count - 1 : count;
            for (int k = 0; k < n; k++) {
                ((IntVectorBuilder) builders.get(0)).append((int) (fromRow + k));
                builders.get(1).appendObject((double) k);
            }
        }
    }

    @Test
    void aFailingGeneratorLeaksNothing() throws Exception {
        Path spill = sessions.spillRoot();
        try (Spillway sw = sessions.open("2m", 2, 4_096)) {
            DataFrame kept = sw.generate(new IndexRows(100_000, -1, false, new AtomicInteger()));
            int before = sw.storedChunks();
            long usedBefore = sw.budget().used();
            long rows = 400_000; // 4.8 MB: 80 chunks (3.9 MB) spill before the failure
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> sw.generate(new IndexRows(rows, 4_096L * 80, false, new AtomicInteger())));
            assertEquals("boom at row 327680", e.getMessage());
            assertTrue(sw.budget().spilledBytes() > 0, "the failure came after spilling: " + sw.memoryReport());
            assertTrue(sw.budget().used() <= usedBefore, "nothing new stays reserved: " + sw.memoryReport());
            assertEquals(before, sw.storedChunks(), "every chunk made before the failure is dropped");

            SpillwayException wrong = assertThrows(SpillwayException.class,
                    () -> sw.generate(new IndexRows(rows, 4_096L * 3, true, new AtomicInteger())));
            assertTrue(wrong.getMessage().contains("appended 4095 values to column 'i' for rows [12288, 16384)"), wrong.getMessage());
            assertEquals(before, sw.storedChunks());

            // the session still works, and the frame made before is intact
            assertEquals(100_000, kept.count());
            assertEquals(99_999L * 100_000 / 2, kept.agg(Functions.sum("i").as("s")).rows().getFirst().getLong("s"));
            assertEquals(1_000, sw.generate(new IndexRows(1_000, -1, false, new AtomicInteger())).count());
        }
        assertFalse(OutOfCoreTest.hasFiles(spill), "spill files left behind in " + spill);
    }

    @Test
    void emptyGeneratorsAndZeroColumns() {
        try (Spillway sw = session(2, "16m", "empty")) {
            DataFrame none = sw.generate(Synthetic.regression(0).numericFeatures(3));
            assertEquals(0, none.count());
            assertEquals(List.of("f0", "f1", "f2", "label"), none.schema().names());
            RowGenerator noColumns = new RowGenerator() {
                @Override
                public Schema schema() {
                    return Schema.of();
                }

                @Override
                public long rows() {
                    return 10_000;
                }

                @Override
                public void fill(long fromRow, int count, List<VectorBuilder> builders) {
                    RowGenerator.checkFill(this, fromRow, count, builders);
                }
            };
            assertEquals(10_000, sw.generate(noColumns).count());
            AtomicInteger calls = new AtomicInteger();
            DataFrame small = sw.generate(new IndexRows(10_000, -1, false, calls));
            assertEquals(3, calls.get(), "one fill per chunk of 4,096 rows");
            assertEquals(10_000, small.filter(col("i").geq(0)).count());
            assertEquals(1, small.filter(col("i").eq(9_999)).count());
        }
        Spillway closed = session(1, "16m", "closed");
        closed.close();
        assertThrows(SpillwayException.class, () -> closed.generate(DATA));
    }

    @Test
    void scanGeneratorIsLazyAndEqualsTheStoredFrame() {
        try (Spillway one = session(1, "64m", "l1"); Spillway two = session(2, "64m", "l2")) {
            AtomicInteger calls = new AtomicInteger();
            DataFrame lazy = one.scanGenerator(new IndexRows(30_000, -1, false, calls));
            assertEquals(0, calls.get(), "nothing is generated before an action");
            assertTrue(lazy.explainString().contains("GeneratorScan"), lazy.explainString());
            assertEquals(30_000, lazy.count());
            int afterOne = calls.get();
            assertTrue(afterOne > 0);
            assertEquals(30_000, lazy.count());
            assertTrue(calls.get() > afterOne, "each action generates the rows again");
            assertSameFrame(one.generate(DATA), two.scanGenerator(DATA));
            // a projection keeps only the columns asked for, and filters see generator order
            DataFrame picked = two.scanGenerator(DATA).select("f2", "label");
            assertEquals(List.of("f2", "label"), picked.schema().names());
            assertEquals(one.generate(DATA).select("f2", "label").column("f2"), picked.column("f2"));
            DataFrame filtered = two.scanGenerator(new IndexRows(50_000, -1, false, new AtomicInteger())).filter(col("i").geq(49_990));
            assertEquals(10, filtered.count());
        }
    }

    @Test
    void scanGeneratorStreamsIntoParquetWithoutStoringTheRows() {
        Synthetic big = Synthetic.classification(300_000).numericFeatures(8).categoricalFeatures(2, 12).seed(3);
        Path out = dir.resolve("big.parquet");
        try (Spillway sw = sessions.open("4m", 2, 0)) {
            sw.scanGenerator(big).writeParquet(out.toString());
            assertEquals(0, sw.spilledBytes(), "streaming 300,000 rows of 8 doubles through 4m must not spill: " + sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
            DataFrame back = sw.readParquet(out.toString());
            assertEquals(300_000, back.count());
            assertEquals(sw.scanGenerator(big).column("f5"), back.column("f5"), "rows in generator order");
        }
    }

    @Test
    void scanGeneratorRefusesABadGenerator() {
        try (Spillway sw = session(1, "16m", "bad")) {
            assertThrows(SpillwayException.class, () -> sw.scanGenerator(new IndexRows(-3, -1, false, new AtomicInteger())));
            DataFrame wrong = sw.scanGenerator(new IndexRows(10_000, 0, true, new AtomicInteger()));
            SpillwayException e = assertThrows(SpillwayException.class, wrong::count);
            assertTrue(e.getMessage().contains("must append exactly count values"), e.getMessage());
        }
    }
}
