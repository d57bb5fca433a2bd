package org.spillway.frame.exec.pipeline;

import java.util.function.LongSupplier;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.MemoryConsumer;

/**
 * The one memory policy: how much of the session's budget each kind of operator state may hold before
 * it must spill, and how operators register with the budget. Operators ask it ({@link ExecContext#policy()})
 * instead of computing their own fractions of the limit.
 *
 * <p><b>The share rule.</b> With budget {@code B} and {@code P} worker threads, where {@code B} is the budget's heap
 * part for operator state and {@code C} its off-heap part for chunks when the budget is split (both the whole
 * budget when shared; {@code Spillway.Builder}):
 * <ul>
 *   <li><b>Per-worker state</b> (a hash aggregate's table, a sort's run buffer, a group-by merge's
 *       table): each worker may hold {@link #workerShare() B / 2P} (so all workers together hold at most
 *       half the budget; at least 64 KiB, and a run buffer at least 256 KiB). The other half is left to
 *       chunks in flight, pinned chunks and what other operators hold.</li>
 *   <li><b>The join's build side</b> (its chunks and table, one per join): {@link #joinBuildBytes() B / 2};
 *       a larger one is partitioned (grace hash join), whose partition builders take
 *       {@link #gracePartitionBuffers() B / 8} over all partitions and workers.</li>
 *   <li><b>Sort merges</b>: the inputs of a merge take {@link #sortMergeBytes() B / 2} (the fan-in follows),
 *       the output builders {@link #sortMergeOutputBytes() B / 8}, and run chunks are
 *       {@link #sortRunChunkBytes() B / 64P} each; runs stay small (cache-sized) while the runs written fit
 *       in {@link #sortCachedRunsBytes() B / 4}.</li>
 *   <li><b>Parquet read buffers</b>: a page window and a page buffer per column read, 1 MiB each
 *       ({@code ColumnCursor.BLOCK}), grown only for larger pages.</li>
 *   <li><b>Chunks</b>: {@link #defaultChunkRows} rows, about 64 bytes each, keep one chunk under 1/16 of a
 *       worker's share of the memory limit.</li>
 * </ul>
 * Within these shares an operator grows its reservations with {@code Reservation.growOrRevoke}; when it
 * does not fit (the chunk store and the pool have nothing left to spill), the operator spills its own
 * state on its own thread and reports it, and the largest other revocable operators are asked to spill
 * at their next chunk ({@link MemoryConsumer}). No operator catches {@code BudgetExceededException}: it is
 * only the final failure, and names the operator instance ({@code HashAggregate#3}) and the largest holders.
 *
 * <p>Operators register as consumers through {@link #register}: named by kind and a per-session number,
 * their spills counted as {@code memory.revokes.<kind>} in {@code Spillway.counters()}.
 */
public final class MemoryPolicy {
    /** The least a worker's share is, however small the budget. */
    static final long MIN_WORKER_SHARE = 64 << 10;
    /** The least a sort's run buffer is. */
    static final long MIN_RUN_BYTES = 256 << 10;

    private final MemoryBudget budget;
    private final long limit;
    private final long chunkLimit;
    private final int parallelism;

    /** The policy for {@code budget} shared by {@code parallelism} workers. */
    public MemoryPolicy(MemoryBudget budget, int parallelism) {
        this.budget = budget;
        this.limit = budget.heapLimit();
        this.chunkLimit = budget.offHeapLimit();
        this.parallelism = Math.max(1, parallelism);
    }

    /** The budget's part for operator state {@code B} (its heap part when split, else the whole budget). */
    public long limit() {
        return limit;
    }

    /** A worker's share of per-worker operator state: {@code max(64 KiB, B / 2P)}. */
    public long workerShare() {
        return Math.max(MIN_WORKER_SHARE, limit / (2L * parallelism));
    }

    /** A sort worker's run buffer: {@code max(256 KiB, B / 2P)}. */
    public long sortRunBytes() {
        return Math.max(MIN_RUN_BYTES, limit / (2L * parallelism));
    }

    /** Bytes of one run chunk: {@code max(16 KiB, B / 64P)}, so that every worker can merge many runs at once. */
    public long sortRunChunkBytes() {
        return Math.max(16 << 10, limit / (64L * parallelism));
    }

    /** While the runs written take less than this ({@code C / 4}), a sort writes small runs (it likely stays in memory). */
    public long sortCachedRunsBytes() {
        return chunkLimit / 4;
    }

    /** The pinned inputs of a sort's merges, all at once: {@code B / 2}. */
    public long sortMergeBytes() {
        return limit / 2;
    }

    /** The output builders of a sort's concurrent range merges: {@code B / 8}. */
    public long sortMergeOutputBytes() {
        return limit / 8;
    }

    /**
     * A join's build side in memory, its table ({@code B / 2}) and, when the budget is shared, its chunks too; larger
     * ones are partitioned.
     */
    public long joinBuildBytes() {
        return limit / 2;
    }

    /** A join's build-side chunks in memory: {@code C / 2} ({@link #joinBuildBytes()} counts them when shared). */
    public long joinBuildChunkBytes() {
        return chunkLimit / 2;
    }

    /** Whether the budget has separate heap and off-heap parts. */
    public boolean split() {
        return budget.isSplit();
    }

    /** The partition builders of a grace join's partitioning, over all partitions and workers: {@code B / 8}. */
    public long gracePartitionBuffers() {
        return limit / 8;
    }

    /** Worker threads {@code P}. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Registers an operator instance of {@code kind} ({@code HashAggregate}, {@code ExternalSort},
     * {@code HashJoin}, {@code ParquetScan}) that cannot spill on request.
     */
    public MemoryConsumer register(String kind) {
        return budget.register(kind);
    }

    /** Registers an operator instance whose state can spill; {@code revocableBytes} is what it could give back now. */
    public MemoryConsumer register(String kind, LongSupplier revocableBytes) {
        return budget.register(kind, revocableBytes);
    }

    /**
     * Rows per chunk when the session does not set them: one chunk of ~64-byte rows under 1/16 of each
     * worker's share of the memory limit ({@code memoryLimit / (P x 1 KiB)}), from 1,024 to 131,072. Each
     * worker holds a few chunks at once (input, filtered, projected) plus what is being collected (a
     * quarter of its share of the budget when the heap is inside the limit: smaller chunks would multiply
     * the per-chunk heap objects the budget does not count).
     */
    public static int defaultChunkRows(long memoryLimit, int parallelism) {
        long byBudget = memoryLimit / ((long) Math.max(1, parallelism) * 16 * 64);
        return (int) Math.max(1024, Math.min(1 << 17, byBudget));
    }
}
