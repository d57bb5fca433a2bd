package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.Reservation;

/**
 * The runs of one {@link ExternalSort} not yet merged, and the one way their chunks enter the
 * session's chunk store: with each chunk's fence and a few samples copied to the heap first, so
 * that the merge can find key ranges and splitters without pinning (and reading back) spilled
 * chunks. Shared by the workers writing runs and by the merges, hence thread-safe.
 *
 * <p>Memory: fences and samples are reserved together as "sort samples" (one reservation per sort,
 * opened on first use); a run's share is returned when it is discarded or handed on as the result.
 */
final class RunStore {
    /** Run chunks hold at least this many rows (more when they are narrow: about {@code runChunkBytes}). */
    static final int MIN_RUN_CHUNK_ROWS = 64;
    /** Rows sampled per run (spread over its chunks), among which the splitters of the final merge are chosen. */
    static final int SAMPLES_PER_RUN = 128;
    /** At most one sample per this many rows of a run. */
    private static final int ROWS_PER_SAMPLE = 32;
    /** A run's samples take at most about this fraction (1/n) of its bytes. */
    private static final int SAMPLE_SHARE = 256;

    private final ExecContext ctx;
    private final SortKeys order;
    private final int[] keyColumns;
    private final int posColumn;
    private final List<SortedRun> runs = Collections.synchronizedList(new ArrayList<>());
    /** Bytes of the runs written by run generation so far. */
    private final AtomicLong runBytesWritten = new AtomicLong();
    private Reservation samples; // the runs' fences and samples; opened on first use

    /** The sort's registration with the budget ({@code ExternalSort#n}): every reservation of the sort is opened from it. */
    final MemoryConsumer consumer;

    RunStore(ExecContext ctx, SortKeys order, int[] keyColumns, int posColumn, MemoryConsumer consumer) {
        this.ctx = ctx;
        this.consumer = consumer;
        this.order = order;
        this.keyColumns = keyColumns;
        this.posColumn = posColumn;
    }

    /** Keeps a run written by run generation until the merge takes it. */
    void add(SortedRun run) {
        runs.add(run);
        long bytes = 0;
        for (ChunkHandle h : run.chunks) {
            bytes += h.byteSize();
        }
        runBytesWritten.addAndGet(bytes);
    }

    /** Bytes of the runs written by run generation so far (runs later merged included). */
    long bytesWritten() {
        return runBytesWritten.get();
    }

    /** Takes every run kept so far; the caller now owns them. */
    List<SortedRun> takeAll() {
        List<SortedRun> all;
        synchronized (runs) {
            all = new ArrayList<>(runs);
            runs.clear();
        }
        return all;
    }

    /** An output writing chunks of {@code run} into the store, with {@code perChunk} samples of each. */
    RunWriter.Output output(SortedRun run, int perChunk) {
        return new RunOutput(run, perChunk);
    }

    /**
     * Samples per chunk of a run of {@code rows} rows of about {@code rowBytes} bytes in chunks of
     * {@code rowsPerChunk}: about {@link #SAMPLES_PER_RUN} in all, but at most one per
     * {@value #ROWS_PER_SAMPLE} rows, and (a sample copying at most a row's keys) at most a
     * {@value #SAMPLE_SHARE}th of the run's bytes, so that under a small budget with many small runs
     * the samples stay a small part of it; at least the fence of each chunk.
     */
    static int samplesPerChunk(long rows, int rowsPerChunk, long rowBytes) {
        long chunks = Math.max(1, (rows + rowsPerChunk - 1) / rowsPerChunk);
        long wanted = Math.min(SAMPLES_PER_RUN, Math.min(rows / ROWS_PER_SAMPLE, rows * rowBytes / (SAMPLE_SHARE * (rowBytes + 128))));
        return (int) Math.max(1, Math.min(rowsPerChunk, (wanted + chunks - 1) / chunks));
    }

    /** Writes chunks of a run into the store, recording their fences and samples first. */
    private final class RunOutput implements RunWriter.Output {
        private final SortedRun run;
        private final int perChunk;

        RunOutput(SortedRun run, int perChunk) {
            this.run = run;
            this.perChunk = perChunk;
        }

        @Override
        public void accept(Chunk chunk) {
            int n = chunk.rows();
            int count = Math.min(perChunk, n);
            KeyBlock[] keys = new KeyBlock[count];
            int[] at = new int[count];
            long bytes = 0;
            ChunkHandle h;
            try {
                for (int s = 0; s < count; s++) {
                    at[s] = (int) ((long) s * n / count);
                    keys[s] = KeyBlock.rowOf(order, chunk, keyColumns, posColumn, at[s]);
                    bytes += keys[s].heapBytes() + 32;
                }
                // stored first: once in the store the chunk can spill, so the samples' memory can come from it
                h = ctx.store().putWithoutStats(chunk);
            } catch (RuntimeException | Error e) {
                chunk.close();
                throw e;
            }
            try {
                samples().grow(bytes);
            } catch (RuntimeException | Error e) {
                h.close();
                throw e;
            }
            long start = run.rows;
            run.addChunk(h, keys[0]);
            run.sampleBytes += bytes;
            for (int s = 0; s < count; s++) {
                run.addSample(keys[s], start + at[s]);
            }
        }
    }

    private synchronized Reservation samples() {
        if (samples == null) {
            samples = consumer.newReservation("sort samples");
        }
        return samples;
    }

    /** Returns a run's sample memory (its chunks are handed on or closed by the caller). */
    void forget(SortedRun run) {
        if (run.sampleBytes > 0) {
            samples().shrink(run.sampleBytes);
            run.sampleBytes = 0;
        }
    }

    /** Closes a run's chunks and returns its sample memory. */
    void discard(SortedRun run) {
        try {
            run.close();
        } finally {
            forget(run);
        }
    }

    /** Discards every run still kept and closes the sample reservation; the sort is over. */
    void discardAll() {
        try {
            synchronized (runs) {
                for (SortedRun r : runs) {
                    discard(r);
                }
                runs.clear();
            }
        } finally {
            synchronized (this) {
                if (samples != null) {
                    samples.close();
                }
            }
        }
    }
}
