package org.spillway.frame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.spillway.frame.exec.Executor;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ConsoleProgress;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.io.CsvSource;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.MorselScheduler;
import org.spillway.parallel.ProgressListener;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.ChunkStore;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.table.TableSnapshot;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.file.SpillDirectory;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.ProcessMemory;
import org.spillway.spill.vector.VectorBuilder;

/**
 * A Spillway session: the memory budget every chunk and operator reserves from, the spill
 * directory, the chunk store of collected frames, and the worker pool. Open one per application
 * (or per test), read data through it, and close it:
 *
 * <pre>{@code
 * try (var sw = Spillway.builder().memoryLimit("1g").build()) {
 *     var events = sw.readCsv("data/events-*.csv");
 *     events.filter(col("amount").gt(100)).show();
 * }
 * }</pre>
 *
 * <p>{@link #close()} drops every collected frame, deletes the spill files, stops the workers, and
 * fails loudly (with an {@link IllegalStateException} naming the holders) if memory reservations or
 * pinned chunks leaked.
 *
 * <p><b>Threads.</b> A session and its frames are thread-safe: queries started from several threads at once run
 * concurrently on the session's workers and share its memory budget (each gets the results it gets alone;
 * {@code SessionConcurrencyTest}). Under a small budget concurrent queries spill more, since they share it.
 * Closing a session while queries still run on other threads fails those queries.
 */
public final class Spillway implements AutoCloseable {
    /** The smallest memory limit a session accepts. */
    public static final long MIN_MEMORY = 1L << 20;

    /**
     * The fixed memory the JVM needs beside the heap and the off-heap budget, which the memory limit does not
     * cover: metaspace (loaded classes), the JIT's code cache, thread stacks, the garbage collector's
     * structures, malloc arenas and native buffers of the compression libraries. Measured with the launcher's
     * flags on JDK 25, 2 cores (bench/README.md, "Peak RSS"): an idle session's RSS is about 60 MiB, and after
     * a group by of 4 M groups, a grace join and a sort that spill, 100-130 MiB beside heap and budget. A
     * process whose heap is inside the limit stays under {@code memoryLimit + JVM_OVERHEAD}
     * ({@code ProcessRssTest}).
     */
    public static final long JVM_OVERHEAD = 160L << 20;

    private final long limit;
    private final long maxHeap;
    private final MemoryBudget budget;
    private final SpillDirectory spillDir;
    private final ChunkStore store;
    private final MorselScheduler scheduler;
    private final int chunkRows;
    private final Boolean progress;
    private final Executor executor;
    private final AtomicInteger frameIds = new AtomicInteger();
    private final org.spillway.frame.exec.pipeline.Counters counters = new org.spillway.frame.exec.pipeline.Counters();
    private final List<StoredFrame> frames = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Spillway(Builder b) {
        long limit = b.memoryLimit > 0 ? b.memoryLimit : defaultMemoryLimit();
        if (limit < MIN_MEMORY) {
            throw new SpillwayException("memoryLimit(" + MemoryBudget.formatBytes(limit) + ") is below the minimum of "
                    + MemoryBudget.formatBytes(MIN_MEMORY));
        }
        this.limit = limit;
        this.maxHeap = ProcessMemory.maxHeap();
        org.spillway.spill.memory.MallocTuning.apply();
        BudgetSplit split = Builder.budgetSplit(limit, maxHeap);
        Builder.warnIfUnbounded(limit, maxHeap, split, ProcessMemory.available());
        int parallelism = b.parallelism > 0 ? b.parallelism : MorselScheduler.defaultParallelism();
        this.chunkRows = b.chunkRows > 0 ? b.chunkRows : org.spillway.frame.exec.pipeline.MemoryPolicy.defaultChunkRows(limit, parallelism);
        this.progress = b.progress;
        this.budget = split.shared() ? new MemoryBudget(limit) : MemoryBudget.split(split.offHeap(), split.heap());
        Path base = b.spillDir != null ? b.spillDir : Path.of(System.getProperty("java.io.tmpdir"), "spillway");
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new SpillwayException("Cannot create the spill directory " + base + ": " + e.getMessage(), e);
        }
        this.spillDir = SpillDirectory.create(base, b.maxSpillBytes);
        this.store = new ChunkStore(budget, spillDir, "frames");
        this.scheduler = new MorselScheduler(parallelism);
        this.executor = new Executor(new ExecContext(budget, store, scheduler, chunkRows, this::progressFor, frameIds::incrementAndGet,
                counters));
    }

    /** A builder with the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A session with every default. */
    public static Spillway create() {
        return builder().build();
    }

    /**
     * The default memory limit: the {@code spillway.memory} system property or else the {@code SPILLWAY_MEMORY}
     * environment variable (a size such as {@code 2g}; {@code ./spillway} sets both), else half of the memory
     * available to this process (the machine's, or its cgroup's limit when lower), at least 64 MiB. The limit
     * covers the heap too: see {@link Builder}.
     */
    public static long defaultMemoryLimit() {
        for (String s : new String[] {System.getProperty("spillway.memory"), System.getenv("SPILLWAY_MEMORY")}) {
            if (s != null && !s.isBlank()) {
                try {
                    return MemoryBudget.parseBytes(s);
                } catch (IllegalArgumentException e) {
                    throw new SpillwayException("SPILLWAY_MEMORY (or -Dspillway.memory) is not a memory size: " + e.getMessage(), e);
                }
            }
        }
        return Math.max(64L << 20, ProcessMemory.available() / 2);
    }

    /** Physical memory available to this process: the OS total, capped by a cgroup (v2 or v1) limit. */
    public static long availableMemory() {
        return ProcessMemory.available();
    }

    private ProgressListener progressFor(String task, String unit) {
        return showsProgress() ? new ConsoleProgress(task, unit) : ProgressListener.NONE;
    }

    /**
     * Whether long work reports progress on standard error: as set by {@link Builder#progress}, else
     * only when standard output is a terminal. Libraries built on frames (the ML learners) follow it.
     */
    public boolean showsProgress() {
        return progress != null ? progress : System.console() != null && System.console().isTerminal();
    }

    // ---- reading ---------------------------------------------------------------------------

    /**
     * A lazy frame over CSV data: a file, a directory (every {@code *.csv} in it) or a glob such as
     * {@code data/events-*.csv}. Only a sample is read now, to infer the schema; see {@link CsvOptions}.
     */
    public DataFrame readCsv(String pathOrGlobOrDir) {
        return readCsv(pathOrGlobOrDir, CsvOptions.defaults());
    }

    /** {@link #readCsv(String)} with options (delimiter, header, null strings, types, bad-row policy, ...). */
    public DataFrame readCsv(String pathOrGlobOrDir, CsvOptions options) {
        checkOpen();
        return new DataFrame(this, new LogicalPlan.CsvScan(CsvSource.open(pathOrGlobOrDir, options), null));
    }

    /**
     * A lazy frame over Parquet data: a file, a directory (every {@code *.parquet} file below it, with
     * Hive-style {@code key=value/} directories as columns) or a glob such as {@code lake/*.parquet}.
     * Only the footers are read now. Files whose schemas differ are unified by column name (see
     * {@link ParquetSource}). Queries read only the columns they use, skip row groups and pages whose
     * statistics rule out a filter, and decode row groups in parallel; {@code count()} of an
     * unfiltered scan is answered from the footers. Errors name the file (and row group and column).
     *
     * <pre>{@code
     * DataFrame trips = sw.readParquet("lake/trips/");
     * trips.filter(col("fare").gt(100)).groupBy("vendor").agg(count()).show();
     * }</pre>
     */
    public DataFrame readParquet(String pathOrGlobOrDir) {
        checkOpen();
        return new DataFrame(this, new LogicalPlan.ParquetScan(ParquetSource.open(pathOrGlobOrDir), null, null));
    }

    /** {@link #readParquet(String)} for a path. */
    public DataFrame readParquet(Path path) {
        return readParquet(path.toString());
    }

    /**
     * A lazy frame over an opened {@link ParquetSource}, e.g. some data files of a table
     * ({@link ParquetSource#ofFiles}).
     */
    public DataFrame readParquet(ParquetSource source) {
        checkOpen();
        return new DataFrame(this, new LogicalPlan.ParquetScan(source, null, null));
    }

    /**
     * A lazy frame over a table snapshot (what {@code DeltaTable}, {@code IcebergTable} and {@code HudiTable}
     * read through): nothing is opened now; a query reads only the files whose metadata statistics and
     * partition values allow its filter, and {@code count()} is answered from the metadata where it can be
     * (see {@link TableSnapshot}).
     */
    public DataFrame readTable(TableSnapshot snapshot) {
        checkOpen();
        return new DataFrame(this, new LogicalPlan.TableScan(snapshot, null, null));
    }

    /**
     * The latest version of the Delta Lake table at {@code path}, as a lazy frame with Parquet
     * pushdown; see {@link org.spillway.frame.delta.DeltaTable} for other versions and the history.
     */
    public DataFrame readDelta(String path) {
        checkOpen();
        return org.spillway.frame.delta.DeltaTable.forPath(this, path).toDF();
    }

    /**
     * The current snapshot of the Apache Iceberg table at {@code path} (a table directory or a metadata
     * file), as a lazy frame with Parquet pushdown; see {@link org.spillway.frame.iceberg.IcebergTable}
     * for other snapshots and the history.
     */
    public DataFrame readIceberg(String path) {
        checkOpen();
        return org.spillway.frame.iceberg.IcebergTable.forPath(this, path).toDF();
    }

    /**
     * The latest commit of the Apache Hudi table at {@code path} (merge-on-read tables: the snapshot
     * view, base files merged with their log files), as a lazy frame with Parquet pushdown; see {@link org.spillway.frame.hudi.HudiTable} for
     * time travel and the incremental query.
     */
    public DataFrame readHudi(String path) {
        checkOpen();
        return org.spillway.frame.hudi.HudiTable.forPath(this, path).toDF();
    }

    /** {@link #readCsv(String, CsvOptions)} for a path. */
    public DataFrame readCsv(Path path, CsvOptions options) {
        checkOpen();
        return new DataFrame(this, new LogicalPlan.CsvScan(CsvSource.open(path, options), null));
    }

    /**
     * A collected frame of {@code rows}, each an {@code Object[]} or a {@code List} of values in
     * schema order (Integer/Long/Double/Boolean/String/LocalDate/Instant, LocalDateTime for timestamp_ntz, LocalTime for
     * time, byte[] for binary, or null).
     */
    public DataFrame createDataFrame(Schema schema, List<?> rows) {
        checkOpen();
        List<VectorBuilder> builders = ChunkOps.builders(schema, Math.min(chunkRows, Math.max(1, rows.size())));
        List<ChunkHandle> handles = new ArrayList<>();
        try {
            int inChunk = 0;
            int rowNo = 0;
            for (Object r : rows) {
                Object[] values = switch (r) {
                    case Object[] a -> a;
                    case List<?> l -> l.toArray();
                    case null, default -> throw new IllegalArgumentException("Row " + rowNo + " is not an Object[] or a List: " + r);
                };
                if (values.length != schema.size()) {
                    throw new IllegalArgumentException("Row " + rowNo + " has " + values.length + " values but the schema has "
                            + schema.size() + " columns " + schema.names());
                }
                for (int j = 0; j < values.length; j++) {
                    try {
                        builders.get(j).appendObject(values[j]);
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("Row " + rowNo + ", column '" + schema.field(j).name() + "' ("
                                + schema.type(j) + "): cannot hold " + values[j] + " (" + e.getMessage() + ")", e);
                    }
                }
                rowNo++;
                if (++inChunk == chunkRows) {
                    handles.add(flush(schema, builders, inChunk));
                    inChunk = 0;
                }
            }
            if (inChunk > 0) {
                handles.add(flush(schema, builders, inChunk));
            }
        } catch (RuntimeException | Error e) {
            handles.forEach(ChunkHandle::close);
            throw e;
        }
        return adopt(new StoredFrame("created#" + frameIds.incrementAndGet(), schema, handles));
    }

    /**
     * A collected frame of the rows of {@code generator}, made without a file: blocks of
     * {@link #chunkRows()} rows are filled in parallel on the session's workers, each into a chunk
     * reserved from the memory budget and kept in the chunk store, which spills chunks to disk past
     * the memory limit (so the frame may be larger than memory). The frame's rows are in generator
     * order and, since a generator's rows depend only on their index, the same at any parallelism.
     * Costs one pass over the rows; the heap holds one block per worker while it is filled.
     *
     * <pre>{@code
     * var train = sw.generate(Synthetic.classification(1_000_000).numericFeatures(20).seed(7));
     * }</pre>
     *
     * @throws SpillwayException if the generator breaks its contract (a wrong number of values)
     * @throws org.spillway.spill.memory.BudgetExceededException if a chunk cannot be had even after
     *         spilling; on any failure the chunks made so far are dropped and nothing stays reserved
     */
    public DataFrame generate(RowGenerator generator) {
        checkOpen();
        Objects.requireNonNull(generator, "generator");
        return adopt(executor.generate(generator));
    }

    /**
     * A lazy frame of the rows of {@code generator}: nothing is generated or stored until an action runs, and each
     * action generates the rows again (blocks of {@link #chunkRows()} rows, in parallel on the session's workers).
     * Where {@link #generate} stores the rows once (spilling past the memory limit), this streams them, so
     * {@code sw.scanGenerator(g).writeParquet(path)} or a group by over it holds only a few chunks, for any number of
     * rows. Rows are in generator order and the same at any parallelism. {@code cache()} stores it when several
     * actions will read it.
     *
     * <pre>{@code
     * sw.scanGenerator(Synthetic.classification(1_000_000_000L).numericFeatures(5).seed(7)).writeParquet(Path.of("big"));
     * }</pre>
     */
    public DataFrame scanGenerator(RowGenerator generator) {
        checkOpen();
        Objects.requireNonNull(generator, "generator");
        if (generator.rows() < 0) {
            throw new SpillwayException("The generator " + generator + " says it has " + generator.rows()
                    + " rows: rows() must be >= 0");
        }
        return new DataFrame(this, new LogicalPlan.GeneratorScan(generator, null));
    }

    /** The number of chunks the session's store holds (for leak checks in tests). */
    int storedChunks() {
        return store.chunkCount();
    }

    private ChunkHandle flush(Schema schema, List<VectorBuilder> builders, int rows) {
        Chunk c = schema.size() == 0 ? Chunk.empty(schema, rows) : Chunk.build(schema, builders, budget, "createDataFrame");
        builders.forEach(VectorBuilder::reset);
        try {
            return store.put(c);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    // ---- for DataFrame ---------------------------------------------------------------------

    Executor executor() {
        checkOpen();
        return executor;
    }

    DataFrame adopt(StoredFrame f) {
        frames.add(f);
        if (closed) {
            f.close();
            checkOpen();
        }
        return new DataFrame(this, new LogicalPlan.ChunkScan(f, null, null));
    }

    void release(StoredFrame f) {
        frames.remove(f);
        f.close();
    }

    void checkOpen() {
        if (closed) {
            throw new SpillwayException("This Spillway session is closed");
        }
    }

    // ---- information -----------------------------------------------------------------------

    /** The memory budget (limit, used, peak, spilled bytes). */
    public MemoryBudget budget() {
        return budget;
    }

    /**
     * The memory limit in bytes: what the process may use beside {@link Spillway#JVM_OVERHEAD}, heap included when the heap fits
     * in it (see {@link Builder}); {@code budget()} has its off-heap and heap parts.
     */
    public long memoryLimit() {
        return limit;
    }

    /**
     * The session's memory now: the limit and its split, the budget's use and peak, and the process's RSS and peak
     * RSS (Linux {@code /proc/self/status}), e.g. {@code sw.memory().peakRss()}; printed, one line.
     */
    public SessionMemory memory() {
        return new SessionMemory(limit, maxHeap, Builder.budgetSplit(limit, maxHeap), budget.used(), budget.heapUsed(), budget.peak(),
                ProcessMemory.rss(), ProcessMemory.peakRss());
    }

    /** Worker threads. */
    public int parallelism() {
        return scheduler.parallelism();
    }

    /** Target rows per chunk. */
    public int chunkRows() {
        return chunkRows;
    }

    /**
     * Records an output being staged beside its target (a hidden {@code .tmp} file or directory, renamed into place when
     * complete) with this session: if the process dies before the handle is closed, the next session that sweeps the spill
     * base deletes it (see {@link SpillDirectory#stage}). Internal to Spillway's writers.
     */
    public SpillDirectory.Staged stageOutput(Path staged) {
        return spillDir.stage(staged);
    }

    /** This session's spill directory (deleted on close). */
    public Path spillDirectory() {
        return spillDir.path();
    }

    /** Compressed bytes written to spill files so far. */
    public long spilledBytes() {
        return store.spilledBytes();
    }

    /**
     * What operators counted so far in this session, sorted by name: for example
     * {@code join.partitioned} (joins that ran out of core, partitioned by key hash),
     * {@code join.partitionBytes} and {@code join.pieces} (build pieces of partitions that hashing
     * could not split, such as one key holding most rows), {@code groupby.passThroughRows} (input
     * rows a group by sent to its partitions without pre-aggregating, because its keys hardly
     * repeated) and {@code groupby.sortedValues} (groups whose holistic values were sorted out of core);
     * and the chunk memory pool's {@code pool.*} counters ({@code pool.arenasCreated}, {@code pool.hits},
     * {@code pool.misses}, ...: {@link org.spillway.spill.memory.SegmentPool#stats()}); and the budget's
     * {@code memory.revokes.<operator>} (spills an operator made because the budget was short),
     * {@code memory.revokedBytes.<operator>} and {@code memory.revokeRequests.<operator>}
     * ({@link MemoryBudget#revokeStats()}); {@code csv.badRows} (rows a CSV read skipped or nulled under
     * {@code onBadRow(SKIP)} or {@code NULL}) and {@code csv.invalidUtf8Replaced} (values whose invalid UTF-8 was
     * replaced under {@code invalidUtf8(REPLACE)}), summed over this session's queries.
     */
    public java.util.Map<String, Long> counters() {
        java.util.Map<String, Long> m = counters.snapshot();
        m.putAll(budget.pool().stats());
        m.putAll(budget.revokeStats());
        return m;
    }

    /**
     * One line: the off-heap budget, in use, peak, chunks spilled and read back, spill bytes on disk, and the process's
     * RSS and peak RSS.
     */
    public String memoryReport() {
        long rss = ProcessMemory.rss();
        long peakRss = ProcessMemory.peakRss();
        return String.format(Locale.ROOT,
                "memory: budget %s, in use %s, peak %s; spilled %,d chunks (%s released, %s LZ4 on disk), read back %,d chunks;"
                        + " RSS %s, peak %s",
                MemoryBudget.formatBytes(budget.limit()), MemoryBudget.formatBytes(budget.used()),
                MemoryBudget.formatBytes(budget.peak()), store.spillWrites(), MemoryBudget.formatBytes(budget.spilledBytes()),
                MemoryBudget.formatBytes(store.spilledBytes()), store.unspills(),
                rss < 0 ? "n/a" : MemoryBudget.formatBytes(rss), peakRss < 0 ? "n/a" : MemoryBudget.formatBytes(peakRss));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Spillway[memoryLimit=%s, budget=%s, parallelism=%d, chunkRows=%d, spillDir=%s]",
                MemoryBudget.formatBytes(limit), MemoryBudget.formatBytes(budget.limit()), scheduler.parallelism(), chunkRows,
                spillDir.path());
    }

    /**
     * Drops all collected frames, deletes the spill files, stops the workers, then checks for
     * leaks.
     *
     * @throws IllegalStateException if chunks were still pinned or memory still reserved
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Throwable> errors = new ArrayList<>();
        for (StoredFrame f : frames) {
            run(errors, f::close);
        }
        frames.clear();
        run(errors, store::close);
        run(errors, spillDir::close);
        run(errors, scheduler::close);
        run(errors, budget::close);
        if (!errors.isEmpty()) {
            RuntimeException e = errors.getFirst() instanceof RuntimeException r ? r : new IllegalStateException(errors.getFirst());
            for (int i = 1; i < errors.size(); i++) {
                e.addSuppressed(errors.get(i));
            }
            throw e;
        }
    }

    private static void run(List<Throwable> errors, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            errors.add(e);
        }
    }

    /**
     * Settings for a {@link Spillway} session.
     *
     * <p><b>What the memory limit covers.</b> {@link #memoryLimit(String)} is the size of the whole process, less a
     * fixed {@link Spillway#JVM_OVERHEAD} (metaspace, code cache, thread stacks, GC structures): the Java heap plus the
     * off-heap memory of chunks. The budget has two parts with caps of their own: an <em>off-heap</em> part for chunk
     * vectors (spilled to disk when it runs short) and a <em>heap</em> part for operator state, which lives on the Java
     * heap (hash tables, join tables, sort keys, decode buffers; an operator spills its state when its part runs
     * short). A heap fills with garbage up to its maximum ({@code -Xmx}) whatever it holds, so the process's size is
     * {@code maxHeap + offHeap + JVM_OVERHEAD}, and the split is made here, in one place ({@link #budgetSplit}):
     * <ul>
     *   <li>If the JVM's maximum heap is at most the limit, the off-heap part is {@code max(limit - maxHeap, limit / 4)}
     *       and the heap part {@code min(maxHeap / 4, limit / 2)}: the rest of the heap holds what reservations do not
     *       count (chunk objects, about 1 KiB each, the copies a growing table makes, I/O buffers, an in-process JShell
     *       compiler) and garbage; measured, a heap holds 2-2.5 times its reserved operator state at the peak. With
     *       {@code -Xmx} at most three quarters of the limit the process's RSS stays under {@code limit + JVM_OVERHEAD}
     *       ({@code ProcessRssTest}); with a larger heap, under {@code maxHeap + limit / 4 + JVM_OVERHEAD}.</li>
     *   <li>Otherwise (the JVM's default heap is a quarter of the machine) the heap cannot be inside the limit: the two
     *       parts share the whole limit, the process may grow to {@code maxHeap + limit + JVM_OVERHEAD}, and
     *       {@link #build()} logs a warning (once per JVM and limit) naming the {@code -Xmx} to set.</li>
     * </ul>
     * {@link #build()} also warns when the projected size exceeds the memory available to the process (the machine's,
     * or its cgroup's limit). {@code ./spillway} starts the JVM with {@code -Xmx} three quarters of
     * {@code SPILLWAY_MEMORY} ({@link #heapFor}), or {@link #LAUNCHER_HEAP} when it is not set, so a limit set in code
     * down to about a third of a gigabyte is still honoured. Library users: start the JVM with {@code -Xmx} at most
     * three quarters of the limit ({@code -Xmx768m} for {@code memoryLimit("1g")}), or smaller: a smaller heap leaves
     * more of the limit to chunks and less to operator state.
     */
    public static final class Builder {
        private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private long memoryLimit;
        private Path spillDir;
        private int parallelism;
        private int chunkRows;
        private Boolean progress;
        private long maxSpillBytes;

        private Builder() {
        }

        /**
         * The memory limit, e.g. {@code "512m"}, {@code "4g"} (default: {@link #defaultMemoryLimit()}): the process's
         * size less {@link Spillway#JVM_OVERHEAD}, the heap included when {@code -Xmx} is at most the limit; the budget's
         * parts, off-heap chunks and operator state on the heap, follow from it and the heap (see {@link Builder}).
         */
        public Builder memoryLimit(String size) {
            return memoryLimit(MemoryBudget.parseBytes(size));
        }

        /** The memory limit in bytes. */
        public Builder memoryLimit(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memoryLimit must be positive, got " + bytes);
            }
            this.memoryLimit = bytes;
            return this;
        }

        /** Where spill files go (default {@code <java.io.tmpdir>/spillway}); each session uses a fresh subdirectory. */
        public Builder spillDir(String dir) {
            return spillDir(Path.of(dir));
        }

        /** {@link #spillDir(String)} as a path. */
        public Builder spillDir(Path dir) {
            this.spillDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Disk space spill files may take, e.g. {@code "100g"} (default: unlimited). */
        public Builder maxSpillDisk(String size) {
            this.maxSpillBytes = MemoryBudget.parseBytes(size);
            return this;
        }

        /** Worker threads (default: every available core). */
        public Builder parallelism(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
            }
            this.parallelism = n;
            return this;
        }

        /**
         * Target rows per chunk (default: 128 Ki rows, less when the memory limit is small so that
         * every worker can hold a few chunks).
         */
        public Builder chunkRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("chunkRows must be positive, got " + rows);
            }
            this.chunkRows = rows;
            return this;
        }

        /**
         * Whether long work (over two seconds) shows its progress on standard error (default: only
         * when the console is a terminal): a bar with the rate and time left on a terminal, plain lines
         * (one per stage, no {@code \r}) when standard error is a file or a pipe; see
         * {@link org.spillway.frame.exec.pipeline.ConsoleProgress}.
         */
        public Builder progress(boolean show) {
            this.progress = show;
            return this;
        }

        /**
         * Opens the session. Logs a one-line warning (SLF4J, once per JVM and limit) if the process cannot stay near the
         * limit: the heap does not fit inside it, or heap and limit exceed the memory available (see {@link Builder}).
         */
        public Spillway build() {
            return new Spillway(this);
        }

        /**
         * How a session with memory limit {@code limit} in a JVM whose maximum heap is {@code maxHeap} divides its budget
         * (see {@link Builder}): when the heap is at most the limit, an off-heap part of
         * {@code max(limit - maxHeap, limit / 4)} and a heap part of {@code min(maxHeap / 4, limit / 2)}; else one budget
         * of the whole limit, shared.
         */
        public static BudgetSplit budgetSplit(long limit, long maxHeap) {
            if (maxHeap > limit) {
                return new BudgetSplit(limit, limit, true);
            }
            long offHeap = Math.max(limit - maxHeap, limit / 4);
            long heap = Math.max(MIN_MEMORY / 2, Math.min(maxHeap / 4, limit / 2));
            return new BudgetSplit(offHeap, heap, false);
        }

        /**
         * The heap {@code ./spillway} gives the JVM when {@code SPILLWAY_MEMORY} is not set: 256 MiB, so that a session
         * opened with the default limit keeps its chunks off-heap and one opened with a smaller limit in code (down to
         * about a third of a gigabyte) still bounds the process. Operator state then has a heap part of 64 MiB.
         */
        public static final long LAUNCHER_HEAP = 256L << 20;

        /**
         * The heap {@code ./spillway} gives a JVM whose memory limit is {@code limit} ({@code -Xmx}): three quarters of
         * the limit, at least 32 MiB, so that the heap holds three times the budget (the other quarter) of operator
         * state, with room for chunk objects and garbage (q10 at 1e7 rows under 256 MiB needed a 192 MiB heap). The
         * launcher script computes the same figure from {@code SPILLWAY_MEMORY}.
         */
        public static long heapFor(long limit) {
            return Math.max(32L << 20, limit / 4 * 3);
        }

        /** Logs the warnings of {@link #build()}: the heap beside the limit, or more in all than is available. */
        static void warnIfUnbounded(long limit, long maxHeap, BudgetSplit split, long available) {
            long projected = split.maxRss(maxHeap);
            String msg = null;
            if (split.shared()) {
                msg = String.format(Locale.ROOT, "Spillway: memoryLimit(%s) does not bound this process: the JVM's maximum heap (%s) is"
                                + " larger than it, so the process may reach %s (heap + limit + %s JVM overhead);"
                                + " start the JVM with -Xmx%dm to keep it under %s",
                        MemoryBudget.formatBytes(limit), MemoryBudget.formatBytes(maxHeap), MemoryBudget.formatBytes(projected),
                        MemoryBudget.formatBytes(JVM_OVERHEAD), heapFor(limit) >> 20, MemoryBudget.formatBytes(limit + JVM_OVERHEAD));
            }
            if (projected > available) {
                msg = String.format(Locale.ROOT, "Spillway: memoryLimit(%s) with a maximum heap of %s may reach %s, more than the %s"
                                + " available (%s); lower the memory limit%s",
                        MemoryBudget.formatBytes(limit), MemoryBudget.formatBytes(maxHeap), MemoryBudget.formatBytes(projected),
                        MemoryBudget.formatBytes(available), ProcessMemory.availableSource(),
                        split.shared() ? String.format(Locale.ROOT, " or start the JVM with -Xmx%dm", heapFor(limit) >> 20) : "");
            }
            if (msg != null && WARNED.size() < 64 && WARNED.add(msg)) {
                org.slf4j.LoggerFactory.getLogger(Spillway.class).warn(msg);
            }
        }
    }
}
