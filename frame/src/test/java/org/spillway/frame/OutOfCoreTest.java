package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.on;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Events;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;

/**
 * Data several times larger than both the memory budget and the test JVM's heap ({@code -Xmx64m},
 * see frame/pom.xml): ingest, collect (which must spill), queries over spilled chunks, results equal
 * to DuckDB's, nothing left behind, and a failing query that leaks nothing.
 */
@Tag("outofcore")
@SpillwayTest(memoryLimit = "8m")
class OutOfCoreTest {
    @TempDir
    static Path dir;
    static Path data;
    static long csvBytes;
    static final long ROWS = 1_200_000;

    @BeforeAll
    static void generate() throws Exception {
        data = Files.createDirectories(dir.resolve("events"));
        csvBytes = Events.rows(ROWS).seed(3).writeCsv(data, 4);
        long heap = Runtime.getRuntime().maxMemory();
        assertTrue(csvBytes > heap, "the data (" + csvBytes + " bytes) must exceed the heap (" + heap + ")");
    }

    @Test
    void collectSpillsAndQueriesMatchDuckDb(Spillway sw) throws Exception {
        String glob = data + "/events-*.csv";
        long expectedDe = DuckOracle.scalarLong("SELECT count(*) FROM read_csv('" + glob
                + "') WHERE amount > 100 AND country = 'DE'");
        long expectedQty = DuckOracle.scalarLong("SELECT sum(quantity) FROM read_csv('" + glob + "') WHERE NOT returned");
        DataFrame events = sw.readCsv(glob);
        assertEquals(ROWS, events.count());
        assertEquals(expectedDe, events.filter(col("amount").gt(100).and(col("country").eq("DE"))).count());

        DataFrame all = events.collect();
        assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
        assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
        assertEquals(ROWS, all.count());
        assertEquals(expectedDe, all.filter(col("amount").gt(100).and(col("country").eq("DE"))).count());
        long qty = all.filter(col("returned").not()).select("quantity")
                .reduceChunks(() -> new long[1], (acc, c) -> {
                    IntVector v = (IntVector) c.column(0);
                    for (int i = 0; i < c.rows(); i++) {
                        acc[0] += v.get(i);
                    }
                }, (a, b) -> new long[] {a[0] + b[0]})[0];
        assertEquals(expectedQty, qty);
        long idSum = all.select("id").reduceChunks(() -> new long[1], (acc, c) -> {
            // the generator's id is inferred as int32 (it fits), int64 on larger data
            for (int i = 0; i < c.rows(); i++) {
                acc[0] += c.column(0) instanceof IntVector iv ? iv.get(i) : ((LongVector) c.column(0)).get(i);
            }
        }, (a, b) -> new long[] {a[0] + b[0]})[0];
        assertEquals(ROWS * (ROWS + 1) / 2, idSum);
        // id is increasing, so statistics skip all but the last chunks
        assertEquals(1000, all.filter(col("id").gt(ROWS - 1000)).count());
        Map<String, Long> c = sw.counters();
        // blocks of 64 KiB and more get a slab each (SegmentPool), so under this budget a chunk's vectors are mostly such
        // slabs: reuse shows as more hits than slabs made (ChunkStoreTest bounds the slabs of 10,000 small chunks)
        assertTrue(c.get("pool.hits") > c.get("pool.arenasCreated"), "chunk memory is reused, not an arena per chunk: " + c);
        // the extension checks on close that no spill file is left
    }

    @Test
    void aFailingQueryLeaksNothing(SpillwaySessions sessions) throws Exception {
        Path spill = sessions.spillRoot();
        Spillway sw = sessions.open();
        DataFrame events = sw.readCsv(data + "/events-*.csv");
        DataFrame all = events.collect();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> all.withColumn("boom", col("id").multiply(Long.MAX_VALUE / 1000)).collect());
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        sw.close(); // throws if a reservation or pin leaked
        assertEquals(0, sw.budget().used());
        assertFalse(hasFiles(spill), "spill files left behind in " + spill);
    }

    @Test
    void externalSortOfEightTimesTheBudgetMatchesDuckDb(SpillwaySessions sessions) throws Exception {
        String glob = data + "/events-*.csv";
        String src = "read_csv('" + glob + "')";
        // the stable order: equal (country, amount) keep input order, which is id order
        long expectedSum = DuckOracle.scalarLong("SELECT sum(r * id) FROM (SELECT id, row_number() OVER "
                + "(ORDER BY country, amount DESC NULLS LAST, id) AS r FROM " + src + ")");
        List<List<Object>> expectedTop = DuckOracle.query("SELECT id FROM " + src
                + " ORDER BY amount DESC NULLS LAST, country DESC, id LIMIT 7");
        Path spill = sessions.spillRoot();
        Path out = dir.resolve("sorted.csv");
        try (Spillway sw = sessions.open()) { // closed here: the file is checked after the session is gone
            assertTrue(csvBytes > 8 * sw.memoryLimit(), "the data must be 8x the budget: " + csvBytes);
            DataFrame events = sw.readCsv(glob);
            events.sort(Functions.asc("country"), Functions.desc("amount")).writeCsv(out.toString());
            assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
            assertEquals(expectedTop.stream().map(r -> r.getFirst()).toList(),
                    events.sort(Functions.desc("amount"), Functions.desc("country")).limit(7).column("id").stream()
                            .map(DuckOracle::normalise).toList());
        }
        assertFalse(hasFiles(spill), "spill files left behind in " + spill);
        // check the order line by line (heap stays small) and a checksum of (position, id) against DuckDB
        long rows = 0;
        long sum = 0;
        String prevCountry = null;
        double prevAmount = 0;
        long prevId = 0;
        try (java.io.BufferedReader r = Files.newBufferedReader(out)) {
            String header = r.readLine();
            assertEquals("id,user,country,category,amount,quantity,ts,returned", header);
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",", -1);
                long id = Long.parseLong(f[0]);
                String country = f[2];
                double amount = f[4].isEmpty() ? Double.NEGATIVE_INFINITY : Double.parseDouble(f[4]); // nulls last
                if (prevCountry != null) {
                    int c = prevCountry.compareTo(country);
                    boolean ordered = c < 0 || (c == 0 && (prevAmount > amount || (prevAmount == amount && prevId < id)));
                    assertTrue(ordered, "row " + rows + " out of order: " + line);
                }
                rows++;
                sum += rows * id;
                prevCountry = country;
                prevAmount = amount;
                prevId = id;
            }
        }
        assertEquals(ROWS, rows);
        assertEquals(expectedSum, sum);
    }

    @Test
    @SpillwayTest(memoryLimit = "4m")
    void joinOfTwoSidesEachEightTimesTheBudgetMatchesDuckDb(Spillway sw) throws Exception {
        org.spillway.datasets.JoinData jd = org.spillway.datasets.JoinData.of(1_000_000);
        Path x = dir.resolve("x.csv");
        Path big = dir.resolve("big.csv");
        long bytes = jd.writeCsv(org.spillway.datasets.JoinData.Table.X, x) + jd.writeCsv(org.spillway.datasets.JoinData.Table.BIG, big);
        assertTrue(bytes > Runtime.getRuntime().maxMemory(), "the data must exceed the heap: " + bytes);
        String dx = "read_csv('" + x + "')";
        String db = "read_csv('" + big + "')";
        List<Object> inner = DuckOracle.queryRow("SELECT count(*), sum(x.v1), sum(b.v2) FROM " + dx + " x JOIN " + db
                + " b ON x.id3 = b.id3");
        List<Object> left = DuckOracle.queryRow("SELECT count(*), sum(x.v1), sum(b.v2), count(b.id1) FROM " + dx + " x LEFT JOIN "
                + db + " b ON x.id6 = b.id6");
        DataFrame xs = sw.readCsv(x.toString());
        DataFrame bs = sw.readCsv(big.toString());
        assertTrue(Files.size(x) > 8 * sw.memoryLimit() && Files.size(big) > 8 * sw.memoryLimit(), "each side must be 8x the budget");
        Row r = xs.join(bs, on("id3")).agg(Functions.count(), Functions.sum("v1"), Functions.sum("v2")).rows().getFirst();
        assertSame(inner, r);
        r = xs.join(bs, on("id6"), JoinType.LEFT)
                .agg(Functions.count(), Functions.sum("v1"), Functions.sum("v2"), Functions.count("id1_right")).rows().getFirst();
        assertSame(left, r);
        assertTrue(sw.counters().getOrDefault("join.partitioned", 0L) >= 2, sw.counters().toString());
        assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
        assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
    }

    @Test
    @SpillwayTest(memoryLimit = "2m")
    void skewedJoinWhereOneKeyHoldsHalfTheRowsMatchesDuckDb(Spillway sw) throws Exception {
        Path l = dir.resolve("skew-left.csv");
        Path r = dir.resolve("skew-right.csv");
        try (java.io.BufferedWriter w = Files.newBufferedWriter(r)) {
            w.write("k,w\n");
            for (int i = 0; i < 600_000; i++) {
                w.write((i % 2 == 0 ? 0 : i) + "," + (i % 1000) + "\n"); // key 0 holds half the rows
            }
        }
        try (java.io.BufferedWriter w = Files.newBufferedWriter(l)) {
            w.write("k,v\n");
            for (int i = 0; i < 400_000; i++) {
                w.write((i < 3 ? 0 : 2 * i + 1) + "," + (i % 7) + "\n");
            }
        }
        String dl = "read_csv('" + l + "')";
        String dr = "read_csv('" + r + "')";
        DataFrame left = sw.readCsv(l.toString());
        DataFrame right = sw.readCsv(r.toString());
        for (JoinType t : List.of(JoinType.INNER, JoinType.LEFT, JoinType.ANTI)) {
            String sql = t == JoinType.ANTI
                    ? "SELECT count(*), sum(v), sum(v) FROM " + dl + " a WHERE NOT EXISTS (SELECT 1 FROM " + dr + " b WHERE a.k = b.k)"
                    : "SELECT count(*), sum(v), sum(w) FROM " + dl + " a " + t + " JOIN " + dr + " b ON a.k = b.k";
            List<Object> expected = DuckOracle.queryRow(sql);
            DataFrame j = left.join(right, on("k"), t);
            Row got = j.agg(Functions.count(), Functions.sum("v"), Functions.sum(t == JoinType.ANTI ? "v" : "w").as("s2")).rows().getFirst();
            assertSame(expected, got);
        }
        assertTrue(sw.counters().getOrDefault("join.pieces", 0L) > 1, "the skewed partition is joined in pieces: " + sw.counters());
        assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
    }

    /** DuckDB's (count, sums...) equal Spillway's row, sums to a relative 1e-9. */
    private static void assertSame(List<Object> expected, Row actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(DuckOracle.same(expected.get(i), actual.get(i)), "column " + i + ": DuckDB " + expected + ", Spillway " + actual.values());
        }
    }

    static boolean hasFiles(Path p) throws Exception {
        if (!Files.exists(p)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.anyMatch(Files::isRegularFile);
        }
    }
}
