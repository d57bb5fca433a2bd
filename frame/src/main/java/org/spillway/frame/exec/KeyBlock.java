package org.spillway.frame.exec;

import java.lang.foreign.MemorySegment;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * The sort keys of a block of rows in the form the merge compares fast: per key a normalized long
 * per row ({@link SortKeys#normalized}) and, when the key has nulls, a null flag per row; the input
 * position of each row; and for string keys the vector, read only to break ties of strings of 8
 * bytes or more. A block is either the keys of a pinned run chunk (valid while it is pinned) or a
 * heap copy of one row ({@link #rowOf}), used as a chunk's fence and as a splitter of the merge.
 *
 * <p>Memory: {@link #heapBytes()}, about {@code rows * (8 * keys + 8)} on the heap.
 */
final class KeyBlock {
    final int rows;
    final long[][] norm;
    final boolean[][] nulls; // per key; null when the key has no nulls here
    final StringVector[] strings; // per key; null for other types (and, in a copy, for short strings)
    final long[] pos;

    private KeyBlock(int rows, long[][] norm, boolean[][] nulls, StringVector[] strings, long[] pos) {
        this.rows = rows;
        this.norm = norm;
        this.nulls = nulls;
        this.strings = strings;
        this.pos = pos;
    }

    /** The keys of rows {@code [0, chunk.rows())} of a chunk whose key columns are {@code keyColumns} and position column {@code posColumn}. */
    static KeyBlock of(SortKeys order, Chunk chunk, int[] keyColumns, int posColumn) {
        int n = chunk.rows();
        int nk = keyColumns.length;
        long[][] norm = new long[nk][];
        boolean[][] nulls = new boolean[nk][];
        StringVector[] strings = new StringVector[nk];
        for (int k = 0; k < nk; k++) {
            ColumnVector v = chunk.column(keyColumns[k]);
            norm[k] = new long[n];
            order.normalize(k, v, 0, n, norm[k], 0);
            if (v.hasNulls()) {
                boolean[] nl = new boolean[n];
                for (int i = 0; i < n; i++) {
                    nl[i] = v.isNull(i);
                }
                nulls[k] = nl;
            }
            if (v instanceof StringVector s) {
                strings[k] = s;
            }
        }
        long[] pos = new long[n];
        MemorySegment.copy(((LongVector) chunk.column(posColumn)).data(), java.lang.foreign.ValueLayout.JAVA_LONG, 0, pos, 0, n);
        return new KeyBlock(n, norm, nulls, strings, pos);
    }

    /** A heap copy of the keys of row {@code row} of {@code chunk} (see {@link #of}), independent of the chunk. */
    static KeyBlock rowOf(SortKeys order, Chunk chunk, int[] keyColumns, int posColumn, int row) {
        int nk = keyColumns.length;
        long[][] norm = new long[nk][];
        boolean[][] nulls = new boolean[nk][];
        StringVector[] strings = new StringVector[nk];
        for (int k = 0; k < nk; k++) {
            ColumnVector v = chunk.column(keyColumns[k]);
            norm[k] = new long[1];
            if (v.isNull(row)) {
                nulls[k] = new boolean[] {true};
                continue;
            }
            order.normalize(k, v, row, 1, norm[k], 0);
            if (v instanceof StringVector s && order.isLongString(k, norm[k][0])) {
                strings[k] = heapString(s.getBytes(row));
            }
        }
        return new KeyBlock(1, norm, nulls, strings, new long[] {((LongVector) chunk.column(posColumn)).get(row)});
    }

    private static StringVector heapString(byte[] bytes) {
        return StringVector.plain(1, MemorySegment.ofArray(new int[] {0, bytes.length}), MemorySegment.ofArray(bytes), null, 0);
    }

    /** Heap bytes held (arrays and copied strings; a chunk's vectors are not counted). */
    long heapBytes() {
        long b = 64 + 16L * rows;
        for (int k = 0; k < norm.length; k++) {
            b += 24 + 8L * rows + (nulls[k] != null ? 16 + rows : 0);
            if (rows == 1 && strings[k] != null) {
                b += 64 + strings[k].bytes().byteSize();
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
        long[][] na = a.norm;
        long[][] nb = b.norm;
        for (int k = 0; k < na.length; k++) {
            boolean[] fa = a.nulls[k];
            boolean[] fb = b.nulls[k];
            boolean xa = fa != null && fa[i];
            boolean xb = fb != null && fb[j];
            if (xa | xb) {
                if (xa & xb) {
                    continue;
                }
                return xa == order.nullsFirst(k) ? -1 : 1; // nulls are placed by nullsFirst alone
            }
            long x = na[k][i];
            long y = nb[k][j];
            if (x != y) {
                return x < y ? -1 : 1;
            }
            if (a.strings[k] != null && order.isLongString(k, x)) {
                int c = order.compareStrings(k, a.strings[k], i, b.strings[k], j);
                if (c != 0) {
                    return c;
                }
            }
        }
        return Long.compare(a.pos[i], b.pos[j]);
    }

    /** The first row of {@code [from, to)} that sorts after {@code key} (row 0 of a copy), or {@code to}: a binary search. */
    int firstAfter(SortKeys order, KeyBlock key, int from, int to) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(order, this, mid, key, 0) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
