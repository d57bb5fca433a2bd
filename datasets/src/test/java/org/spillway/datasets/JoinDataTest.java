package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.JoinData.Table;
import org.spillway.spill.DataType;

class JoinDataTest {
    /** A v value as R's round(runif(n, max = 100), 6) printed in plain decimal: 0..100, up to six decimals. */
    private static final Pattern V = Pattern.compile("(100|\\d{1,2}(\\.\\d{0,5}[1-9])?)");

    @TempDir
    Path tmp;

    /** The data lines of a CSV file, after checking the header. */
    private static List<String> body(Path file, Table t) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertEquals(String.join(",", t.columnNames()), lines.getFirst(), "header of " + file);
        return lines.subList(1, lines.size());
    }

    private List<String> generate(JoinData g, Table t) throws IOException {
        Path file = tmp.resolve(g.tableName(t) + "-" + System.nanoTime() + ".csv");
        long bytes = g.writeCsv(t, file);
        assertEquals(Files.size(file), bytes);
        List<String> rows = body(file, t);
        Files.delete(file);
        return rows;
    }

    /** Column {@code c} (0 = id1, 1 = id2, 2 = id3) of a whole table, 0 for null. */
    private static int[] keys(JoinData g, Table t, int c, long from, int count) {
        int[] out = new int[count];
        JoinData.Batch b = new JoinData.Batch(Math.min(count, 65_536));
        for (int x = 0; x < count; x += b.capacity()) {
            int take = Math.min(b.capacity(), count - x);
            g.fill(t, from + x, take, b);
            int[] col = c == 0 ? b.id1 : c == 1 ? b.id2 : b.id3;
            System.arraycopy(col, 0, out, x, take);
        }
        return out;
    }

    private static int[] keys(JoinData g, Table t, int c) {
        return keys(g, t, c, 0, (int) g.rows(t));
    }

    private static BitSet set(int[] keys) {
        BitSet s = new BitSet();
        for (int k : keys) {
            s.set(k);
        }
        return s;
    }

    private static BitSet and(BitSet a, BitSet b) {
        BitSet s = (BitSet) a.clone();
        s.and(b);
        return s;
    }

    private static BitSet or(BitSet a, BitSet b) {
        BitSet s = (BitSet) a.clone();
        s.or(b);
        return s;
    }

    /** The share of {@code keys} found in {@code in}. */
    private static double matched(int[] keys, BitSet in) {
        long hits = Arrays.stream(keys).filter(in::get).count();
        return (double) hits / keys.length;
    }

    @Test
    void tableNamesAndSizesFollowDbBenchmark() {
        JoinData g = JoinData.of(10_000_000);
        assertEquals("J1_1e7_NA_0_0", g.tableName(Table.X));
        assertEquals("J1_1e7_1e1_0_0", g.tableName(Table.SMALL));
        assertEquals("J1_1e7_1e4_0_0", g.tableName(Table.MEDIUM));
        assertEquals("J1_1e7_1e7_0_0", g.tableName(Table.BIG));
        assertEquals("J1_1e7_1e4_0_0.csv", g.fileName(Table.MEDIUM));
        assertEquals(10_000_000, g.rows(Table.X));
        assertEquals(10, g.rows(Table.SMALL));
        assertEquals(10_000, g.rows(Table.MEDIUM));
        assertEquals(10_000_000, g.rows(Table.BIG));
        JoinData h = JoinData.of(100_000_000).nas(5).seed(7);
        assertEquals("J1_1e8_NA_5_0", h.tableName(Table.X));
        assertEquals("J1_1e8_1e2_5_0", h.tableName(Table.SMALL));
        assertEquals("J1_1e8_1e5_5_0", h.tableName(Table.MEDIUM));
        assertEquals("J1_1e8_1e8_5_0", h.tableName(Table.BIG));
        assertEquals("J1_1e8_NA_5_0 (seed 7)", h.toString());
        assertEquals(5, h.nas());
        assertEquals(7, h.seed());
        assertEquals(JoinData.DEFAULT_SEED, g.seed());
        // below 1e6 (R needs N >= 1e7) the right tables keep at least one row
        JoinData tiny = JoinData.of(12_345);
        assertEquals(1, tiny.rows(Table.SMALL));
        assertEquals(12, tiny.rows(Table.MEDIUM));
        assertEquals("J1_12345_1e0_0_0", tiny.tableName(Table.SMALL));
        assertEquals("J1_12345_12_0_0", tiny.tableName(Table.MEDIUM));
    }

    @Test
    void schemaFollowsTheRColumnOrder() {
        assertEquals(List.of("id1", "id2", "id3", "id4", "id5", "id6", "v1"), Table.X.columnNames());
        assertEquals(List.of("id1", "id4", "v2"), Table.SMALL.columnNames());
        assertEquals(List.of("id1", "id2", "id4", "id5", "v2"), Table.MEDIUM.columnNames());
        assertEquals(List.of("id1", "id2", "id3", "id4", "id5", "id6", "v2"), Table.BIG.columnNames());
        assertEquals(Map.of("id1", "int32", "id4", "string", "v2", "float64"), Table.SMALL.columnTypes());
        for (Table t : Table.values()) {
            assertEquals(t.columnNames(), List.copyOf(t.columnTypes().keySet()));
            for (String type : t.columnTypes().values()) {
                assertEquals(type, DataType.parse(type).displayName());
            }
            assertEquals(t == Table.X ? "v1" : "v2", t.valueColumn());
        }
        assertEquals("medium", Table.MEDIUM.label());
    }

    @Test
    void writesTheFourTablesIntoADirectory() throws IOException {
        JoinData g = JoinData.of(20_000).nas(5);
        Path dir = tmp.resolve("sub");
        Map<Table, Path> files = g.writeCsvInto(dir);
        assertEquals(List.of(Table.values()), List.copyOf(files.keySet()));
        assertEquals(dir.resolve("J1_2e4_NA_5_0.csv"), files.get(Table.X));
        assertEquals(dir.resolve("J1_2e4_1e0_5_0.csv"), files.get(Table.SMALL));
        assertEquals(dir.resolve("J1_2e4_2e1_5_0.csv"), files.get(Table.MEDIUM));
        assertEquals(dir.resolve("J1_2e4_2e4_5_0.csv"), files.get(Table.BIG));
        for (Table t : Table.values()) {
            assertEquals(g.rows(t), body(files.get(t), t).size(), t.label());
        }
        try (var s = Files.list(dir)) {
            assertEquals(4, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void sameParametersGiveSameBytesOnAnyThreadCount() throws IOException {
        JoinData g = JoinData.of(100_003).nas(5); // crosses several 32768-row blocks
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        for (Table t : Table.values()) {
            g.writeCsv(t, a);
            g.threads(1).writeCsv(t, b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), t.label());
            g.threads(3).writeCsv(t, b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), t.label());
            JoinData.of(100_003).nas(5).writeCsv(t, b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), t.label());
            if (g.rows(t) > 1) {
                g.seed(109).writeCsv(t, b);
                assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), t.label());
            }
        }
    }

    /** Pins the generated bytes, so any change of the value model (which would change every table) is noticed. */
    @Test
    void outputIsPinned() throws IOException {
        CRC32 crc = new CRC32();
        JoinData g = JoinData.of(10_000).nas(5);
        StringBuilder first = new StringBuilder();
        for (Table t : Table.values()) {
            Path file = tmp.resolve(t.label() + ".csv");
            g.writeCsv(t, file);
            crc.update(Files.readAllBytes(file));
            first.append(body(file, t).getFirst()).append(';');
        }
        System.out.printf("pinned: %s crc %08x%n", first, crc.getValue());
        assertEquals(PINNED_FIRST_ROWS, first.toString());
        assertEquals(PINNED_CRC, crc.getValue());
    }

    private static final String PINNED_FIRST_ROWS =
            "1,6,4768,id1,id6,id4768,9.594555;1,id1,30.159505;1,1,id1,id1,0.35907;1,3,2388,id1,id3,id2388,66.272102;";
    private static final long PINNED_CRC = 0x15d91b3fL;

    @Test
    void rowsHaveTheStringTwinsAndRoundedValues() throws IOException {
        JoinData g = JoinData.of(50_000).nas(10);
        for (Table t : Table.values()) {
            int ids = t.idColumns();
            double sum = 0;
            int values = 0;
            for (String row : generate(g, t)) {
                String[] f = row.split(",", -1);
                assertEquals(2 * ids + 1, f.length, row);
                for (int c = 0; c < ids; c++) {
                    String twin = f[c].isEmpty() ? "idNA" : "id" + f[c];
                    assertEquals(twin, f[ids + c], row);
                    if (!f[c].isEmpty()) {
                        int k = Integer.parseInt(f[c]);
                        long m = g.rows(Table.values()[c + 1]); // the key space of id(c+1): the rows of small, medium, big
                        assertTrue(k >= 1 && k <= m + m / 10, row);
                    }
                }
                String v = f[2 * ids];
                if (!v.isEmpty()) {
                    assertTrue(V.matcher(v).matches(), row);
                    double d = Double.parseDouble(v);
                    assertTrue(d >= 0 && d <= 100, row);
                    sum += d;
                    values++;
                }
            }
            if (values > 1000) {
                assertEquals(50, sum / values, 1.5, t.label() + " mean of v");
            }
        }
    }

    @Test
    void keySpacesAreSplitIntoSharedLeftOnlyAndRightOnly() {
        int n = 1_000_000;
        JoinData g = JoinData.of(n);
        int[] x3 = keys(g, Table.X, 2);
        int[] big3 = keys(g, Table.BIG, 2);
        BitSet sx3 = set(x3);
        BitSet sBig3 = set(big3);
        // sample_all with size == number of keys: each key exactly once
        assertEquals(n, sx3.cardinality(), "x.id3 is unique");
        assertEquals(n, sBig3.cardinality(), "big.id3 is unique");
        assertEquals(n - n / 10, and(sx3, sBig3).cardinality(), "shared id3 keys");
        assertEquals(n + n / 10, or(sx3, sBig3).cardinality(), "id3 key space");
        assertEquals(n + n / 10, or(sx3, sBig3).length() - 1, "keys are 1 .. 1.1 n");
        assertEquals(0.9, matched(x3, sBig3), 0.0, "exactly 90% of x rows match big on id3");
        JoinModel.KeySpace space3 = g.model().space(2);
        for (int k = 1; k <= n + n / 10; k++) {
            assertEquals(sx3.get(k) && sBig3.get(k), space3.isShared(k), "key " + k);
            assertEquals(sx3.get(k), space3.isLeft(k), "key " + k);
        }

        int m = n / 1000;
        int[] x2 = keys(g, Table.X, 1);
        int[] med2 = keys(g, Table.MEDIUM, 1);
        BitSet sx2 = set(x2);
        BitSet sMed2 = set(med2);
        assertEquals(m, sx2.cardinality(), "every left id2 key appears in x");
        assertEquals(m, med2.length);
        assertEquals(m, sMed2.cardinality(), "medium.id2 is unique");
        assertEquals(m - m / 10, and(sx2, sMed2).cardinality(), "shared id2 keys");
        assertEquals(m + m / 10, or(sx2, sMed2).cardinality(), "id2 key space");
        assertEquals(0.9, matched(x2, sMed2), 0.005, "about 90% of x rows match medium on id2");
        assertEquals(sMed2, set(keys(g, Table.BIG, 1)), "big.id2 holds every right id2 key");
        assertTrue(n > set(keys(g, Table.BIG, 1)).cardinality(), "big.id2 repeats keys (many-to-one)");

        // N = 1e6: a single id1 key, on both sides
        assertEquals(set(keys(g, Table.X, 0)), set(keys(g, Table.SMALL, 0)));
        assertEquals(1, set(keys(g, Table.BIG, 0)).cardinality());
    }

    @Test
    void smallKeysAtTheBenchmarkSize() {
        // N = 1e7: small has 10 rows = 9 shared + 1 right-only id1 keys; x's id1 is 9 shared + 1 left-only
        JoinData g = JoinData.of(10_000_000);
        int[] small = keys(g, Table.SMALL, 0);
        BitSet sSmall = set(small);
        assertEquals(10, sSmall.cardinality(), "small.id1 is unique");
        int[] x1 = keys(g, Table.X, 0, 5_000_000, 200_000);
        BitSet sx1 = set(x1);
        assertEquals(10, sx1.cardinality());
        assertEquals(9, and(sx1, sSmall).cardinality());
        assertEquals(11, or(sx1, sSmall).cardinality());
        assertEquals(11, or(sx1, sSmall).length() - 1);
        assertEquals(0.9, matched(x1, sSmall), 0.005);
        assertEquals(sSmall, set(keys(g, Table.MEDIUM, 0)), "medium.id1 holds every right id1 key");
        BitSet sMed2 = set(keys(g, Table.MEDIUM, 1));
        assertEquals(10_000, sMed2.cardinality(), "medium.id2 is unique");
        assertEquals(0.9, matched(keys(g, Table.X, 1, 0, 200_000), sMed2), 0.005);
        // x.id3 and big.id3 share 90% of their keys: check against the key space on a sample
        JoinModel.KeySpace space3 = g.model().space(2);
        int[] x3 = keys(g, Table.X, 2, 9_000_000, 200_000);
        long shared = Arrays.stream(x3).filter(space3::isShared).count();
        assertEquals(0.9, shared / 200_000.0, 0.005);
        assertTrue(Arrays.stream(x3).allMatch(space3::isLeft));
        assertTrue(Arrays.stream(keys(g, Table.BIG, 2, 0, 200_000)).noneMatch(k -> space3.isLeft(k) && !space3.isShared(k)),
                "big holds no left-only id3 key");
    }

    @Test
    void nullsMaskWholeKeysOfXAndAnExactShareOfV1() throws IOException {
        int n = 100_000;
        JoinData clean = JoinData.of(n);
        JoinData g = clean.nas(5);
        List<String> a = generate(clean, Table.X);
        List<String> b = generate(g, Table.X);
        long[] nullCells = new long[7];
        BitSet[] nonNull = {new BitSet(), new BitSet(), new BitSet()};
        BitSet[] nulled = {new BitSet(), new BitSet(), new BitSet()};
        for (int r = 0; r < n; r++) {
            String[] fa = a.get(r).split(",", -1);
            String[] fb = b.get(r).split(",", -1);
            for (int c = 0; c < 7; c++) {
                if (fb[c].isEmpty() || (c >= 3 && c < 6 && fb[c].equals("idNA"))) {
                    nullCells[c]++;
                    if (c < 3) {
                        nulled[c].set(Integer.parseInt(fa[c]));
                    }
                } else {
                    assertEquals(fa[c], fb[c], "row " + r + " column " + c);
                    if (c < 3) {
                        nonNull[c].set(Integer.parseInt(fb[c]));
                    }
                }
            }
        }
        int[] m = {1, 100, n};
        for (int c = 0; c < 3; c++) {
            assertEquals(m[c] * 5 / 100, nulled[c].cardinality(), "id" + (c + 1) + " null keys");
            assertFalse(nulled[c].intersects(nonNull[c]), "a null key is null in every row");
            assertEquals(nullCells[c], nullCells[c + 3], "id" + (c + 4) + " is idNA where id" + (c + 1) + " is null");
        }
        assertEquals(n * 5 / 100, nullCells[2], "id3 is unique: one row per null key");
        assertEquals(n * 5 / 100, nullCells[6], "v1 null rows");
        // the right tables have no nulls and do not depend on nas
        for (Table t : List.of(Table.SMALL, Table.MEDIUM, Table.BIG)) {
            assertEquals(generate(clean, t), generate(g, t), t.label());
        }
        // nas = 100: every key and value of x is null
        JoinData all = JoinData.of(1000).nas(100);
        for (String row : generate(all, Table.X)) {
            assertEquals(",,,idNA,idNA,idNA,", row);
        }
    }

    @Test
    void fillGivesTheCsvValues() throws IOException {
        JoinData g = JoinData.of(20_000).nas(5);
        for (Table t : Table.values()) {
            List<String> csv = generate(g, t);
            JoinData.Batch batch = new JoinData.Batch(1000);
            List<String> filled = new ArrayList<>();
            for (long from = 0; from < g.rows(t); from += 777) {
                int count = (int) Math.min(777, g.rows(t) - from);
                g.fill(t, from, count, batch);
                assertEquals(count, batch.size);
                for (int x = 0; x < count; x++) {
                    filled.add(format(t, batch, x));
                }
            }
            assertEquals(csv, filled, t.label());
        }
        g.fill(Table.X, 19_000, 1000, new JoinData.Batch(1000));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(Table.X, 19_990, 11, new JoinData.Batch(20)));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(Table.SMALL, 0, 2, new JoinData.Batch(20)));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(Table.X, 0, 21, new JoinData.Batch(20)));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(Table.X, -1, 1, new JoinData.Batch(20)));
    }

    /** A batch row as the CSV line the generator writes. */
    private static String format(Table t, JoinData.Batch b, int x) {
        List<String> f = new ArrayList<>();
        int[][] ids = {b.id1, b.id2, b.id3};
        boolean[][] nulls = {b.id1Null, b.id2Null, b.id3Null};
        String[][] twins = {b.id4, b.id5, b.id6};
        for (int c = 0; c < t.idColumns(); c++) {
            f.add(nulls[c][x] ? "" : Integer.toString(ids[c][x]));
        }
        for (int c = 0; c < t.idColumns(); c++) {
            f.add(twins[c][x]);
        }
        f.add(b.vNull[x] ? "" : new java.math.BigDecimal(Double.toString(b.v[x])).stripTrailingZeros().toPlainString());
        return String.join(",", f);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> JoinData.of(0));
        assertThrows(IllegalArgumentException.class, () -> JoinData.of(-1));
        assertThrows(IllegalArgumentException.class, () -> JoinData.of(2_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> JoinData.of(10).nas(101));
        assertThrows(IllegalArgumentException.class, () -> JoinData.of(10).nas(-1));
        assertThrows(IllegalArgumentException.class, () -> new JoinData.Batch(-1));
        JoinData.of(1_900_000_000L); // 1.1 N still fits an int
    }
}
