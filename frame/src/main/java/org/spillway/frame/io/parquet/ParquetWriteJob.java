package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.io.FileSpecs;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * One {@code DataFrame.writeParquet}: runs the frame's plan, encodes row groups in parallel and
 * publishes the result atomically.
 *
 * <p><b>Targets.</b> A path ending in {@code .parquet} is written as one file. Any other path is a
 * directory of part files {@code part-00000-<uuid>.parquet}, ... (a new part file every
 * {@link #ROW_GROUPS_PER_PART_FILE} row groups) with an empty {@code _SUCCESS} marker, as Spark
 * writes them; with partition columns, Hive style {@code a=1/b=x/part-...parquet}, the partition
 * columns left out of the files, a null (or empty string) value written as
 * {@value #DEFAULT_PARTITION} and values escaped as Spark escapes them ({@code /}, {@code =},
 * {@code %}, {@code :} ... as {@code %XX}).
 *
 * <p><b>Pipeline.</b> The plan's chunks are copied to the heap in parallel ({@code mapChunksOrdered}),
 * split by partition, and handed over in row order; row groups are cut from them in order (a chunk
 * may span row groups, several chunks may fill one), each full row group is encoded and compressed
 * as a task on a fork-join pool of the session's parallelism owned by the write, and encoded row groups are appended to their file in
 * order. The output is deterministic: the same frame and options give the same row groups. Buffered
 * rows and encoded row groups are reserved from the session's memory budget (twice the heap copy, up to
 * {@link #writerCap} in all);
 * when the budget runs short, pending row groups are written early (smaller) before more is reserved.
 *
 * <p><b>Atomicity.</b> Everything is written into a hidden staging sibling
 * {@code .<name>.spillway-<uuid>.tmp} and then published: a file by one atomic rename over the
 * target; a directory by two renames (the old directory to {@code .<name>.spillway-old-<uuid>},
 * the staging directory to the target) and then the deletion of the old one. A failure before
 * publishing deletes the staging and leaves the target as it was. A crash between the two renames
 * leaves no target but the old data under its {@code -old-} name (and the new under its staging
 * name); the next write to the target deletes {@code -old-} leftovers. An existing target is
 * replaced (Spark's mode overwrite), but a directory is replaced only when it holds nothing but
 * Parquet files, {@code k=v} partition directories, {@code _SUCCESS} markers and {@code .crc}
 * files; anything else is refused, so a typo cannot wipe an unrelated directory.
 */
public final class ParquetWriteJob {
    /** Row groups per part file of a directory target. */
    public static final int ROW_GROUPS_PER_PART_FILE = 4;
    /**
     * Part files open at once at most (partitioned writes): opening one more finishes the least
     * recently written one, and its partition continues in a new part file.
     */
    public static final int MAX_OPEN_FILES = 64;
    /** The directory name of a null partition value (Hive's). */
    public static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSSSSS]", Locale.ROOT);

    private final Input df;
    private final Path target;
    private final ParquetWriteOptions options;
    private final boolean singleFile;
    /** Writing a table's data files straight into its directory (see {@link #writeFiles}). */
    private final boolean tableFiles;
    private final List<WrittenFile> written = new ArrayList<>();
    private final List<Path> created = new ArrayList<>();
    private final Schema schema;
    private final Schema dataSchema;
    private final int[] dataCols;
    private final int[] partCols;
    private final String jobId = UUID.randomUUID().toString();
    private final Path staging;
    private final Map<String, Sink> sinks = new LinkedHashMap<>();
    private final java.util.LinkedHashSet<Sink> openFiles = new java.util.LinkedHashSet<>(); // least recently written first
    private final int maxInFlight;
    private Reservation reservation;
    // Row groups are encoded on a pool of their own: the in-order consumer runs under the ordered
    // map's lock on a session worker, and waiting there for tasks on the session's own pool can
    // deadlock (the worker that would run the task may be waiting for that lock).
    private ForkJoinPool encoders;
    private int inFlight;
    private int partNumber;

    private ParquetWriteJob(Input df, Path target, ParquetWriteOptions options, boolean tableFiles) {
        this.df = df;
        this.target = target.toAbsolutePath().normalize();
        this.options = options;
        this.schema = df.schema();
        this.tableFiles = tableFiles;
        String name = this.target.getFileName() == null ? "" : this.target.getFileName().toString();
        this.singleFile = !tableFiles && name.toLowerCase(Locale.ROOT).endsWith(".parquet");
        List<String> parts = options.partitionBy();
        if (singleFile && !parts.isEmpty()) {
            throw new SpillwayException("Cannot partition " + target + " by " + parts + ": a path ending in .parquet is one file;"
                    + " write partitions to a directory (a path without .parquet)");
        }
        partCols = new int[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            partCols[i] = schema.indexOf(parts.get(i));
            if (partCols[i] < 0) {
                throw new ColumnNotFoundException(parts.get(i), schema.names());
            }
        }
        checkBloomFilterColumns(options, schema);
        if (!parts.isEmpty() && parts.size() == schema.size() && !options.partitionColumnsInFiles()) {
            throw new SpillwayException("Cannot partition by every column " + parts + ": the files would hold no columns");
        }
        List<Integer> data = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            if (options.partitionColumnsInFiles() || !parts.contains(schema.field(c).name())) {
                data.add(c);
                fields.add(new Field(schema.field(c).name(), schema.type(c)));
            }
        }
        dataCols = data.stream().mapToInt(Integer::intValue).toArray();
        dataSchema = new Schema(fields);
        staging = tableFiles ? this.target : this.target.resolveSibling("." + name + ".spillway-" + jobId + ".tmp");
        maxInFlight = df.parallelism() + 1;
    }

    private static void checkBloomFilterColumns(ParquetWriteOptions options, Schema schema) {
        for (String c : options.bloomFilterColumns()) {
            if (schema.indexOf(c) < 0) {
                throw new IllegalArgumentException("withBloomFilter names column '" + c + "', which the frame does not have;"
                        + " its columns are " + schema.names());
            }
            if (options.partitionBy().contains(c)) {
                throw new IllegalArgumentException("withBloomFilter names column '" + c + "', a partition column:"
                        + " partition columns are directory names, not stored in the files");
            }
            if (schema.type(schema.indexOf(c)) == org.spillway.spill.DataType.BOOL) {
                throw new IllegalArgumentException("withBloomFilter names column '" + c + "', a bool column: a bloom filter"
                        + " cannot help with two values (statistics already tell)");
            }
            if (schema.type(schema.indexOf(c)).kind() == org.spillway.spill.DataType.Kind.DECIMAL128) {
                throw new IllegalArgumentException("withBloomFilter names column '" + c + "', a decimal of more than 18 digits:"
                        + " bloom filters are written for decimals of up to 18 digits only");
            }
        }
    }

    /**
     * What is written: the rows of a frame, produced in parallel and handed over in order, with the
     * session's budget and parallelism. {@code DataFrame.writeParquet} passes its frame as one; the
     * interface keeps this package below the API that calls it.
     */
    public interface Input {
        /** The columns. */
        Schema schema();

        /** The session's memory budget, which encoded row groups are reserved from. */
        org.spillway.spill.memory.MemoryBudget budget();

        /** The session's number of workers. */
        int parallelism();

        /** Maps every chunk in parallel and passes the results to {@code inOrder} one at a time, in row order. */
        <R> void mapChunksOrdered(java.util.function.Function<Chunk, R> map, java.util.function.Consumer<R> inOrder);

        /**
         * Records a staging path with the session, so that a crash before it is published or removed leaves nothing a
         * later session does not sweep; closing the handle forgets it. By default nothing is recorded.
         */
        default AutoCloseable stage(Path staging) {
            return () -> { };
        }
    }

    /** Writes {@code df} to {@code target} with {@code options} (see the class comment). */
    public static void write(Input df, Path target, ParquetWriteOptions options) {
        java.util.Objects.requireNonNull(df, "df");
        java.util.Objects.requireNonNull(target, "target");
        java.util.Objects.requireNonNull(options, "options");
        new ParquetWriteJob(df, target, options, false).run();
    }

    /**
     * A data file written by {@link #writeFiles}.
     *
     * @param path      the file
     * @param partition its partition directory relative to the target ({@code a=1/b=x}, Hive-escaped; empty
     *                  without partitions)
     * @param size      bytes
     * @param rows      rows
     */
    public record WrittenFile(Path path, String partition, long size, long rows) {
    }

    /**
     * Writes {@code df} as new part files straight into the directory {@code dir} (created if missing),
     * Hive-partitioned as {@link ParquetWriteOptions#partitionBy()} says, for a table format that
     * publishes them in its own commit: nothing is staged or renamed and no {@code _SUCCESS} marker is
     * written. Each file is forced to disk before this returns. An empty frame writes no file. On
     * failure, the files this call wrote are deleted and nothing else in {@code dir} is touched.
     *
     * @return the files written, in the order they were finished
     */
    public static List<WrittenFile> writeFiles(Input df, Path dir, ParquetWriteOptions options) {
        java.util.Objects.requireNonNull(df, "df");
        java.util.Objects.requireNonNull(dir, "dir");
        java.util.Objects.requireNonNull(options, "options");
        ParquetWriteJob job = new ParquetWriteJob(df, dir, options, true);
        job.run();
        return List.copyOf(job.written);
    }

    private void run() {
        if (!tableFiles) {
            prepare();
        }
        boolean published = false;
        AutoCloseable staged = tableFiles ? () -> { } : df.stage(staging);
        reservation = df.budget().newReservation("parquet writer " + target.getFileName());
        encoders = new ForkJoinPool(df.parallelism());
        try {
            if (tableFiles) {
                Files.createDirectories(staging);
            } else if (!singleFile) {
                Files.createDirectory(staging);
            }
            df.mapChunksOrdered(this::route, this::accept);
            finishAll();
            publish();
            published = true;
        } catch (IOException e) {
            throw new SpillwayException("Cannot write " + target + ": " + e + "; the previous "
                    + (singleFile ? "file" : "directory") + " (if any) is unchanged", e);
        } finally {
            if (!published) {
                abort();
            }
            reservation.close();
            encoders.shutdownNow();
            try {
                staged.close();
            } catch (Exception e) {
                // a marker left behind only makes a later sweep look for a staging path that is gone
            }
        }
    }

    // ---------------------------------------------------------------- target checks and publishing

    private void prepare() {
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new SpillwayException("Cannot write " + target + ": cannot create " + parent + ": " + e.getMessage(), e);
        }
        String oldPrefix = "." + target.getFileName() + ".spillway-old-";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(oldPrefix))) {
            for (Path p : ds) {
                FileSpecs.deleteTree(p); // left by a crash between the two renames of a directory swap
            }
        } catch (IOException e) {
            // a leftover we cannot delete does not stop this write
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            boolean dir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
            if (singleFile && dir) {
                throw new SpillwayException("Cannot write the file " + target + ": it is an existing directory;"
                        + " delete it or choose another name");
            }
            if (!singleFile && !dir) {
                throw new SpillwayException("Cannot write the directory " + target + ": it is an existing file;"
                        + " delete it, or end the path with .parquet to write one file");
            }
            if (!singleFile) {
                checkReplaceable(target);
            }
        }
    }

    /** Refuses to replace a directory holding anything but a Parquet dataset. */
    private static void checkReplaceable(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(dir) && !d.getFileName().toString().contains("=")) {
                        throw refuse(dir, d);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String n = f.getFileName().toString();
                    boolean ok = attrs.isRegularFile()
                            && (n.endsWith(".parquet") || n.equals("_SUCCESS") || n.endsWith(".crc"));
                    if (!ok) {
                        throw refuse(dir, f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SpillwayException("Cannot write " + dir + ": cannot list the existing directory: " + e.getMessage(), e);
        }
    }

    private static SpillwayException refuse(Path dir, Path offending) {
        return new SpillwayException("Refusing to replace the directory " + dir + ": it holds " + dir.relativize(offending)
                + ", which is not part of a Parquet dataset. writeParquet replaces a directory only when it holds nothing but"
                + " .parquet files, k=v partition directories and _SUCCESS markers; delete it yourself or choose another path");
    }

    private void publish() throws IOException {
        if (tableFiles) {
            java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
            for (Path p : created) {
                dirs.add(p.getParent());
            }
            for (Path d : dirs) {
                syncDirectory(d);
            }
            syncDirectory(target);
            return;
        }
        if (singleFile) {
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(target.getParent());
            return;
        }
        Files.createFile(staging.resolve("_SUCCESS"));
        syncDirectory(staging);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return;
        }
        Path old = target.resolveSibling("." + target.getFileName() + ".spillway-old-" + jobId);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        syncDirectory(target.getParent());
        try {
            FileSpecs.deleteTree(old);
        } catch (IOException e) {
            // the next write to this target deletes it
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // not every platform can sync a directory; the data itself is synced
        }
    }

    private void abort() {
        for (Sink s : sinks.values()) {
            s.cancel();
        }
        if (tableFiles) {
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // an unreferenced file: the table's vacuum removes it
                }
            }
            return;
        }
        try {
            FileSpecs.deleteTree(staging);
        } catch (IOException e) {
            // reported by the original failure's caller at best; nothing better to do here
        }
    }


    // ---------------------------------------------------------------- chunks to row groups

    /** A chunk's rows of one partition, copied to the heap. */
    private record Routed(String partition, ParquetWriteColumn[] columns, int rows, long heapBytes) {
    }

    /** Runs on workers, in parallel: copies a chunk to the heap, split by partition. */
    private List<Routed> route(Chunk chunk) {
        int n = chunk.rows();
        if (partCols.length == 0) {
            return List.of(copy("", chunk, null, n));
        }
        Map<String, int[]> groups = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < n; r++) {
            sb.setLength(0);
            for (int k = 0; k < partCols.length; k++) {
                if (k > 0) {
                    sb.append('/');
                }
                int c = partCols[k];
                sb.append(escape(schema.field(c).name())).append('=').append(partitionValue(chunk.column(c), r));
            }
            String key = sb.toString();
            int[] rows = groups.computeIfAbsent(key, x -> new int[16]);
            int cnt = counts.getOrDefault(key, 0);
            if (cnt == rows.length) {
                rows = java.util.Arrays.copyOf(rows, cnt * 2);
                groups.put(key, rows);
            }
            rows[cnt] = r;
            counts.put(key, cnt + 1);
        }
        List<Routed> out = new ArrayList<>(groups.size());
        for (Map.Entry<String, int[]> e : groups.entrySet()) {
            out.add(copy(e.getKey(), chunk, e.getValue(), counts.get(e.getKey())));
        }
        return out;
    }

    private Routed copy(String partition, Chunk chunk, int[] rows, int n) {
        ParquetWriteColumn[] cols = new ParquetWriteColumn[dataCols.length];
        long bytes = 0;
        for (int i = 0; i < dataCols.length; i++) {
            cols[i] = new ParquetWriteColumn(dataSchema.type(i), n);
            cols[i].appendVector(chunk.column(dataCols[i]), rows, 0, n);
            bytes += cols[i].heapBytes();
        }
        return new Routed(partition, cols, n, bytes);
    }

    static String partitionValue(ColumnVector v, int r) {
        if (v.isNull(r)) {
            return DEFAULT_PARTITION;
        }
        String s = switch (v.type().kind()) {
            case STRING -> ((StringVector) v).getString(r);
            case INT32 -> Integer.toString(((IntVector) v).get(r));
            case INT64 -> Long.toString(((LongVector) v).get(r));
            case FLOAT64 -> Double.toString(((DoubleVector) v).get(r));
            case BOOL -> Boolean.toString(((BoolVector) v).get(r));
            case DATE -> LocalDate.ofEpochDay(((IntVector) v).get(r)).toString();
            case TIME -> org.spillway.frame.Literals.formatTime(((LongVector) v).get(r));
            case DECIMAL, DECIMAL128 -> org.spillway.spill.vector.DecimalValues.format(v, r);
            case BINARY -> throw new IllegalArgumentException("cannot partition by a binary column: partition values are "
                    + "directory names; cast it to a string (hex) first");
            case TIMESTAMP, TIMESTAMP_NTZ -> {
                long us = ((LongVector) v).get(r);
                LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(us, 1_000_000L),
                        (int) Math.floorMod(us, 1_000_000L) * 1000, ZoneOffset.UTC);
                yield TS.format(t);
            }
        };
        return s.isEmpty() ? DEFAULT_PARTITION : escape(s);
    }

    /** Escapes a path segment as Spark's {@code ExternalCatalogUtils.escapePathName}. */
    static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean esc = c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
            if (esc) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                sb.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * The most the writer holds of a budget of {@code limit} bytes (buffered rows and row groups being
     * encoded): half, but leaving the scan that feeds it (readers, decoded chunks: a few MiB per
     * worker whatever the budget) at least {@value #SCAN_ROOM} bytes, and never less than a quarter.
     * Under a small budget the writer so cuts smaller row groups rather than starve its own input.
     */
    static long writerCap(long limit) {
        return Math.max(limit / 4, Math.min(limit / 2, limit - SCAN_ROOM));
    }

    /** What {@link #writerCap} leaves the scan at least, budget permitting. */
    static final long SCAN_ROOM = 64L << 20;

    /** Runs serially, in row order. */
    private void accept(List<Routed> routed) {
        long cap = writerCap(df.budget().heapLimit());
        for (Routed r : routed) {
            long charge = 2 * r.heapBytes();
            if (reservation.bytes() + charge > cap || !reservation.tryGrow(charge)) {
                for (Sink s : sinks.values()) {
                    s.flushPending();
                }
                for (Sink s : sinks.values()) {
                    s.drain(true);
                }
                reservation.grow(charge);
            }
            sinks.computeIfAbsent(r.partition(), Sink::new).add(r, charge);
        }
    }

    private void finishAll() throws IOException {
        if (!tableFiles && !singleFile && partCols.length == 0 && sinks.isEmpty()) {
            sinks.put("", new Sink(""));
        }
        if (singleFile && sinks.isEmpty()) {
            sinks.put("", new Sink(""));
        }
        for (Sink s : sinks.values()) {
            s.flushPending();
            s.drain(true);
            s.finish();
        }
    }

    /** The files of one partition (or of the whole target): pending rows, row groups in flight, the open file. */
    private final class Sink {
        private final String partition;
        private final List<RowGroupEncoder.Piece> pending = new ArrayList<>();
        private int pendingRows;
        private long pendingCharge;
        private final ArrayDeque<RowGroupTask> queue = new ArrayDeque<>();
        private ParquetFileWriter file;
        private Path filePath;

        Sink(String partition) {
            this.partition = partition;
        }

        void add(Routed r, long charge) {
            int off = 0;
            int limit = options.rowGroupRows();
            while (off < r.rows()) {
                int take = Math.min(r.rows() - off, limit - pendingRows);
                pending.add(new RowGroupEncoder.Piece(r.columns(), off, off + take));
                long share = off + take == r.rows() ? charge - charge * off / r.rows() : charge * take / r.rows();
                pendingCharge += share;
                pendingRows += take;
                off += take;
                if (pendingRows == limit) {
                    flushPending();
                }
            }
        }

        /** Submits the pending rows (if any) as a row group. */
        void flushPending() {
            if (pendingRows == 0) {
                return;
            }
            List<RowGroupEncoder.Piece> pieces = List.copyOf(pending);
            queue.add(new RowGroupTask(encoders, () -> RowGroupEncoder.encode(dataSchema, pieces, options), pendingCharge));
            inFlight++;
            pending.clear();
            pendingRows = 0;
            pendingCharge = 0;
            drain(false);
            if (inFlight > maxInFlight) {
                drain(true);
                if (inFlight > maxInFlight) {
                    for (Sink s : sinks.values()) {
                        s.drain(true);
                    }
                }
            }
        }

        /** Writes finished row groups in order; with {@code block}, waits for all of them. */
        void drain(boolean block) {
            while (!queue.isEmpty() && (block || queue.peek().isDone())) {
                RowGroupTask f = queue.poll();
                inFlight--;
                RowGroupEncoder.Encoded rg = f.await();
                try {
                    if (file != null && !singleFile && file.rowGroupCount() >= ROW_GROUPS_PER_PART_FILE) {
                        closeFile();
                    }
                    if (file == null) {
                        if (openFiles.size() >= MAX_OPEN_FILES) {
                            openFiles.getFirst().closeFile();
                        }
                        filePath = nextPath();
                        file = new ParquetFileWriter(filePath, dataSchema, options.fieldIds());
                    }
                    openFiles.remove(this);
                    openFiles.add(this);
                    file.append(rg);
                } catch (IOException e) {
                    throw new SpillwayException("Cannot write " + target + ": " + e + "; the previous "
                            + (singleFile ? "file" : "directory") + " (if any) is unchanged", e);
                } finally {
                    reservation.shrink(f.charge);
                }
            }
        }

        private Path nextPath() throws IOException {
            if (singleFile) {
                return staging;
            }
            Path dir = partition.isEmpty() ? staging : staging.resolve(partition);
            Files.createDirectories(dir);
            Path p = dir.resolve(String.format(Locale.ROOT, "part-%05d-%s.parquet", partNumber++, jobId));
            created.add(p);
            return p;
        }

        void finish() throws IOException {
            if (file == null && partNumber == 0 && !tableFiles) {
                filePath = nextPath();
                file = new ParquetFileWriter(filePath, dataSchema, options.fieldIds()); // an empty frame: a file with the schema
            }
            if (file != null) {
                closeFile();
            }
        }

        private void closeFile() throws IOException {
            file.finish();
            if (tableFiles) {
                written.add(new WrittenFile(filePath, partition, Files.size(filePath), file.rows()));
            }
            file = null;
            openFiles.remove(this);
        }

        void cancel() {
            for (RowGroupTask f : queue) {
                f.cancel();
            }
            queue.clear();
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // the staging is deleted next
                }
            }
        }
    }
}
