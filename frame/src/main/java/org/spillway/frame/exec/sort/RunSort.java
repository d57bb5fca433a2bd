package org.spillway.frame.exec.sort;

import it.unimi.dsi.fastutil.ints.IntArrays;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Sorts the rows of a sort buffer (chunks with key columns and a position column) into the order of
 * a run: by the keys, then the input position.
 *
 * <p>Each row becomes a record of longs: per key its normalized value ({@link SortKeys#normalized},
 * made unsigned), then a payload holding the row's index and, per key with nulls, whether it sorts
 * late for being null or not; plus the position when the rows are not already in position order.
 * The records are sorted by a least-significant-digit radix sort (stable, one pass per byte that is
 * not the same in every record; a null flag is one pass with two buckets), which moves records
 * through memory in sequence instead of chasing indices as a comparison sort does. Normalized values
 * are exact except for strings of 8 bytes or more: rows whose keys are equal up to such a string
 * are then put in order by a comparison sort of just those rows, reading the strings.
 *
 * <p>Memory (heap, per row): two records of {@code 8 x (keys + 1)} bytes (one more long without
 * position order), the position (8) and the chunk number (4); see {@link #heapBytesPerRow}.
 */
public final class RunSort {
    /** Rows of a sorted buffer in order: the r-th is row {@code rows[r]} of buffer chunk {@code slots[r]}. */
    record SortedRows(int[] slots, int[] rows) {
    }

    private static final long INDEX_MASK = 0xFFFF_FFFFL;
    /** The payload has a null flag for each of this many keys; sorts by more keys compare rows instead. */
    private static final int MAX_RADIX_KEYS = 31;

    private RunSort() {
    }

    /** Heap bytes per row that {@link #sort} takes at most with {@code keys} keys. */
    static long heapBytesPerRow(int keys) {
        return 16L * (keys + 2) + 8 + 4 + 8;
    }

    /** The rows of {@code chunks} (in order, {@code n} in all) sorted by {@code order} over {@code keyColumns}, then {@code posColumn}. */
    static SortedRows sort(SortKeys order, List<Chunk> chunks, int[] keyColumns, int posColumn, int n) {
        int nk = keyColumns.length;
        int[] chunkStart = new int[chunks.size() + 1];
        int[] chunkOf = new int[n];
        long[] pos = new long[n];
        boolean positionOrder = true;
        int g = 0;
        for (int c = 0; c < chunks.size(); c++) {
            Chunk ch = chunks.get(c);
            int rows = ch.rows();
            chunkStart[c] = g;
            MemorySegment.copy(((LongVector) ch.column(posColumn)).data(), ValueLayout.JAVA_LONG, 0, pos, g, rows);
            java.util.Arrays.fill(chunkOf, g, g + rows, c);
            g += rows;
        }
        chunkStart[chunks.size()] = g;
        for (int i = 1; i < n && positionOrder; i++) {
            positionOrder = pos[i - 1] < pos[i];
        }
        if (nk > MAX_RADIX_KEYS) {
            return comparisonSort(order, chunks, keyColumns, posColumn, n, chunkOf, chunkStart);
        }
        // records: nk keys, [position], payload (null flags << 32 | index)
        int stride = nk + (positionOrder ? 1 : 2);
        int payload = stride - 1;
        long[] rec = new long[stride * n];
        long[] tmp = new long[0];
        int nullKeys = 0;
        for (int c = 0; c < chunks.size(); c++) {
            Chunk ch = chunks.get(c);
            int rows = ch.rows();
            int base = chunkStart[c];
            if (tmp.length < rows) {
                tmp = new long[rows];
            }
            for (int k = 0; k < nk; k++) {
                ColumnVector v = ch.column(keyColumns[k]);
                order.normalize(k, v, 0, rows, tmp, 0);
                boolean hasNulls = v.hasNulls();
                long lateIfNull = order.nullsFirst(k) ? 0 : 1L << (32 + k);
                long lateIfValue = order.nullsFirst(k) ? 1L << (32 + k) : 0;
                for (int i = 0; i < rows; i++) {
                    int at = (base + i) * stride;
                    if (hasNulls && v.isNull(i)) {
                        rec[at + k] = 0; // nulls tie with each other on this key
                        rec[at + payload] |= lateIfNull;
                    } else {
                        rec[at + k] = tmp[i] ^ Long.MIN_VALUE; // signed order as unsigned digits
                        rec[at + payload] |= lateIfValue;
                    }
                }
                if (hasNulls) {
                    nullKeys |= 1 << k;
                }
            }
        }
        for (int e = 0; e < n; e++) {
            int at = e * stride;
            rec[at + payload] |= e;
            if (!positionOrder) {
                rec[at + nk] = pos[e] ^ Long.MIN_VALUE;
            }
        }
        rec = radixSort(rec, new long[stride * n], stride, n, nk, positionOrder, nullKeys);
        int[] idx = new int[n];
        for (int r = 0; r < n; r++) {
            idx[r] = (int) (rec[r * stride + payload] & INDEX_MASK);
        }
        fixLongStrings(order, chunks, keyColumns, rec, stride, n, idx, chunkOf, chunkStart, pos);
        int[] slots = new int[n];
        for (int r = 0; r < n; r++) {
            int c = chunkOf[idx[r]];
            slots[r] = c;
            idx[r] -= chunkStart[c];
        }
        return new SortedRows(slots, idx);
    }

    /** A comparison sort of row indices, for sorts by more keys than the records have null flags for. */
    private static SortedRows comparisonSort(SortKeys order, List<Chunk> chunks, int[] keyColumns, int posColumn, int n,
                                             int[] chunkOf, int[] chunkStart) {
        KeyBlock[] blocks = new KeyBlock[chunks.size()];
        for (int c = 0; c < blocks.length; c++) {
            blocks[c] = KeyBlock.of(order, chunks.get(c), keyColumns, posColumn, 0, chunks.get(c).rows());
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        IntArrays.quickSort(idx, 0, n, (a, b) -> {
            int ca = chunkOf[a];
            int cb = chunkOf[b];
            return KeyBlock.compare(order, blocks[ca], a - chunkStart[ca], blocks[cb], b - chunkStart[cb]);
        });
        int[] slots = new int[n];
        for (int r = 0; r < n; r++) {
            int c = chunkOf[idx[r]];
            slots[r] = c;
            idx[r] -= chunkStart[c];
        }
        return new SortedRows(slots, idx);
    }

    /** LSD radix sort of {@code n} records; returns the array holding the sorted records ({@code a} or {@code b}). */
    private static long[] radixSort(long[] a, long[] b, int stride, int n, int nk, boolean positionOrder, int nullKeys) {
        int payload = stride - 1;
        // which bytes of which fields differ anywhere: only those need a pass
        long[] or = new long[stride];
        long[] and = new long[stride];
        java.util.Arrays.fill(and, -1L);
        for (int e = 0; e < n; e++) {
            int at = e * stride;
            for (int f = 0; f < stride; f++) {
                or[f] |= a[at + f];
                and[f] &= a[at + f];
            }
        }
        int[] count = new int[257];
        long[] src = a;
        long[] dst = b;
        // least significant first: position (when needed), then the keys from the last to the first,
        // each key's bytes from low to high and then its null flag
        if (!positionOrder) {
            for (int byteIx = 0; byteIx < 8; byteIx++) {
                if (varies(or[nk], and[nk], byteIx)) {
                    pass(src, dst, stride, n, nk, 8 * byteIx, 0xFF, count);
                    long[] t = src;
                    src = dst;
                    dst = t;
                }
            }
        }
        for (int k = nk - 1; k >= 0; k--) {
            for (int byteIx = 0; byteIx < 8; byteIx++) {
                if (varies(or[k], and[k], byteIx)) {
                    pass(src, dst, stride, n, k, 8 * byteIx, 0xFF, count);
                    long[] t = src;
                    src = dst;
                    dst = t;
                }
            }
            long bit = 1L << (32 + k);
            if ((nullKeys & (1 << k)) != 0 && ((or[payload] ^ and[payload]) & bit) != 0) {
                pass(src, dst, stride, n, payload, 32 + k, 1, count);
                long[] t = src;
                src = dst;
                dst = t;
            }
        }
        return src;
    }

    private static boolean varies(long or, long and, int byteIx) {
        return (((or ^ and) >>> (8 * byteIx)) & 0xFF) != 0;
    }

    /** One stable counting pass over field {@code f}'s digit {@code (x >>> shift) & mask}. */
    private static void pass(long[] src, long[] dst, int stride, int n, int f, int shift, int mask, int[] count) {
        java.util.Arrays.fill(count, 0);
        for (int e = 0; e < n; e++) {
            count[(int) ((src[e * stride + f] >>> shift) & mask) + 1]++;
        }
        for (int d = 1; d < 257; d++) {
            count[d] += count[d - 1];
        }
        for (int e = 0; e < n; e++) {
            int at = e * stride;
            int to = count[(int) ((src[at + f] >>> shift) & mask)]++ * stride;
            for (int j = 0; j < stride; j++) {
                dst[to + j] = src[at + j];
            }
        }
    }

    /**
     * Orders the stretches of sorted rows whose normalized keys are equal up to a string of 8 bytes
     * or more (which the radix sort could not tell apart) by the full comparison, in {@code idx}.
     */
    private static void fixLongStrings(SortKeys order, List<Chunk> chunks, int[] keyColumns, long[] rec, int stride, int n,
                                       int[] idx, int[] chunkOf, int[] chunkStart, long[] pos) {
        int nk = keyColumns.length;
        int payload = stride - 1;
        boolean[] isString = new boolean[nk];
        boolean any = false;
        for (int k = 0; k < nk; k++) {
            isString[k] = chunks.getFirst().column(keyColumns[k]) instanceof StringVector;
            any |= isString[k];
        }
        if (!any) {
            return;
        }
        int from = 0;
        for (int r = 1; r <= n; r++) {
            if (r < n && tiedOnLongString(order, rec, stride, payload, r - 1, r, isString)) {
                continue;
            }
            if (r - from > 1) {
                sortStretch(order, chunks, keyColumns, rec, stride, from, r, idx, chunkOf, chunkStart, pos, isString);
            }
            from = r;
        }
    }

    /** True if sorted records {@code a} and {@code b} are equal on every key up to one that is a long string. */
    private static boolean tiedOnLongString(SortKeys order, long[] rec, int stride, int payload, int a, int b, boolean[] isString) {
        int ra = a * stride;
        int rb = b * stride;
        long flags = (rec[ra + payload] ^ rec[rb + payload]) >>> 32;
        for (int k = 0; k < isString.length; k++) {
            if ((flags & (1L << k)) != 0 || rec[ra + k] != rec[rb + k]) {
                return false;
            }
            boolean isNull = order.nullsFirst(k) ? (rec[ra + payload] & (1L << (32 + k))) == 0 : (rec[ra + payload] & (1L << (32 + k))) != 0;
            if (isString[k] && !isNull && order.isLongString(k, rec[ra + k] ^ Long.MIN_VALUE)) {
                return true;
            }
        }
        return false;
    }

    private static void sortStretch(SortKeys order, List<Chunk> chunks, int[] keyColumns, long[] rec, int stride, int from, int to,
                                    int[] idx, int[] chunkOf, int[] chunkStart, long[] pos, boolean[] isString) {
        int nk = keyColumns.length;
        int payload = stride - 1;
        int[] at = new int[to - from]; // positions in the sorted records
        for (int i = 0; i < at.length; i++) {
            at[i] = from + i;
        }
        IntArrays.quickSort(at, 0, at.length, (x, y) -> {
            int rx = x * stride;
            int ry = y * stride;
            for (int k = 0; k < nk; k++) {
                long bit = 1L << (32 + k);
                boolean lateX = (rec[rx + payload] & bit) != 0;
                boolean lateY = (rec[ry + payload] & bit) != 0;
                if (lateX != lateY) {
                    return lateX ? 1 : -1;
                }
                boolean isNull = order.nullsFirst(k) ? !lateX : lateX;
                if (isNull) {
                    continue;
                }
                long vx = rec[rx + k];
                long vy = rec[ry + k];
                if (vx != vy) {
                    return Long.compareUnsigned(vx, vy);
                }
                if (isString[k] && order.isLongString(k, vx ^ Long.MIN_VALUE)) {
                    int ex = idx[x];
                    int ey = idx[y];
                    int cx = chunkOf[ex];
                    int cy = chunkOf[ey];
                    int c = order.compareStrings(k, (StringVector) chunks.get(cx).column(keyColumns[k]), ex - chunkStart[cx],
                            (StringVector) chunks.get(cy).column(keyColumns[k]), ey - chunkStart[cy]);
                    if (c != 0) {
                        return c;
                    }
                }
            }
            return Long.compare(pos[idx[x]], pos[idx[y]]);
        });
        int[] sorted = new int[at.length];
        for (int i = 0; i < at.length; i++) {
            sorted[i] = idx[at[i]];
        }
        System.arraycopy(sorted, 0, idx, from, sorted.length);
    }
}
