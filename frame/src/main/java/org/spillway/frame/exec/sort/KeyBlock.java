package org.spillway.frame.exec.sort;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * The sort keys of a block of rows in the form the merge compares fast: per row a record of longs,
 * each key's normalized value ({@link SortKeys#normalized}) and then the row's input position, so
 * that comparing two rows reads one or two cache lines; per row a mask of its null keys when the
 * block has any; and for string keys the vector, read only to break ties of strings of 8 bytes or
 * more. A block is either the keys of some rows of a pinned run chunk (valid while it is pinned) or a
 * heap copy of one row ({@link #rowOf}), used as a chunk's fence and as a splitter of the merge.
 *
 * <p>Memory: about {@code rows * (8 * keys + 12)} bytes on the heap ({@link #heapBytes(int, int)}).
 */
public final class KeyBlock {
    final int rows;
    /** The chunk row of the block's row 0 (a block may cover part of a chunk). */
    final int base;
    /** Longs per row: the keys, then the position. */
    final int stride;
    final long[] rec;
    /** Per row {@code nullWords} longs, bit {@code k} set when key {@code k} is null; null when no key of the block is null. */
    final long[] nullMask;
    final int nullWords;
    /** Per key, the vector of a string key (in a copy: of a string of 8 bytes or more), else null. */
    final StringVector[] strings;
    /** True when some string key of the block has 8 bytes or more (ties then read the strings). */
    final boolean longStrings;

    private KeyBlock(int rows, int base, int stride, long[] rec, long[] nullMask, StringVector[] strings, boolean longStrings) {
        this.rows = rows;
        this.nullWords = (stride - 1 + 63) >>> 6;
        this.base = base;
        this.stride = stride;
        this.rec = rec;
        this.nullMask = nullMask;
        this.strings = strings;
        this.longStrings = longStrings;
    }

    /**
     * The keys of rows {@code [from, to)} of a chunk whose key columns are {@code keyColumns} and
     * position column {@code posColumn}; the block's row {@code i} is chunk row {@code from + i}.
     */
    static KeyBlock of(SortKeys order, Chunk chunk, int[] keyColumns, int posColumn, int from, int to) {
        int n = to - from;
        int nk = keyColumns.length;
        int stride = nk + 1;
        long[] rec = new long[n * stride];
        long[] tmp = new long[n];
        long[] nullMask = null;
        int words = (nk + 63) >>> 6;
        StringVector[] strings = new StringVector[nk];
        boolean longStrings = false;
        for (int k = 0; k < nk; k++) {
            ColumnVector v = chunk.column(keyColumns[k]);
            order.normalize(k, v, from, n, tmp, 0);
            boolean isString = v instanceof StringVector;
            for (int i = 0; i < n; i++) {
                rec[i * stride + k] = tmp[i];
            }
            if (v.hasNulls()) {
                if (nullMask == null) {
                    nullMask = new long[n * words];
                }
                for (int i = 0; i < n; i++) {
                    if (v.isNull(from + i)) {
                        nullMask[i * words + (k >>> 6)] |= 1L << k;
                        rec[i * stride + k] = 0; // equal nulls tie on this key
                    }
                }
            }
            if (isString) {
                strings[k] = (StringVector) v;
                for (int i = 0; i < n && !longStrings; i++) {
                    longStrings = !v.isNull(from + i) && order.isLongString(k, tmp[i]);
                }
            }
        }
        MemorySegment pos = ((LongVector) chunk.column(posColumn)).data();
        for (int i = 0; i < n; i++) {
            rec[i * stride + nk] = pos.getAtIndex(ValueLayout.JAVA_LONG, from + i);
        }
        return new KeyBlock(n, from, stride, rec, nullMask, strings, longStrings);
    }

    /** The heap {@link #of} takes for {@code rows} rows of {@code keys} keys (with nulls). */
    static long heapBytes(int rows, int keys) {
        return 128 + 8L * keys + rows * (16L * (keys + 1) + 8L * ((keys + 63) >>> 6));
    }

    /** A heap copy of the keys of row {@code row} of {@code chunk} (see {@link #of}), independent of the chunk. */
    static KeyBlock rowOf(SortKeys order, Chunk chunk, int[] keyColumns, int posColumn, int row) {
        int nk = keyColumns.length;
        long[] rec = new long[nk + 1];
        long[] one = new long[1];
        long[] mask = new long[(nk + 63) >>> 6];
        boolean anyNull = false;
        StringVector[] strings = new StringVector[nk];
        boolean longStrings = false;
        for (int k = 0; k < nk; k++) {
            ColumnVector v = chunk.column(keyColumns[k]);
            if (v.isNull(row)) {
                mask[k >>> 6] |= 1L << k;
                anyNull = true;
                continue;
            }
            order.normalize(k, v, row, 1, one, 0);
            rec[k] = one[0];
            if (v instanceof StringVector s && order.isLongString(k, one[0])) {
                strings[k] = heapString(s.getBytes(row));
                longStrings = true;
            }
        }
        rec[nk] = ((LongVector) chunk.column(posColumn)).get(row);
        return new KeyBlock(1, 0, nk + 1, rec, anyNull ? mask : null, strings, longStrings);
    }

    private static StringVector heapString(byte[] bytes) {
        return StringVector.plain(1, MemorySegment.ofArray(new int[] {0, bytes.length}), MemorySegment.ofArray(bytes), null, 0);
    }

    /** Heap bytes held (arrays and copied strings; a chunk's vectors are not counted). */
    long heapBytes() {
        long b = 128 + 8L * rec.length + (nullMask == null ? 0 : 16 + 8L * nullMask.length) + 8L * strings.length;
        if (rows == 1) {
            for (StringVector s : strings) {
                if (s != null) {
                    b += 64 + s.bytes().byteSize();
                }
            }
        }
        return b;
    }

    /**
     * Negative, zero or positive as row {@code i} of {@code a} sorts before, with or after row
     * {@code j} of {@code b} under {@code order}, the input position breaking ties (zero only for the
     * same row).
     */
    static int compare(SortKeys order, KeyBlock a, int i, KeyBlock b, int j) {
        long[] ra = a.rec;
        long[] rb = b.rec;
        int s = a.stride;
        int x = i * s;
        int y = j * s;
        if (a.nullMask == null && b.nullMask == null && !(a.longStrings && b.longStrings)) {
            // normalized keys are exact here: compare the records, position last
            for (int f = 0; f < s; f++) {
                long u = ra[x + f];
                long v = rb[y + f];
                if (u != v) {
                    return u < v ? -1 : 1;
                }
            }
            return 0;
        }
        for (int k = 0; k < s - 1; k++) {
            boolean na = a.nullMask != null && (a.nullMask[i * a.nullWords + (k >>> 6)] & (1L << k)) != 0;
            boolean nb = b.nullMask != null && (b.nullMask[j * b.nullWords + (k >>> 6)] & (1L << k)) != 0;
            if (na | nb) {
                if (na & nb) {
                    continue;
                }
                return na == order.nullsFirst(k) ? -1 : 1; // nulls are placed by nullsFirst alone
            }
            long u = ra[x + k];
            long v = rb[y + k];
            if (u != v) {
                return u < v ? -1 : 1;
            }
            if (a.strings[k] != null && order.isLongString(k, u)) {
                int c = order.compareStrings(k, a.strings[k], i + a.base, b.strings[k], j + b.base);
                if (c != 0) {
                    return c;
                }
            }
        }
        return Long.compare(ra[x + s - 1], rb[y + s - 1]);
    }

    /**
     * The first chunk row of {@code [from, to)} that sorts after {@code key} (row 0 of a copy), or
     * {@code to}: a binary search reading the key vectors {@code keys} and positions {@code pos} of a
     * sorted chunk directly.
     */
    static int firstAfter(SortKeys order, ColumnVector[] keys, LongVector pos, KeyBlock key, int from, int to) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compareRow(order, keys, pos, mid, key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@link #compare} of chunk row {@code i} (its key vectors and positions) with row 0 of {@code key}. */
    static int compareRow(SortKeys order, ColumnVector[] keys, LongVector pos, int i, KeyBlock key) {
        for (int k = 0; k < keys.length; k++) {
            ColumnVector v = keys[k];
            boolean na = v.isNull(i);
            boolean nb = key.nullMask != null && (key.nullMask[k >>> 6] & (1L << k)) != 0;
            if (na | nb) {
                if (na & nb) {
                    continue;
                }
                return na == order.nullsFirst(k) ? -1 : 1;
            }
            long x = order.normalized(k, v, i);
            long y = key.rec[k];
            if (x != y) {
                return x < y ? -1 : 1;
            }
            if (v instanceof StringVector s && order.isLongString(k, x)) {
                int c = order.compareStrings(k, s, i, key.strings[k], 0);
                if (c != 0) {
                    return c;
                }
            }
        }
        return Long.compare(pos.get(i), key.rec[keys.length]);
    }
}
