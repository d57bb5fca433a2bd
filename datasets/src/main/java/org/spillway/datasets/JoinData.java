package org.spillway.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic generator of the four db-benchmark "join" tables of N rows, after
 * {@code _data/join-datagen.R} of h2oai/db-benchmark (also used by duckdblabs/db-benchmark).
 *
 * <p>The tables ({@link Table}), with the column order of the R script:
 * <ul>
 *   <li>{@link Table#X x}, N rows, {@code id1,id2,id3,id4,id5,id6,v1}, file {@code J1_<N>_NA_<nas>_0.csv};</li>
 *   <li>{@link Table#SMALL small}, N/1e6 rows, {@code id1,id4,v2}, file {@code J1_<N>_<N/1e6>_<nas>_0.csv};</li>
 *   <li>{@link Table#MEDIUM medium}, N/1e3 rows, {@code id1,id2,id4,id5,v2}, file {@code J1_<N>_<N/1e3>_<nas>_0.csv};</li>
 *   <li>{@link Table#BIG big}, N rows, {@code id1,id2,id3,id4,id5,id6,v2}, file {@code J1_<N>_<N>_<nas>_0.csv}</li>
 * </ul>
 * e.g. {@code J1_1e7_NA_0_0}, {@code J1_1e7_1e1_0_0}, {@code J1_1e7_1e4_0_0}, {@code J1_1e7_1e7_0_0}.
 * id1..id3 are int32 keys, id4..id6 their string twins {@code "id" + id1..id3} (R's
 * {@code sprintf("id%.0f", id1)}), v1 and v2 float64 uniform on {@code [0, 100]} rounded to six decimals
 * (R's {@code round(runif(n, max = 100), 6)}).
 *
 * <p>Keys, as R's {@code split_xlr} and {@code sample_all}: id1, id2 and id3 each have a key space of
 * {@code m} keys per side, {@code m} = the rows of small, medium and big respectively; its
 * {@code 1.1 m} values {@code 1 .. m + m/10} are shuffled and split into {@code 0.9 m} shared,
 * {@code 0.1 m} left-only (x) and {@code 0.1 m} right-only (small, medium, big) keys. Each id column of
 * a table of {@code size} rows holds every key of its side once plus {@code size - m} keys drawn with
 * replacement, in random order. So each table's own key column (small.id1, medium.id2, big.id3, and
 * x.id3) is unique, x.id1 and x.id2 hold every left key at least once, about 90% of x's rows find
 * their id1 in small, their id2 in medium and their id3 in big, and each join is many-to-one.
 *
 * <p>With {@code nas > 0}, as in the R script and for x only: in each of x's id1..id3,
 * {@code floor(m * nas / 100)} of its m distinct keys are chosen at random and become null in every row
 * holding them, and exactly {@code floor(N * nas / 100)} random rows get a null v1. Nulls are empty
 * fields in the CSV, but the string twin of a null key is {@code "idNA"}, as R's {@code sprintf} makes
 * it. The nulls only mask values: x with {@code nas > 0} equals x with {@code nas = 0} (same seed) but
 * for the null cells, and the right tables do not depend on {@code nas}.
 *
 * <p>Determinism: the bytes depend only on (N, nas, seed), never on the machine, the thread count or how
 * {@link #fill} calls are split: every cell is a function of the seed, its table, its column and its
 * row index. Generation streams: no memory proportional to N is held (key spaces of at most 2^20 keys
 * cache their values, 8 MiB at most), and rows are formatted in parallel.
 *
 * <p><b>Differences from the R script.</b> The structure and distributions follow
 * {@code join-datagen.R} but the values do not reproduce R's: R's Mersenne Twister, {@code sample} and
 * {@code runif} are replaced by counter-based SplitMix64 hashes and keyed permutations, so the same seed
 * (default 108, as {@code set.seed(108)}) gives different data than R. R requires N &ge; 1e7; here any
 * N &ge; 1 works: small and medium have {@code max(1, floor(N / 1e6))} and
 * {@code max(1, floor(N / 1e3))} rows, a key space of m keys has {@code m / 10} (rounded down)
 * left-only and right-only keys (R's index arithmetic is only exact for m a multiple of 10, which it
 * is for N a multiple of 1e7), and table names print counts as {@link GroupByData#prettyCount} does. Only unsorted
 * tables are generated (R's {@code sort = 1} is not supported; names end in {@code _0}). v is printed as a
 * plain decimal ({@code 0.000001} where R's {@code fwrite} would print {@code 1e-06}). In R the right
 * tables' random draws come after x's nulls, so their values change with {@code nas}; here they do not.
 *
 * <p>Instances are immutable and thread-safe:
 * {@code JoinData.of(10_000_000).nas(5).writeCsvInto(dir)} writes the four tables
 * {@code J1_1e7_NA_5_0.csv}, {@code J1_1e7_1e1_5_0.csv}, {@code J1_1e7_1e4_5_0.csv} and
 * {@code J1_1e7_1e7_5_0.csv} into {@code dir}.
 */
public final class JoinData {
    /** The default seed: 108, the seed of the R script. */
    public static final long DEFAULT_SEED = 108;

    /** Rows formatted per parallel task; 4 MiB buffers at the maximal row length. */
    private static final int BLOCK_ROWS = 32_768;
    private static final int MAX_THREADS = 16;

    /**
     * The four join tables: x, the left table, and small, medium and big, the right tables joined to it
     * on id1, id2 and id3 (or their string twins id4, id5, id6).
     */
    public enum Table {
        /** The left table: N rows, {@code id1..id6, v1}. */
        X(3, "v1", 1, "NA"),
        /** The small right table: N/1e6 rows, {@code id1, id4, v2}; id1 is unique. */
        SMALL(1, "v2", 1_000_000, null),
        /** The medium right table: N/1e3 rows, {@code id1, id2, id4, id5, v2}; id2 is unique. */
        MEDIUM(2, "v2", 1_000, null),
        /** The big right table: N rows, {@code id1..id6, v2}; id3 is unique. */
        BIG(3, "v2", 1, null);

        private final int idColumns;
        private final long divisor;
        private final String sizeLabel;
        private final List<String> names;
        private final Map<String, String> types;
        private final byte[] header;

        Table(int idColumns, String value, long divisor, String sizeLabel) {
            this.idColumns = idColumns;
            this.divisor = divisor;
            this.sizeLabel = sizeLabel;
            Map<String, String> m = new LinkedHashMap<>();
            for (int c = 1; c <= idColumns; c++) {
                m.put("id" + c, "int32");
            }
            for (int c = 4; c <= 3 + idColumns; c++) {
                m.put("id" + c, "string");
            }
            m.put(value, "float64");
            this.types = Collections.unmodifiableMap(m);
            this.names = List.copyOf(m.keySet());
            this.header = (String.join(",", names) + "\n").getBytes(StandardCharsets.US_ASCII);
        }

        /**
         * The number of integer key columns: 3 for x and big (id1..id3), 1 for small (id1), 2 for
         * medium (id1, id2); there are as many string twins (id4..).
         */
        public int idColumns() {
            return idColumns;
        }

        /** The column names in header order, e.g. {@code id1, id4, v2} for small. */
        public List<String> columnNames() {
            return names;
        }

        /**
         * The schema in column order: name to type name ({@code int32} for id1..id3, {@code string} for
         * id4..id6, {@code float64} for v1/v2), as understood by {@code org.spillway.spill.DataType.parse}.
         */
        public Map<String, String> columnTypes() {
            return types;
        }

        /** The name of the value column: {@code v1} for x, {@code v2} for the right tables. */
        public String valueColumn() {
            return names.getLast();
        }

        /** The lower-case name used by the R script and the benchmark: {@code x}, {@code small}, .... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final long n;
    private final int nas;
    private final long seed;
    /** Worker threads; 0 = one per available processor (at most 16). */
    private final int threads;

    private final Object lock = new Object();
    private volatile JoinModel model;

    private JoinData(long n, int nas, long seed, int threads) {
        this.n = n;
        this.nas = nas;
        this.seed = seed;
        this.threads = threads;
    }

    /**
     * A generator of the join tables for N = {@code n}: no nulls, seed 108.
     *
     * @param n the rows of x and big, {@code >= 1}, with {@code n + n / 10} (the id3 key values)
     *          fitting an int
     * @throws IllegalArgumentException for other values
     */
    public static JoinData of(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("N must be >= 1: " + n);
        }
        if (n + n / 10 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("N + N/10 must fit an int (id3 is int32): " + n);
        }
        return new JoinData(n, 0, DEFAULT_SEED, 0);
    }

    /**
     * The same generator with {@code percent} percent nulls in x: that share of the distinct keys of
     * each of x's id1..id3, and of the rows of v1, become null. The right tables have no nulls.
     *
     * @param percent 0..100
     * @throws IllegalArgumentException outside 0..100
     */
    public JoinData nas(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("nas must be a percentage in 0..100: " + percent);
        }
        return new JoinData(n, percent, seed, threads);
    }

    /** The same generator with another seed (the default is {@link #DEFAULT_SEED}). */
    public JoinData seed(long seed) {
        return new JoinData(n, nas, seed, threads);
    }

    /** Test hook: the same generator on {@code threads} worker threads (output is identical). */
    JoinData threads(int threads) {
        return new JoinData(n, nas, seed, Math.max(1, threads));
    }

    /** N: the rows of x and big. */
    public long n() {
        return n;
    }

    /** The percentage of nulls in x (0 = none). */
    public int nas() {
        return nas;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /**
     * The number of rows of {@code table}: N for x and big, {@code max(1, floor(N / 1e3))} for medium,
     * {@code max(1, floor(N / 1e6))} for small. It is also the number of distinct keys of the table's
     * own key column (small.id1, medium.id2, big.id3), each appearing once.
     */
    public long rows(Table table) {
        return rowsOf(table, n);
    }

    static long rowsOf(Table table, long n) {
        return Math.max(1, n / table.divisor);
    }

    /**
     * The db-benchmark table name: {@code J1_<N>_NA_<nas>_0} for x, and the same with {@code NA}
     * replaced by the table's row count for the others, e.g. {@code J1_1e7_1e4_0_0} for medium; counts
     * are formatted by {@link GroupByData#prettyCount}. The seed is not part of it.
     */
    public String tableName(Table table) {
        String size = table.sizeLabel != null ? table.sizeLabel : GroupByData.prettyCount(rows(table));
        return "J1_" + GroupByData.prettyCount(n) + "_" + size + "_" + nas + "_0";
    }

    /** The CSV file name of {@code table}: {@link #tableName(Table)} followed by {@code .csv}. */
    public String fileName(Table table) {
        return tableName(table) + ".csv";
    }

    // ---------------------------------------------------------------- CSV

    /**
     * Writes {@code table} as CSV with a header line to {@code file}, replacing it. The data go to a
     * temporary file in the same directory that is then moved onto {@code file}, so {@code file} never
     * holds a partial table. Rows are formatted on all available processors.
     *
     * @param table the table to write
     * @param file  the CSV file to create or replace; its directory is created if missing
     * @return the number of bytes written
     * @throws IOException if writing fails; the temporary file is then deleted
     */
    public long writeCsv(Table table, Path file) throws IOException {
        return CsvBlocks.writeAtomically(file, out -> write(table, out));
    }

    /**
     * Writes the four tables as CSV into {@code dir} (created if missing), each to
     * {@code <dir>/<fileName(table)>} as {@link #writeCsv(Table, Path)} does.
     *
     * @param dir the directory to write into
     * @return the files written, by table, in the order x, small, medium, big
     * @throws IOException if writing fails
     */
    public Map<Table, Path> writeCsvInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<Table, Path> files = new EnumMap<>(Table.class);
        for (Table t : Table.values()) {
            Path file = dir.resolve(fileName(t));
            writeCsv(t, file);
            files.put(t, file);
        }
        return Collections.unmodifiableMap(files);
    }

    /** Writes the header and all rows of {@code table} to {@code out} (not closed); returns the bytes written. */
    private long write(Table table, OutputStream out) throws IOException {
        JoinModel m = model();
        out.write(table.header);
        long rows = rows(table);
        try (Parallel par = new Parallel(threadCount());
             CsvBlocks w = new CsvBlocks(out, par, BLOCK_ROWS * JoinModel.MAX_ROW_BYTES)) {
            for (long from = 0; from < rows; from += BLOCK_ROWS) {
                long start = from;
                long end = Math.min(rows, from + BLOCK_ROWS);
                w.add(buf -> {
                    int p = 0;
                    for (long i = start; i < end; i++) {
                        p = m.formatRow(table, i, buf, p);
                    }
                    return p;
                });
            }
            return table.header.length + w.finish();
        }
    }

    // ---------------------------------------------------------------- rows

    /**
     * Stores rows {@code fromRow .. fromRow + count - 1} (0-based) of {@code table} in {@code out}
     * positions {@code 0 .. count - 1} and sets {@code out.size = count}. Only the columns of the table
     * are written (e.g. id1, id4 and v for small); the others keep their contents. The values equal
     * those of the CSV ({@code v} is {@code micros / 1e6}, the double nearest to the printed decimal).
     * Any range is cheap. Runs in the calling thread and may be called concurrently for different
     * ranges, each with its own batch.
     *
     * @param table   the table to read
     * @param fromRow the first row, 0-based
     * @param count   the number of rows, at most {@code out.capacity()}
     * @param out     the batch to overwrite
     * @throws IndexOutOfBoundsException if the range is outside {@code [0, rows(table))} or {@code count}
     *                                   exceeds {@code out.capacity()}
     */
    public void fill(Table table, long fromRow, int count, Batch out) {
        long rows = rows(table);
        if (fromRow < 0 || count < 0 || fromRow > rows - count) {
            throw new IndexOutOfBoundsException(table.label() + " rows " + fromRow + " + " + count + " of " + rows);
        }
        if (count > out.capacity()) {
            throw new IndexOutOfBoundsException("count " + count + " exceeds the batch capacity " + out.capacity());
        }
        JoinModel m = model();
        for (int x = 0; x < count; x++) {
            m.fillRow(table, fromRow + x, out, x);
        }
        out.size = count;
    }

    /** The value model, made on first use. */
    JoinModel model() {
        JoinModel m = model;
        if (m == null) {
            synchronized (lock) {
                m = model;
                if (m == null) {
                    m = new JoinModel(n, nas, seed);
                    model = m;
                }
            }
        }
        return m;
    }

    private int threadCount() {
        return threads > 0 ? threads : Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    }

    /** The name of x and the seed, e.g. {@code J1_1e7_NA_0_0 (seed 108)}. */
    @Override
    public String toString() {
        return tableName(Table.X) + " (seed " + seed + ")";
    }

    /**
     * A reusable columnar buffer of rows of any join table for {@link #fill}: one public array per
     * column, indexed by position {@code 0 .. size - 1}. Only the columns of the table filled are set
     * (id1, id4 and v for small; id1, id2, id4, id5 and v for medium; all for x and big). Int columns
     * hold 0 for null and flag it in the matching {@code ...Null} array; the string twin of a null key
     * is {@code "idNA"}, as in the CSV. Not thread-safe.
     */
    public static final class Batch {
        /** The number of valid positions, set by {@link JoinData#fill}. */
        public int size;
        /** Column id1, 0 where null. */
        public final int[] id1;
        /** Column id2, 0 where null. */
        public final int[] id2;
        /** Column id3, 0 where null. */
        public final int[] id3;
        /** Whether id1 is null. */
        public final boolean[] id1Null;
        /** Whether id2 is null. */
        public final boolean[] id2Null;
        /** Whether id3 is null. */
        public final boolean[] id3Null;
        /** Column id4: {@code "id" + id1}, {@code "idNA"} where id1 is null. */
        public final String[] id4;
        /** Column id5: {@code "id" + id2}, {@code "idNA"} where id2 is null. */
        public final String[] id5;
        /** Column id6: {@code "id" + id3}, {@code "idNA"} where id3 is null. */
        public final String[] id6;
        /** The value column: v1 of x, v2 of the other tables ([0, 100], six decimals), 0 where null. */
        public final double[] v;
        /** Whether v is null. */
        public final boolean[] vNull;

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
            id1 = new int[capacity];
            id2 = new int[capacity];
            id3 = new int[capacity];
            id1Null = new boolean[capacity];
            id2Null = new boolean[capacity];
            id3Null = new boolean[capacity];
            id4 = new String[capacity];
            id5 = new String[capacity];
            id6 = new String[capacity];
            v = new double[capacity];
            vNull = new boolean[capacity];
        }

        /** The number of rows the batch can hold. */
        public int capacity() {
            return id1.length;
        }
    }
}
