package org.spillway.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic generator of the db-benchmark "groupby" table {@code G1_<N>_<K>_<nas>_<sort>}, after
 * {@code _data/groupby-datagen.R} of h2oai/db-benchmark (also used by duckdblabs/db-benchmark).
 *
 * <p>Columns (header {@code id1,id2,id3,id4,id5,id6,v1,v2,v3}), each drawn independently and uniformly:
 * <ul>
 *   <li>{@code id1}, {@code id2} string: one of the K values {@code sprintf("id%03d", 1:K)}
 *       ({@code id001}, {@code id002}, ...; wider when K &ge; 1000);</li>
 *   <li>{@code id3} string: one of the N/K values {@code sprintf("id%010d", 1:(N/K))};</li>
 *   <li>{@code id4}, {@code id5} int32 in {@code 1..K}; {@code id6} int32 in {@code 1..N/K};</li>
 *   <li>{@code v1} int32 in {@code 1..5}; {@code v2} int32 in {@code 1..15};</li>
 *   <li>{@code v3} float64 uniform in {@code [0, 100)} with (at most) six decimals, e.g. {@code 23.574912}.</li>
 * </ul>
 * N/K is rounded down (at least 1) and must fit an int. With {@code nas > 0}, as in the R script: in each
 * id column, {@code floor(levels * nas / 100)} of its distinct values are chosen at random and become
 * null in every row holding them; in each v column exactly {@code floor(N * nas / 100)} random rows
 * are null. Nulls are empty fields in the CSV. The nulls only mask values: the table with {@code nas > 0}
 * equals the one with {@code nas = 0} (same seed) except for the null cells.
 *
 * <p>With {@link #sorted(boolean) sorted(true)} the rows are those of the unsorted table (same seed),
 * stably sorted by id1..id6 like data.table's {@code setkeyv(DT, paste0("id", 1:6))}: nulls first,
 * strings in byte (C-locale) order, integers numerically, ties in unsorted row order. The sort needs no
 * memory proportional to N: rows are regenerated from their index and materialised one key range of at
 * most {@code sortBudget} rows at a time (about {@code maxMemory / 192} rows, at least 65536, at most
 * 2^25); see {@link #writeCsv(Path)} and {@link #fill}.
 *
 * <p>Determinism: the bytes depend only on (N, K, nas, sort, seed), never on the machine, the thread
 * count or how {@link #fill} calls are split. Unsorted row {@code i} depends only on the seed and
 * {@code i}, so rows are generated in parallel.
 *
 * <p><b>Differences from the R script.</b> The distributions follow {@code groupby-datagen.R} but the
 * values do not reproduce R's: R's Mersenne Twister and {@code sample()} are replaced by a
 * counter-based SplitMix64 hash per cell, so the same seed (default 108, as {@code set.seed(108)})
 * gives different data than R. The null values of an id column are chosen among all its possible
 * values (R samples among the values that occur, which differs only when N/K values are not all
 * drawn, i.e. for tiny K), and their count is computed in integer arithmetic. v3 is drawn uniformly on
 * the grid of six-decimal values in {@code [0, 100)} (R rounds a uniform double, which can yield
 * {@code 100}). v3 is always printed as a plain decimal ({@code 0.000001} where R's {@code fwrite} would
 * print {@code 1e-06}). Table names print N and K as R's {@code pretty_sci} does for
 * {@code d * 10^e} with one digit {@code d} ({@code 1e7}, {@code 2e0}) and other numbers in full
 * ({@code 12345}, where R would print the wrong {@code 1e4}).
 *
 * <p>Instances are immutable and thread-safe:
 * {@code GroupByData.of(10_000_000, 100).nas(5).sorted(true).writeCsvInto(dir)} writes
 * {@code dir/G1_1e7_1e2_5_1.csv}.
 */
public final class GroupByData {
    /** The default seed: 108, the seed of the R script. */
    public static final long DEFAULT_SEED = 108;

    private static final List<String> COLUMN_NAMES = List.of("id1", "id2", "id3", "id4", "id5", "id6", "v1", "v2", "v3");
    private static final Map<String, String> COLUMN_TYPES;

    static {
        String[] types = {"string", "string", "string", "int32", "int32", "int32", "int32", "int32", "float64"};
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < types.length; i++) {
            m.put(COLUMN_NAMES.get(i), types[i]);
        }
        COLUMN_TYPES = Collections.unmodifiableMap(m);
    }

    private static final byte[] HEADER = (String.join(",", COLUMN_NAMES) + "\n").getBytes(StandardCharsets.US_ASCII);
    /** Rows formatted per parallel task; 4 MiB buffers at the maximal row length. */
    private static final int BLOCK_ROWS = 32_768;
    private static final int MAX_THREADS = 16;

    private final long n;
    private final int k;
    private final int nas;
    private final boolean sorted;
    private final long seed;
    /** Worker threads; 0 = one per available processor (at most 16). */
    private final int threads;
    /** Rows a sorted key range may hold; 0 = from the maximum heap size. */
    private final int sortBudget;

    private final Object lock = new Object();
    private volatile G1Model model;
    private volatile G1Sorter sorter;
    /** Two most recently materialised sorted segments for {@link #fill}: {index, rows}. */
    private int cachedSegment0 = -1;
    private long[] cachedRows0;
    private int cachedSegment1 = -1;
    private long[] cachedRows1;

    private GroupByData(long n, int k, int nas, boolean sorted, long seed, int threads, int sortBudget) {
        this.n = n;
        this.k = k;
        this.nas = nas;
        this.sorted = sorted;
        this.seed = seed;
        this.threads = threads;
        this.sortBudget = sortBudget;
    }

    /**
     * A generator of {@code n} rows with {@code k} groups per large id column: no nulls, unsorted, seed 108.
     *
     * @param n the number of rows, {@code >= 0}
     * @param k the number of distinct id1, id2, id4, id5 values, {@code >= 1}, with {@code n / k} fitting an int
     * @throws IllegalArgumentException for other values
     */
    public static GroupByData of(long n, int k) {
        if (n < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + n);
        }
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1: " + k);
        }
        if (n / k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("N/K must fit an int (id6 is int32): " + n + "/" + k);
        }
        return new GroupByData(n, k, 0, false, DEFAULT_SEED, 0, 0);
    }

    /**
     * The same generator with {@code percent} percent nulls: that share of the distinct values of each id
     * column, and of the rows of each v column, become null.
     *
     * @param percent 0..100
     * @throws IllegalArgumentException outside 0..100
     */
    public GroupByData nas(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("nas must be a percentage in 0..100: " + percent);
        }
        return new GroupByData(n, k, percent, sorted, seed, threads, sortBudget);
    }

    /** The same generator with rows sorted by id1..id6 ({@code true}, "sort = 1") or unsorted. */
    public GroupByData sorted(boolean sort) {
        return new GroupByData(n, k, nas, sort, seed, threads, sortBudget);
    }

    /** The same generator with another seed (the default is {@link #DEFAULT_SEED}). */
    public GroupByData seed(long seed) {
        return new GroupByData(n, k, nas, sorted, seed, threads, sortBudget);
    }

    /** Test hook: the same generator on {@code threads} worker threads (output is identical). */
    GroupByData threads(int threads) {
        return new GroupByData(n, k, nas, sorted, seed, Math.max(1, threads), sortBudget);
    }

    /** Test hook: the same generator sorting at most {@code rows} rows at a time (output is identical). */
    GroupByData sortBudget(int rows) {
        return new GroupByData(n, k, nas, sorted, seed, threads, Math.max(1, rows));
    }

    /** The number of rows N. */
    public long rows() {
        return n;
    }

    /** K: the number of distinct values of id1, id2, id4 and id5. */
    public int k() {
        return k;
    }

    /** N/K rounded down, at least 1: the number of distinct values of id3 and id6. */
    public int smallGroups() {
        return (int) Math.max(1, n / k);
    }

    /** The percentage of nulls (0 = none). */
    public int nas() {
        return nas;
    }

    /** Whether rows are sorted by id1..id6. */
    public boolean sorted() {
        return sorted;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The column names in header order: {@code id1, id2, id3, id4, id5, id6, v1, v2, v3}. */
    public static List<String> columnNames() {
        return COLUMN_NAMES;
    }

    /**
     * The schema in column order: name to type name ({@code string} for id1..id3, {@code int32} for
     * id4..id6, v1, v2, {@code float64} for v3), as understood by {@code org.spillway.spill.DataType.parse}.
     */
    public static Map<String, String> columnTypes() {
        return COLUMN_TYPES;
    }

    /**
     * The db-benchmark table name {@code G1_<N>_<K>_<nas>_<sort>}, e.g. {@code G1_1e7_1e2_0_0} or
     * {@code G1_1e8_2e0_5_1}; N and K are formatted by {@link #prettyCount}. The seed is not part of it.
     */
    public String tableName() {
        return "G1_" + prettyCount(n) + "_" + prettyCount(k) + "_" + nas + "_" + (sorted ? 1 : 0);
    }

    /**
     * Formats a count like db-benchmark's {@code pretty_sci}: {@code d * 10^e} with a single digit
     * {@code d} becomes {@code "<d>e<e>"} ({@code 10_000_000} to {@code 1e7}, {@code 100} to
     * {@code 1e2}, {@code 2} to {@code 2e0}, {@code 5_000_000} to {@code 5e6}); any other number is
     * written in full ({@code 12345}, {@code 25}, {@code 0}), so distinct counts get distinct names.
     */
    public static String prettyCount(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        if (count == 0) {
            return "0";
        }
        long d = count;
        int e = 0;
        while (d % 10 == 0) {
            d /= 10;
            e++;
        }
        return d < 10 ? d + "e" + e : Long.toString(count);
    }

    // ---------------------------------------------------------------- CSV

    /**
     * Writes the table as CSV with a header line to {@code file}, replacing it. The data go to a
     * temporary file in the same directory that is then moved onto {@code file}, so {@code file} never
     * holds a partial table. Rows are formatted on all available processors.
     *
     * <p>Unsorted tables stream at several million rows per second per core (about 10 million rows, 500
     * MB, per second on 2 cores). Sorted tables first scan all rows to plan key ranges of at most
     * {@code sortBudget} rows, then, if there are several ranges, scan once more to store each range's
     * row indices in a temporary file next to {@code file} (varint deltas, about one byte per row;
     * deleted afterwards), then sort and write one range at a time: about 2-4 times the unsorted time
     * (measured figures in bench/README.md, "Figures behind rules in the code").
     *
     * @param file the CSV file to create or replace; its directory is created if missing
     * @return the number of bytes written
     * @throws IOException if writing fails; the temporary file is then deleted
     */
    public long writeCsv(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        return CsvBlocks.writeAtomically(abs, out -> write(out, abs));
    }

    /**
     * Writes the table as CSV to {@code <dir>/<tableName()>.csv} (creating {@code dir} if missing), as
     * {@link #writeCsv(Path)} does. (Java cannot overload {@code writeCsv(Path)} by return type, hence
     * the name.)
     *
     * @param dir the directory to write into
     * @return the file written
     * @throws IOException if writing fails
     */
    public Path writeCsvInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(tableName() + ".csv");
        writeCsv(file);
        return file;
    }

    /**
     * Writes the header and all rows to {@code out} (not closed); returns the bytes written. Temporary
     * files, if any, go next to {@code file}.
     */
    private long write(OutputStream out, Path file) throws IOException {
        G1Model m = model();
        out.write(HEADER);
        long written = HEADER.length;
        if (n == 0) {
            return written;
        }
        try (Parallel par = new Parallel(threadCount());
             CsvBlocks w = new CsvBlocks(out, par, BLOCK_ROWS * G1Model.MAX_ROW_BYTES)) {
            if (!sorted) {
                for (long from = 0; from < n; from += BLOCK_ROWS) {
                    long start = from;
                    int count = (int) Math.min(BLOCK_ROWS, n - from);
                    w.add(buf -> {
                        int p = 0;
                        for (long i = start, end = start + count; i < end; i++) {
                            p = m.formatRow(i, buf, p);
                        }
                        return p;
                    });
                }
            } else {
                G1Sorter s = sorter();
                // with several segments, route rows once into a temporary file instead of a scan per segment
                G1SegmentRowFile lists = s.segmentCount() > 1
                        ? s.partition(tempSibling(file, "rows"), par) : null;
                try {
                    for (int seg = 0; seg < s.segmentCount(); seg++) {
                        long[] rows = lists != null ? s.rows(seg, lists.rows(seg), par) : s.rows(seg, par);
                        formatSorted(w, m, rows);
                    }
                } finally {
                    if (lists != null) {
                        lists.close();
                    }
                }
            }
            written += w.finish();
        }
        return written;
    }

    private static void formatSorted(CsvBlocks w, G1Model m, long[] rows) throws IOException {
        for (int from = 0; from < rows.length; from += BLOCK_ROWS) {
            int start = from;
            int end = Math.min(rows.length, from + BLOCK_ROWS);
            w.add(buf -> {
                int p = 0;
                for (int x = start; x < end; x++) {
                    p = m.formatRow(rows[x], buf, p);
                }
                return p;
            });
        }
    }

    /** A new hidden file name next to {@code file}: {@code .<name>.<pid>-<nanos>.<kind>.tmp}. */
    private static Path tempSibling(Path file, String kind) {
        return file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + "." + kind + ".tmp");
    }

    // ---------------------------------------------------------------- rows

    /**
     * Stores rows {@code fromRow .. fromRow + count - 1} (0-based, in table order) in {@code out}
     * positions {@code 0 .. count - 1} and sets {@code out.size = count}. The values equal those of the
     * CSV (v3 is {@code micros / 1e6}, the double nearest to the printed decimal). Runs in the calling
     * thread and may be called concurrently for different ranges, each with its own batch.
     *
     * <p>For unsorted tables any range is cheap. For sorted tables the first call plans the sort (one
     * scan of all rows, in parallel) and each call materialises the key ranges of at most
     * {@code sortBudget} rows it touches by scanning all rows again (in parallel; the last two ranges
     * are cached), so read sorted tables in ascending ranges: reading a whole sorted table costs about
     * {@code N / sortBudget} scans, which is slower than {@link #writeCsv(Path)} for big N.
     *
     * @param fromRow the first row, 0-based
     * @param count   the number of rows, at most {@code out.capacity()}
     * @param out     the batch to overwrite
     * @throws IndexOutOfBoundsException if the range is outside {@code [0, rows())} or {@code count}
     *                                   exceeds {@code out.capacity()}
     */
    public void fill(long fromRow, int count, Batch out) {
        if (fromRow < 0 || count < 0 || fromRow > n - count) {
            throw new IndexOutOfBoundsException("rows " + fromRow + " + " + count + " of " + n);
        }
        if (count > out.capacity()) {
            throw new IndexOutOfBoundsException("count " + count + " exceeds the batch capacity " + out.capacity());
        }
        G1Model m = model();
        if (!sorted) {
            for (int x = 0; x < count; x++) {
                m.fillRow(fromRow + x, out, x);
            }
        } else {
            G1Sorter s = sorter();
            int x = 0;
            while (x < count) {
                long row = fromRow + x;
                int seg = s.segmentOf(row);
                long[] rows = segmentRows(s, seg);
                int offset = (int) (row - s.segmentStart(seg));
                int take = Math.min(count - x, rows.length - offset);
                for (int y = 0; y < take; y++) {
                    m.fillRow(rows[offset + y], out, x + y);
                }
                x += take;
            }
        }
        out.size = count;
    }

    private long[] segmentRows(G1Sorter s, int seg) {
        synchronized (lock) {
            if (seg == cachedSegment0) {
                return cachedRows0;
            }
            if (seg == cachedSegment1) {
                long[] rows = cachedRows1;
                cachedSegment1 = cachedSegment0;
                cachedRows1 = cachedRows0;
                cachedSegment0 = seg;
                cachedRows0 = rows;
                return rows;
            }
            long[] rows;
            try (Parallel par = new Parallel(threadCount())) {
                rows = s.rows(seg, par);
            }
            cachedSegment1 = cachedSegment0;
            cachedRows1 = cachedRows0;
            cachedSegment0 = seg;
            cachedRows0 = rows;
            return rows;
        }
    }

    private G1Model model() {
        G1Model m = model;
        if (m == null) {
            synchronized (lock) {
                m = model;
                if (m == null) {
                    m = new G1Model(n, k, nas, seed);
                    model = m;
                }
            }
        }
        return m;
    }

    /** The sort plan, made on first use (one parallel scan of all rows). */
    private G1Sorter sorter() {
        G1Sorter s = sorter;
        if (s == null) {
            synchronized (lock) {
                s = sorter;
                if (s == null) {
                    try (Parallel par = new Parallel(threadCount())) {
                        s = new G1Sorter(model(), budget(), par);
                    }
                    sorter = s;
                }
            }
        }
        return s;
    }

    private int budget() {
        if (sortBudget > 0) {
            return sortBudget;
        }
        return Math.clamp(Runtime.getRuntime().maxMemory() / 192, 1 << 16, 1 << 25);
    }

    private int threadCount() {
        return threads > 0 ? threads : Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    }

    /** The table name and seed, e.g. {@code G1_1e7_1e2_0_0 (seed 108)}. */
    @Override
    public String toString() {
        return tableName() + " (seed " + seed + ")";
    }

    /**
     * A reusable columnar buffer of rows for {@link #fill}: one public array per column, indexed by
     * position {@code 0 .. size - 1}. String columns hold {@code null} for null; int and double columns
     * hold 0 there and flag nulls in the matching {@code ...Null} array. Not thread-safe.
     */
    public static final class Batch {
        /** The number of valid positions, set by {@link GroupByData#fill}. */
        public int size;
        /** Column id1 ({@code id001}...), null where null. */
        public final String[] id1;
        /** Column id2 ({@code id001}...), null where null. */
        public final String[] id2;
        /** Column id3 ({@code id0000000001}...), null where null. */
        public final String[] id3;
        /** Column id4 (1..K), 0 where null. */
        public final int[] id4;
        /** Column id5 (1..K), 0 where null. */
        public final int[] id5;
        /** Column id6 (1..N/K), 0 where null. */
        public final int[] id6;
        /** Column v1 (1..5), 0 where null. */
        public final int[] v1;
        /** Column v2 (1..15), 0 where null. */
        public final int[] v2;
        /** Column v3 ([0, 100), six decimals), 0 where null. */
        public final double[] v3;
        /** Whether id4 is null. */
        public final boolean[] id4Null;
        /** Whether id5 is null. */
        public final boolean[] id5Null;
        /** Whether id6 is null. */
        public final boolean[] id6Null;
        /** Whether v1 is null. */
        public final boolean[] v1Null;
        /** Whether v2 is null. */
        public final boolean[] v2Null;
        /** Whether v3 is null. */
        public final boolean[] v3Null;

        /**
         * An empty batch for up to {@code capacity} rows.
         *
         * @param capacity the number of rows it can hold
         * @throws IllegalArgumentException if {@code capacity < 0}
         */
        public Batch(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
            }
            id1 = new String[capacity];
            id2 = new String[capacity];
            id3 = new String[capacity];
            id4 = new int[capacity];
            id5 = new int[capacity];
            id6 = new int[capacity];
            v1 = new int[capacity];
            v2 = new int[capacity];
            v3 = new double[capacity];
            id4Null = new boolean[capacity];
            id5Null = new boolean[capacity];
            id6Null = new boolean[capacity];
            v1Null = new boolean[capacity];
            v2Null = new boolean[capacity];
            v3Null = new boolean[capacity];
        }

        /** The number of rows the batch can hold. */
        public int capacity() {
            return id4.length;
        }
    }
}
