package org.spillway.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A deterministic generator of the "events" data set: one row per purchase event, written as CSV.
 *
 * <p>Columns (header {@code id,user,country,category,amount,quantity,ts,returned}):
 * <ul>
 *   <li>{@code id} int64: the row number, 1..n across all files in order;</li>
 *   <li>{@code user} string: {@code u<k>}; 20% of rows come from 10 hot users {@code u1..u10}, the
 *       rest uniformly from {@code max(1000, n/50)} users;</li>
 *   <li>{@code country} string: one of 20 ISO codes with uneven weights (US 18%, DE 12%, ...);</li>
 *   <li>{@code category} string: one of 12 lower-case words;</li>
 *   <li>{@code amount} float64: uniform in [0, 200) with exactly two decimals; about 2% empty (null);</li>
 *   <li>{@code quantity} int32: uniform in 1..10;</li>
 *   <li>{@code ts} timestamp: {@code yyyy-MM-ddTHH:mm:ssZ}, spread evenly over 2024 by id with up to a
 *       minute of jitter (non-decreasing up to the jitter);</li>
 *   <li>{@code returned} bool: {@code true} for about 5% of rows.</li>
 * </ul>
 * The values of row {@code id} depend only on the seed, {@code id} and the total row count, never on
 * how the rows are split into files or on the number of threads. Values never need quoting.
 *
 * <p>Instances are immutable: {@code Events.rows(1_000_000).seed(7).writeCsv(dir, 4)}.
 */
public final class Events {
    /** The default seed. */
    public static final long DEFAULT_SEED = 42;

    private static final List<String> COLUMN_NAMES =
            List.of("id", "user", "country", "category", "amount", "quantity", "ts", "returned");
    private static final Map<String, String> COLUMN_TYPES;

    static {
        String[] types = {"int64", "string", "string", "string", "float64", "int32", "timestamp", "bool"};
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < types.length; i++) {
            m.put(COLUMN_NAMES.get(i), types[i]);
        }
        COLUMN_TYPES = Collections.unmodifiableMap(m);
    }

    private static final byte[] HEADER = (String.join(",", COLUMN_NAMES) + "\n").getBytes(StandardCharsets.US_ASCII);

    private static final String[] COUNTRIES =
            {"US", "DE", "GB", "FR", "JP", "CN", "IN", "BR", "CA", "IT", "ES", "NL", "AU", "KR", "MX", "SE", "PL", "CH", "AT", "BE"};
    /** Weights in percent, summing to 100. */
    private static final int[] COUNTRY_WEIGHTS = {18, 12, 9, 8, 7, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1};
    private static final String[] CATEGORIES =
            {"books", "games", "garden", "toys", "music", "electronics", "fashion", "sports", "beauty", "grocery", "home", "auto"};

    private static final byte[][] COUNTRY_BYTES = ascii(COUNTRIES);
    private static final byte[][] CATEGORY_BYTES = ascii(CATEGORIES);
    /** Country index by percentile 0..99. */
    private static final byte[] COUNTRY_BY_PERCENT = new byte[100];

    static {
        int p = 0;
        for (int c = 0; c < COUNTRY_WEIGHTS.length; c++) {
            for (int k = 0; k < COUNTRY_WEIGHTS[c]; k++) {
                COUNTRY_BY_PERCENT[p++] = (byte) c;
            }
        }
        if (p != 100) {
            throw new AssertionError("country weights sum to " + p);
        }
    }

    private static final int HOT_USERS = 10;
    private static final int HOT_USER_PERCENT = 20;
    private static final int NULL_AMOUNT_PERCENT = 2;
    private static final int RETURNED_PERCENT = 5;
    private static final int MAX_CENTS = 20_000;
    private static final int MAX_QUANTITY = 10;
    private static final int JITTER_SECONDS = 60;
    private static final int DAYS = 366; // 2024 is a leap year
    private static final long SPAN_SECONDS = DAYS * 86_400L - JITTER_SECONDS;
    /** "2024-MM-DD" for each day of 2024. */
    private static final byte[][] DATE_BYTES = new byte[DAYS][];

    static {
        LocalDate d = LocalDate.of(2024, 1, 1);
        for (int i = 0; i < DAYS; i++, d = d.plusDays(1)) {
            DATE_BYTES[i] = d.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final int BUFFER_BYTES = 1 << 20;
    /** More than the longest row (about 90 bytes with 19-digit ids). */
    private static final int MAX_ROW_BYTES = 256;
    private static final int MAX_WRITER_THREADS = 8;

    private final long rows;
    private final long seed;

    private Events(long rows, long seed) {
        this.rows = rows;
        this.seed = seed;
    }

    /** A generator of {@code n} rows with the default seed 42. */
    public static Events rows(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + n);
        }
        return new Events(n, DEFAULT_SEED);
    }

    /** The same generator with another seed. */
    public Events seed(long seed) {
        return new Events(rows, seed);
    }

    /** The number of rows. */
    public long rows() {
        return rows;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The column names in header order. */
    public static List<String> columnNames() {
        return COLUMN_NAMES;
    }

    /**
     * The expected schema, in column order: name to type name ({@code int64}, {@code string},
     * {@code float64}, {@code int32}, {@code timestamp}, {@code bool}), as understood by
     * {@code org.spillway.spill.DataType.parse}.
     */
    public static Map<String, String> columnTypes() {
        return COLUMN_TYPES;
    }

    /**
     * The name of file {@code index} of {@code files} written by {@link #writeCsv(Path, int)}:
     * {@code events-000.csv}, {@code events-001.csv}, ... (more digits when there are over 1000 files,
     * so that the names sort in row order).
     */
    public static String fileName(int index, int files) {
        if (files < 1 || index < 0 || index >= files) {
            throw new IllegalArgumentException("file " + index + " of " + files);
        }
        int width = Math.max(3, Integer.toString(files - 1).length());
        String digits = Integer.toString(index);
        return "events-" + "0".repeat(width - digits.length()) + digits + ".csv";
    }

    /**
     * Writes all rows, with a header line, to {@code file} (replacing it).
     *
     * @return the number of bytes written
     */
    public long writeCsv(Path file) throws IOException {
        return writeRange(file, 1, rows);
    }

    /**
     * Writes the rows split as evenly as possible into {@code files} files named by
     * {@link #fileName} in {@code dir} (created if missing), each with a header line; file 0 holds
     * the first ids. Files are written in parallel on up to a few threads.
     *
     * @return the total number of bytes written
     */
    public long writeCsv(Path dir, int files) throws IOException {
        if (files < 1) {
            throw new IllegalArgumentException("files must be >= 1: " + files);
        }
        Files.createDirectories(dir);
        long base = rows / files;
        long extra = rows % files;
        List<Path> paths = new ArrayList<>(files);
        long[] firstIds = new long[files];
        long[] counts = new long[files];
        for (int k = 0; k < files; k++) {
            paths.add(dir.resolve(fileName(k, files)));
            firstIds[k] = 1 + k * base + Math.min(k, extra);
            counts[k] = base + (k < extra ? 1 : 0);
        }
        int threads = Math.min(files, Math.min(MAX_WRITER_THREADS, Runtime.getRuntime().availableProcessors()));
        if (threads <= 1) {
            long total = 0;
            for (int k = 0; k < files; k++) {
                total += writeRange(paths.get(k), firstIds[k], counts[k]);
            }
            return total;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("spillway-gen-", 1).daemon(true).factory());
        try {
            List<Future<Long>> futures = new ArrayList<>(files);
            for (int k = 0; k < files; k++) {
                int f = k;
                futures.add(pool.submit(() -> writeRange(paths.get(f), firstIds[f], counts[f])));
            }
            long total = 0;
            for (Future<Long> future : futures) {
                total += future.get();
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + dir);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Writes the header and rows {@code firstId .. firstId + count - 1} to {@code file}. */
    private long writeRange(Path file, long firstId, long count) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            RowWriter w = new RowWriter(out);
            w.put(HEADER);
            long end = firstId + count;
            for (long id = firstId; id < end; id++) {
                w.row(id);
            }
            w.flush();
            return w.written;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] ascii(String[] strings) {
        byte[][] out = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            out[i] = ascii(strings[i]);
        }
        return out;
    }

    /** SplitMix64's finaliser: a bijective 64-bit mixer. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Formats rows into a 1 MiB buffer flushed to a stream. */
    private final class RowWriter {
        private static final long GOLDEN = 0x9E3779B97F4A7C15L;

        private final OutputStream out;
        private final byte[] buf = new byte[BUFFER_BYTES];
        private final long seedMix = mix64(seed ^ 0x5DEECE66DL);
        private final long users = Math.max(1000, rows / 50);
        private final double secondsPerRow = rows == 0 ? 0 : (double) SPAN_SECONDS / rows;
        private int pos;
        private long written;
        private long state;

        RowWriter(OutputStream out) {
            this.out = out;
        }

        /** The next random value of the current row (SplitMix64 from a per-row state). */
        private long next() {
            return mix64(state += GOLDEN);
        }

        /** A value uniform in [0, bound). */
        private long below(long bound) {
            return Math.unsignedMultiplyHigh(next(), bound);
        }

        void row(long id) throws IOException {
            if (pos > BUFFER_BYTES - MAX_ROW_BYTES) {
                flush();
            }
            state = mix64(seedMix + id * GOLDEN);
            byte[] b = buf;
            // id
            putLong(id);
            b[pos++] = ',';
            // user
            long user = below(100) < HOT_USER_PERCENT ? 1 + below(HOT_USERS) : 1 + below(users);
            b[pos++] = 'u';
            putLong(user);
            b[pos++] = ',';
            // country, category
            put(COUNTRY_BYTES[COUNTRY_BY_PERCENT[(int) below(100)]]);
            b[pos++] = ',';
            put(CATEGORY_BYTES[(int) below(CATEGORY_BYTES.length)]);
            b[pos++] = ',';
            // amount: cents, or empty for null
            boolean nullAmount = below(100) < NULL_AMOUNT_PERCENT;
            long cents = below(MAX_CENTS);
            if (!nullAmount) {
                putLong(cents / 100);
                int c = (int) (cents % 100);
                b[pos++] = '.';
                b[pos++] = (byte) ('0' + c / 10);
                b[pos++] = (byte) ('0' + c % 10);
            }
            b[pos++] = ',';
            // quantity
            putLong(1 + below(MAX_QUANTITY));
            b[pos++] = ',';
            // ts
            long offset = (long) ((id - 1) * secondsPerRow) + below(JITTER_SECONDS);
            putTimestamp(Math.min(offset, DAYS * 86_400L - 1));
            b[pos++] = ',';
            // returned
            put(below(100) < RETURNED_PERCENT ? TRUE : FALSE);
            b[pos++] = '\n';
        }

        private void putTimestamp(long secondsInto2024) {
            int day = (int) (secondsInto2024 / 86_400);
            int s = (int) (secondsInto2024 % 86_400);
            put(DATE_BYTES[day]);
            byte[] b = buf;
            b[pos++] = 'T';
            put2(s / 3600);
            b[pos++] = ':';
            put2(s / 60 % 60);
            b[pos++] = ':';
            put2(s % 60);
            b[pos++] = 'Z';
        }

        private void put2(int v) {
            buf[pos++] = (byte) ('0' + v / 10);
            buf[pos++] = (byte) ('0' + v % 10);
        }

        /** Writes a non-negative long in decimal. */
        private void putLong(long v) {
            if (v < 10) {
                buf[pos++] = (byte) ('0' + v);
                return;
            }
            int digits = 1;
            for (long t = v / 10; t != 0; t /= 10) {
                digits++;
            }
            int end = pos + digits;
            for (int i = end - 1; i >= pos; i--) {
                buf[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            pos = end;
        }

        void put(byte[] bytes) {
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        void flush() throws IOException {
            if (pos > 0) {
                out.write(buf, 0, pos);
                written += pos;
                pos = 0;
            }
        }
    }
}
