package org.spillway.frame.exec.pipeline;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.spillway.spill.chunk.Chunk;

/** Counts rows; with a limit, stops once that many were seen (any rows: a count does not care which). */
public final class CountTerminal implements Terminal<long[], Long> {
    private final long limit;
    private final LongAdder seen = new LongAdder();

    public CountTerminal(long limit) {
        this.limit = limit;
    }

    @Override
    public long[] newLocal() {
        return new long[1];
    }

    @Override
    public boolean accept(long[] local, int seq, int index, Chunk chunk, boolean independent) {
        local[0] += chunk.rows();
        if (limit >= 0) {
            seen.add(chunk.rows());
        }
        return false;
    }

    @Override
    public boolean isDone() {
        return limit >= 0 && seen.sum() >= limit;
    }

    @Override
    public Long finish(List<long[]> locals) {
        long n = 0;
        for (long[] l : locals) {
            n += l[0];
        }
        return limit >= 0 ? Math.min(n, limit) : n;
    }
}
