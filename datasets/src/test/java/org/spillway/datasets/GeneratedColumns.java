package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Rows of a generator as plain Java arrays, one per column: {@code double[]} for float64,
 * {@code int[]} for int32, {@code String[]} for strings.
 */
final class GeneratedColumns {
    final Schema schema;
    final Object[] columns;
    final int rows;

    private GeneratedColumns(Schema schema, Object[] columns, int rows) {
        this.schema = schema;
        this.columns = columns;
        this.rows = rows;
    }

    double[] doubles(String name) {
        return (double[]) columns[schema.indexOf(name)];
    }

    int[] ints(String name) {
        return (int[]) columns[schema.indexOf(name)];
    }

    String[] strings(String name) {
        return (String[]) columns[schema.indexOf(name)];
    }

    /** Rows {@code [from, from + count)} filled by one call. */
    static GeneratedColumns fill(RowGenerator g, long from, int count) {
        Schema s = g.schema();
        List<VectorBuilder> bs = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            bs.add(VectorBuilder.forType(s.type(i), count));
        }
        g.fill(from, count, bs);
        Object[] cols = new Object[s.size()];
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < s.size(); i++) {
                assertEquals(count, bs.get(i).size(), "values in column " + s.field(i).name());
                cols[i] = toArray(bs.get(i).build(arena), count);
            }
        }
        return new GeneratedColumns(s, cols, count);
    }

    /** All rows, filled in blocks of {@code block} rows in a shuffled order on {@code threads} threads, then put in order. */
    static GeneratedColumns fillShuffled(RowGenerator g, int block, int threads, long shuffleSeed) throws Exception {
        int n = Math.toIntExact(g.rows());
        int blocks = (n + block - 1) / block;
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            order.add(b);
        }
        java.util.Collections.shuffle(order, new java.util.Random(shuffleSeed));
        GeneratedColumns[] parts = new GeneratedColumns[blocks];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int b : order) {
                fs.add(pool.submit(() -> {
                    long from = (long) b * block;
                    parts[b] = fill(g, from, (int) Math.min(block, n - from));
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Schema s = g.schema();
        Object[] cols = new Object[s.size()];
        for (int i = 0; i < s.size(); i++) {
            Object all = java.lang.reflect.Array.newInstance(parts.length == 0 ? Object.class
                    : parts[0].columns[i].getClass().getComponentType(), n);
            int at = 0;
            for (GeneratedColumns p : parts) {
                System.arraycopy(p.columns[i], 0, all, at, p.rows);
                at += p.rows;
            }
            cols[i] = all;
        }
        return new GeneratedColumns(s, cols, n);
    }

    private static Object toArray(ColumnVector v, int n) {
        return switch (v) {
            case DoubleVector d -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = d.get(i);
                }
                yield a;
            }
            case IntVector iv -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = iv.get(i);
                }
                yield a;
            }
            case StringVector sv -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = sv.getString(i);
                }
                yield a;
            }
            default -> throw new AssertionError("unexpected vector " + v);
        };
    }

    /** Every column equal, values compared exactly (doubles bit for bit). */
    void assertSame(GeneratedColumns o) {
        assertEquals(schema, o.schema);
        assertEquals(rows, o.rows);
        for (int i = 0; i < columns.length; i++) {
            String what = "column " + schema.field(i).name();
            switch (columns[i]) {
                case double[] a -> {
                    double[] b = (double[]) o.columns[i];
                    for (int r = 0; r < rows; r++) {
                        assertEquals(Double.doubleToRawLongBits(a[r]), Double.doubleToRawLongBits(b[r]), what + " row " + r);
                    }
                }
                case int[] a -> assertArrayEquals(a, (int[]) o.columns[i], what);
                case String[] a -> assertArrayEquals(a, (String[]) o.columns[i], what);
                default -> throw new AssertionError();
            }
        }
    }

    /**
     * Checks that {@code csv} holds a header of the schema's names and exactly these rows: numbers
     * parse (correctly rounded, {@link Double#parseDouble}) to the very values filled.
     */
    void assertCsvEquals(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.US_ASCII);
        assertEquals(String.join(",", schema.names()), lines.getFirst(), "header");
        assertEquals(rows + 1, lines.size(), "lines of " + csv);
        for (int r = 0; r < rows; r++) {
            String[] f = lines.get(r + 1).split(",", -1);
            assertEquals(columns.length, f.length, "fields of line " + (r + 2));
            for (int i = 0; i < columns.length; i++) {
                String what = "line " + (r + 2) + ", column " + schema.field(i).name() + ": " + f[i];
                switch (columns[i]) {
                    case double[] a -> {
                        assertEquals(Double.doubleToRawLongBits(a[r]), Double.doubleToRawLongBits(Double.parseDouble(f[i])), what);
                        assertEquals(true, f[i].contains(".") && !f[i].contains("E"), "plain decimal: " + what);
                    }
                    case int[] a -> assertEquals(a[r], Integer.parseInt(f[i]), what);
                    case String[] a -> assertEquals(a[r], f[i], what);
                    default -> throw new AssertionError();
                }
            }
        }
    }

    /** The rank-based AUC of {@code score} for labels {@code y} (1 positive), ties counted half. */
    static double auc(double[] score, int[] y) {
        int n = score.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[idx[k]] == 1) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * How well predicted probabilities {@code p} match outcomes {@code hit}: rows are sorted by
     * {@code p} into {@code bins} equal bins, and in each the gap between the share of hits and the
     * mean of {@code p} is divided by the tolerance {@code 4 standard errors + 0.003}. Returns the
     * largest ratio (at most 1: calibrated) and describes the worst bin in {@code report[0]}.
     */
    static double miscalibration(double[] p, boolean[] hit, int bins, String[] report) {
        int n = p.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(p[a], p[b]));
        double worst = 0;
        for (int b = 0; b < bins; b++) {
            int lo = (int) ((long) n * b / bins);
            int hi = (int) ((long) n * (b + 1) / bins);
            double expected = 0;
            double var = 0;
            int hits = 0;
            for (int k = lo; k < hi; k++) {
                double q = p[idx[k]];
                expected += q;
                var += q * (1 - q);
                hits += hit[idx[k]] ? 1 : 0;
            }
            int m = hi - lo;
            double se = Math.sqrt(var) / m;
            double ratio = Math.abs(hits / (double) m - expected / m) / (4 * se + 0.003);
            if (ratio > worst) {
                worst = ratio;
                report[0] = "bin " + b + " of " + bins + ": observed " + hits / (double) m + ", predicted " + expected / m
                        + " (standard error " + se + ")";
            }
        }
        return worst;
    }
}
