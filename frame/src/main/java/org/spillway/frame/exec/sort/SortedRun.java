package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * One sorted run of an {@link ExternalSort}: its chunks in the chunk store (resident or spilled), in
 * order, and what the merge needs to know of them without pinning them: each chunk's first row's
 * keys (its <i>fence</i>, to find the chunks a key range touches) and a few sampled rows' keys with
 * their row numbers in the run (to choose the splitters of the parallel merge).
 *
 * <p>Memory: the fences and samples are heap copies of keys, {@link #sampleBytes} in all, reserved by
 * the sort; the chunks are the store's.
 */
public final class SortedRun {
    final List<ChunkHandle> chunks = new ArrayList<>();
    /** The first row's keys of each chunk. */
    final List<KeyBlock> fences = new ArrayList<>();
    /** Sampled rows' keys (each chunk's fence among them), and their row numbers in the run. */
    final List<KeyBlock> samples = new ArrayList<>();
    final List<Long> sampleRows = new ArrayList<>();
    /** Rows of the chunks added so far. */
    long rows;
    /** Bytes of the fences and samples reserved for this run (by the sort). */
    long sampleBytes;
    private java.util.concurrent.atomic.AtomicIntegerArray readers;

    /** Adds the next chunk of the run, whose first row's keys are {@code fence}. */
    void addChunk(ChunkHandle h, KeyBlock fence) {
        chunks.add(h);
        fences.add(fence);
        rows += h.rows();
    }

    /** Adds a sample: the keys of the run's row number {@code row}, rows being sampled in order. */
    void addSample(KeyBlock key, long row) {
        samples.add(key);
        sampleRows.add(row);
    }

    /** Closes every chunk still open (idempotent, as closing a handle is). */
    void close() {
        for (ChunkHandle h : chunks) {
            h.close();
        }
    }

    /**
     * How many merges will read chunk {@code c} (several when key ranges of the parallel merge meet
     * in it); by default one each.
     */
    void setReaders(int[] readers) {
        this.readers = new java.util.concurrent.atomic.AtomicIntegerArray(readers);
    }

    /** One reader is done with chunk {@code c}: the last one closes it (its memory and disk are freed). */
    void release(int c) {
        if (readers == null || readers.decrementAndGet(c) <= 0) {
            chunks.get(c).close();
        }
    }

    /**
     * The last chunk whose fence is at or before {@code key} (so rows after {@code key} start in it or
     * later), or -1 when every fence is after it; a binary search over the fences.
     */
    int lastChunkAtOrBefore(SortKeys order, KeyBlock key) {
        int lo = 0;
        int hi = fences.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (KeyBlock.compare(order, fences.get(mid), 0, key, 0) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
