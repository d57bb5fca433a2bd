package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;

class GroupByDataTest {
    private static final String HEADER = "id1,id2,id3,id4,id5,id6,v1,v2,v3";
    private static final Pattern V3 = Pattern.compile("\\d{1,2}(\\.\\d{0,5}[1-9])?");

    @TempDir
    Path tmp;

    /** The data lines of a CSV file, after checking the header. */
    private static List<String> body(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertEquals(HEADER, lines.getFirst(), "header of " + file);
        return lines.subList(1, lines.size());
    }

    private List<String> generate(GroupByData g) throws IOException {
        Path file = tmp.resolve(g.tableName() + "-" + System.nanoTime() + ".csv");
        long bytes = g.writeCsv(file);
        assertEquals(Files.size(file), bytes);
        List<String> rows = body(file);
        Files.delete(file);
        return rows;
    }

    private static String[] fields(String row) {
        String[] f = row.split(",", -1);
        assertEquals(9, f.length, row);
        return f;
    }

    /** data.table's setkey order on id1..id6: nulls (empty) first, strings by bytes, ints numerically. */
    private static final Comparator<String> KEY_ORDER = (x, y) -> {
        String[] a = x.split(",", -1);
        String[] b = y.split(",", -1);
        for (int c = 0; c < 6; c++) {
            int d;
            if (a[c].isEmpty() || b[c].isEmpty()) {
                d = Boolean.compare(!a[c].isEmpty(), !b[c].isEmpty());
            } else if (c < 3) {
                d = a[c].compareTo(b[c]);
            } else {
                d = Integer.compare(Integer.parseInt(a[c]), Integer.parseInt(b[c]));
            }
            if (d != 0) {
                return d;
            }
        }
        return 0;
    };

    @Test
    void tableNamesFollowDbBenchmark() {
        assertEquals("G1_1e7_1e2_0_0", GroupByData.of(10_000_000, 100).tableName());
        assertEquals("G1_1e8_1e1_5_1", GroupByData.of(100_000_000, 10).nas(5).sorted(true).tableName());
        assertEquals("G1_1e9_2e0_0_1", GroupByData.of(1_000_000_000, 2).sorted(true).tableName());
        assertEquals("G1_5e6_1e3_0_0", GroupByData.of(5_000_000, 1000).tableName());
        assertEquals("G1_12345_25_10_0", GroupByData.of(12345, 25).nas(10).tableName());
        assertEquals("G1_1e0_1e0_0_0", GroupByData.of(1, 1).tableName());
        assertEquals("1e5", GroupByData.prettyCount(100_000));
        assertEquals("2e6", GroupByData.prettyCount(2_000_000));
        assertEquals("110", GroupByData.prettyCount(110));
        assertEquals("0", GroupByData.prettyCount(0));
        GroupByData g = GroupByData.of(1000, 10).nas(5).sorted(true).seed(7);
        assertEquals(1000, g.rows());
        assertEquals(10, g.k());
        assertEquals(100, g.smallGroups());
        assertEquals(5, g.nas());
        assertTrue(g.sorted());
        assertEquals(7, g.seed());
        assertEquals(GroupByData.DEFAULT_SEED, GroupByData.of(1, 1).seed());
        assertEquals("G1_1e3_1e1_5_1 (seed 7)", g.toString());
    }

    @Test
    void schemaDescribesTheHeader() {
        assertEquals(List.of(HEADER.split(",")), GroupByData.columnNames());
        Map<String, String> types = GroupByData.columnTypes();
        assertEquals(GroupByData.columnNames(), List.copyOf(types.keySet()));
        for (String t : types.values()) {
            assertEquals(t, DataType.parse(t).displayName());
        }
    }

    @Test
    void writesHeaderAndRowsToTheTableFile() throws IOException {
        GroupByData g = GroupByData.of(1000, 10).nas(5);
        Path file = g.writeCsvInto(tmp.resolve("sub"));
        assertEquals(tmp.resolve("sub").resolve("G1_1e3_1e1_5_0.csv"), file);
        assertEquals(1000, body(file).size());
        try (var s = Files.list(tmp.resolve("sub"))) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
        // replaced in place; an empty table is just the header
        assertEquals(HEADER.length() + 1, GroupByData.of(0, 10).writeCsv(file));
        assertEquals(List.of(HEADER), Files.readAllLines(file));
        assertEquals(HEADER.length() + 1, GroupByData.of(0, 10).sorted(true).writeCsv(file));
    }

    @Test
    void sameParametersGiveSameBytesOnAnyThreadCount() throws IOException {
        GroupByData g = GroupByData.of(100_003, 10).nas(5); // crosses several 32768-row blocks
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        g.writeCsv(a);
        g.threads(1).writeCsv(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        g.threads(3).writeCsv(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        g.seed(109).writeCsv(b);
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));

        GroupByData s = GroupByData.of(30_000, 10).nas(5).sorted(true);
        s.writeCsv(a);
        s.threads(1).sortBudget(997).writeCsv(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        s.threads(3).sortBudget(5000).writeCsv(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    /** Pins the generated bytes, so any change of the value model (which would change every table) is noticed. */
    @Test
    void outputIsPinned() throws IOException {
        Path file = tmp.resolve("pinned.csv");
        GroupByData.of(10_000, 10).nas(5).writeCsv(file);
        List<String> rows = body(file);
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        System.out.printf("pinned: %s crc %08x%n", rows.getFirst(), crc.getValue());
        assertEquals(PINNED_FIRST_ROW, rows.getFirst());
        assertEquals(PINNED_CRC, crc.getValue());
    }

    private static final String PINNED_FIRST_ROW = "id008,id008,id0000000194,3,10,288,3,13,32.925078";
    private static final long PINNED_CRC = 0x7312516bL;

    @Test
    void valuesFollowTheSpecification() throws IOException {
        int n = 200_000;
        int k = 100;
        List<String> rows = generate(GroupByData.of(n, k));
        assertEquals(n, rows.size());
        List<Set<String>> distinct = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
            distinct.add(new HashSet<>());
        }
        long sumV1 = 0;
        double sumV3 = 0;
        for (String row : rows) {
            String[] f = fields(row);
            for (int c = 0; c < 9; c++) {
                assertFalse(f[c].isEmpty(), row);
                distinct.get(c).add(f[c]);
            }
            assertTrue(f[0].matches("id\\d{3}") && f[1].matches("id\\d{3}") && f[2].matches("id\\d{10}"), row);
            int id1 = Integer.parseInt(f[0].substring(2));
            int id3 = Integer.parseInt(f[2].substring(2));
            int id4 = Integer.parseInt(f[3]);
            int id6 = Integer.parseInt(f[5]);
            int v1 = Integer.parseInt(f[6]);
            int v2 = Integer.parseInt(f[7]);
            assertTrue(id1 >= 1 && id1 <= k && id4 >= 1 && id4 <= k, row);
            assertTrue(id3 >= 1 && id3 <= n / k && id6 >= 1 && id6 <= n / k, row);
            assertTrue(v1 >= 1 && v1 <= 5 && v2 >= 1 && v2 <= 15, row);
            assertTrue(V3.matcher(f[8]).matches(), row);
            double v3 = Double.parseDouble(f[8]);
            assertTrue(v3 >= 0 && v3 < 100, row);
            sumV1 += v1;
            sumV3 += v3;
        }
        for (int c : new int[] {0, 1, 3, 4}) {
            assertEquals(k, distinct.get(c).size(), "distinct values of " + HEADER.split(",")[c]);
        }
        // N/K = 2000 values drawn 200000 times: all of them occur
        assertEquals(n / k, distinct.get(2).size());
        assertEquals(n / k, distinct.get(5).size());
        assertEquals(5, distinct.get(6).size());
        assertEquals(15, distinct.get(7).size());
        assertTrue(distinct.get(8).size() > n * 0.99, "v3 values are nearly all distinct");
        assertEquals(3.0, (double) sumV1 / n, 0.02);
        assertEquals(50.0, sumV3 / n, 0.5);
        // rows differ between columns: id1 and id2 are independent draws
        long same = rows.stream().map(GroupByDataTest::fields).filter(f -> f[0].equals(f[1])).count();
        assertEquals(n / (double) k, same, 0.15 * n / k);

        // small K: id3/id6 have N/K levels, and fewer of them occur
        List<String> few = generate(GroupByData.of(10_000, 2));
        Set<String> id6 = new HashSet<>();
        for (String row : few) {
            int v = Integer.parseInt(fields(row)[5]);
            assertTrue(v >= 1 && v <= 5000, row);
            id6.add(fields(row)[5]);
        }
        assertTrue(id6.size() < 5000 && id6.size() > 4000, "distinct id6 " + id6.size());
    }

    @Test
    void nullsMaskWholeIdValuesAndAnExactShareOfValueRows() throws IOException {
        int n = 100_000;
        int k = 100;
        List<String> clean = generate(GroupByData.of(n, k).seed(3));
        List<String> holed = generate(GroupByData.of(n, k).seed(3).nas(5));
        assertEquals(n, holed.size());
        int[] nullRows = new int[9];
        List<Set<String>> nulledValues = new ArrayList<>();
        List<Set<String>> keptValues = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
            nulledValues.add(new HashSet<>());
            keptValues.add(new HashSet<>());
        }
        int v1AndV2 = 0;
        int v1FirstHalf = 0;
        for (int i = 0; i < n; i++) {
            String[] a = fields(clean.get(i));
            String[] b = fields(holed.get(i));
            for (int c = 0; c < 9; c++) {
                assertFalse(a[c].isEmpty());
                if (b[c].isEmpty()) {
                    nullRows[c]++;
                    nulledValues.get(c).add(a[c]);
                } else {
                    assertEquals(a[c], b[c], "nulls only mask values, row " + i);
                    keptValues.get(c).add(a[c]);
                }
            }
            if (b[6].isEmpty() && b[7].isEmpty()) {
                v1AndV2++;
            }
            if (b[6].isEmpty() && i < n / 2) {
                v1FirstHalf++;
            }
        }
        for (int c = 0; c < 6; c++) {
            String col = HEADER.split(",")[c];
            int levels = c == 2 || c == 5 ? n / k : k;
            // every row of a nulled value is null: no nulled value is kept anywhere
            Set<String> both = new HashSet<>(nulledValues.get(c));
            both.retainAll(keptValues.get(c));
            assertEquals(Set.of(), both, col + ": values both nulled and kept");
            assertEquals(levels * 5 / 100, nulledValues.get(c).size(), col + ": nulled distinct values");
            assertEquals(levels - levels * 5 / 100, keptValues.get(c).size(), col);
            double share = (double) nullRows[c] / n;
            assertTrue(share > 0.03 && share < 0.07, col + " null share " + share);
        }
        for (int c = 6; c < 9; c++) {
            assertEquals(n * 5 / 100, nullRows[c], HEADER.split(",")[c] + ": exactly 5% of rows");
        }
        // v columns pick their null rows independently and spread over the table
        assertEquals(n * 0.05 * 0.05, v1AndV2, 100);
        assertEquals(n * 0.05 / 2, v1FirstHalf, 200);
        // the id columns pick different values
        assertNotEquals(nulledValues.get(3), nulledValues.get(4));

        // nas = 100: everything is null
        for (String row : generate(GroupByData.of(1000, 10).nas(100))) {
            assertEquals(",,,,,,,,", row);
        }
    }

    @Test
    void sortedTableIsTheUnsortedTableStablySorted() throws IOException {
        // K >= 1000 makes id1/id2 strings of different widths ("id1000" < "id101" < "id999")
        checkSorted(GroupByData.of(60_000, 1200).nas(10), 0);
        checkSorted(GroupByData.of(60_000, 1200).nas(10), 2_000);
        checkSorted(GroupByData.of(20_000, 10).nas(5), 0);
        // K above the bucket count: id1 ranks are sliced into buckets (5001 ranks, 2048 buckets)
        checkSorted(GroupByData.of(20_000, 5000).nas(5), 0);
        checkSorted(GroupByData.of(20_000, 5000).nas(5), 40);
        // few keys, many nulls: buckets larger than the budget are refined or split by row index
        checkSorted(GroupByData.of(20_000, 2).nas(50), 300);
        checkSorted(GroupByData.of(5_000, 3).nas(100), 700);
        checkSorted(GroupByData.of(5_000, 1), 100);
    }

    private void checkSorted(GroupByData unsorted, int budget) throws IOException {
        GroupByData sorted = unsorted.sorted(true);
        if (budget > 0) {
            sorted = sorted.sortBudget(budget);
        }
        List<String> expected = new ArrayList<>(generate(unsorted));
        expected.sort(KEY_ORDER); // List.sort is stable: ties keep the unsorted order
        List<String> actual = generate(sorted);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.map(Path::toString).filter(f -> f.endsWith(".tmp")).toList(),
                    "temporary files are deleted");
        }
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), sorted + " row " + i);
        }
    }

    @Test
    void lexicographicOrderOfWideIds() {
        for (int k : new int[] {1, 99, 100, 999, 1000, 1001, 1234, 10_000, 12_345}) {
            int[] order = G1Model.lexicographicOrder(k);
            Integer[] byString = new Integer[k];
            for (int x = 0; x < k; x++) {
                byString[x] = x;
            }
            Arrays.sort(byString, Comparator.comparing(x -> G1Model.idString(x + 1, 3)));
            for (int pos = 0; pos < k; pos++) {
                assertEquals(pos, order[byString[pos]], "k=" + k + " position " + pos);
            }
        }
    }

    @Test
    void fillGivesTheCsvValues() throws IOException {
        for (GroupByData g : List.of(GroupByData.of(20_000, 10).nas(5),
                GroupByData.of(20_000, 10).nas(5).sorted(true).sortBudget(3_000))) {
            List<String> csv = generate(g);
            GroupByData.Batch batch = new GroupByData.Batch(1000);
            List<String> filled = new ArrayList<>();
            for (long from = 0; from < g.rows(); from += 777) {
                int count = (int) Math.min(777, g.rows() - from);
                g.fill(from, count, batch);
                assertEquals(count, batch.size);
                for (int x = 0; x < count; x++) {
                    filled.add(format(batch, x));
                }
            }
            assertEquals(csv, filled, g.toString());
            // random access, also backwards
            g.fill(19_000, 1000, batch);
            assertEquals(csv.get(19_500), format(batch, 500));
            g.fill(10, 5, batch);
            assertEquals(csv.get(12), format(batch, 2));
        }
        GroupByData g = GroupByData.of(100, 10);
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(90, 11, new GroupByData.Batch(20)));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(0, 21, new GroupByData.Batch(20)));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(-1, 1, new GroupByData.Batch(20)));
    }

    /** A batch row as the CSV line the generator writes. */
    private static String format(GroupByData.Batch b, int x) {
        return String.join(",",
                b.id1[x] == null ? "" : b.id1[x],
                b.id2[x] == null ? "" : b.id2[x],
                b.id3[x] == null ? "" : b.id3[x],
                b.id4Null[x] ? "" : Integer.toString(b.id4[x]),
                b.id5Null[x] ? "" : Integer.toString(b.id5[x]),
                b.id6Null[x] ? "" : Integer.toString(b.id6[x]),
                b.v1Null[x] ? "" : Integer.toString(b.v1[x]),
                b.v2Null[x] ? "" : Integer.toString(b.v2[x]),
                b.v3Null[x] ? "" : new java.math.BigDecimal(Double.toString(b.v3[x])).stripTrailingZeros().toPlainString());
    }

    @Test
    void keyedPermutationIsABijection() {
        for (long size : new long[] {1, 2, 3, 7, 8, 100, 1000, 65_537, 1 << 20}) {
            KeyedPermutation p = new KeyedPermutation(size, size * 31);
            boolean[] seen = new boolean[(int) size];
            for (long x = 0; x < size; x++) {
                long y = p.apply(x);
                assertTrue(y >= 0 && y < size);
                assertFalse(seen[(int) y], "size " + size + ": " + y + " twice");
                assertEquals(x, p.invert(y), "size " + size + ": inverse of " + y);
                seen[(int) y] = true;
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> GroupByData.of(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> GroupByData.of(10, 0));
        assertThrows(IllegalArgumentException.class, () -> GroupByData.of(1L << 40, 1));
        assertThrows(IllegalArgumentException.class, () -> GroupByData.of(10, 1).nas(101));
        assertThrows(IllegalArgumentException.class, () -> GroupByData.of(10, 1).nas(-1));
        assertThrows(IllegalArgumentException.class, () -> new GroupByData.Batch(-1));
    }

    @Test
    void writesMillionsOfRowsPerSecond() throws IOException {
        int n = 3_000_000;
        Path file = tmp.resolve("speed.csv");
        GroupByData g = GroupByData.of(n, 100);
        g.writeCsv(file); // warm-up
        long t0 = System.nanoTime();
        g.writeCsv(file);
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("groupby: %.2f M rows/s on %d processors%n", rate / 1e6,
                Runtime.getRuntime().availableProcessors());
        // a loose bound so that a loaded CI machine does not fail the build
        assertTrue(rate > 500_000, "rows/s " + rate);
    }
}
