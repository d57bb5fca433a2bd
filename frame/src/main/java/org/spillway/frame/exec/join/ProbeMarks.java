package org.spillway.frame.exec.join;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * A bit per probe row of a stored probe partition: matched in some build piece. A skewed partition
 * is joined piece by piece of its build side, so whether a probe row matched (what outer, semi and
 * anti joins need) is only known after the last piece; the bits carry it across pieces. A row is
 * numbered by its chunk's start ({@link #start}, indexed by morsel: a stored frame gives one chunk
 * per morsel) plus its row in the chunk. Workers set bits concurrently, hence the atomic OR.
 */
final class ProbeMarks {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    final long[] bits;
    final int[] start;

    ProbeMarks(List<ChunkHandle> chunks) {
        start = new int[chunks.size() + 1];
        long t = 0;
        for (int i = 0; i < chunks.size(); i++) {
            start[i] = (int) t;
            t += chunks.get(i).rows();
        }
        start[chunks.size()] = (int) t;
        bits = new long[(int) ((t + 63) >>> 6)];
    }

    /** Sets the bit; true if it was clear. */
    boolean set(int id) {
        long bit = 1L << id;
        long prev = (long) LONGS.getAndBitwiseOr(bits, id >>> 6, bit);
        return (prev & bit) == 0;
    }

    boolean get(int id) {
        return (bits[id >>> 6] & (1L << id)) != 0;
    }
}
