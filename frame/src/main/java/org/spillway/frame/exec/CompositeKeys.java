package org.spillway.frame.exec;

import org.spillway.frame.agg.GroupTable;
import org.spillway.frame.agg.Hashing;
import org.spillway.frame.agg.StringPool;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.StringVector;

/**
 * Group ids for key columns whose value combinations are few, by direct index: each key column is
 * a dictionary string column or an int column without nulls, and their domains (dictionary sizes,
 * value ranges) multiply to at most {@link #MAX}. Each row's combination of dictionary codes and
 * value offsets indexes an array of group ids, so only the first row of each combination is hashed
 * (as {@link org.spillway.frame.agg.KeyBatch} hashes a row) and looked up in the table.
 *
 * <p>With int keys only, the array stays valid from chunk to chunk while the table is not cleared
 * and the chunks' values fall in the ranges it was laid out for; a chunk outside them lays it out
 * again over the union of the ranges (if that is still small enough). Dictionary codes are per
 * chunk, so with a string key it is laid out for every chunk.
 *
 * <p>One instance per thread: it holds scratch arrays.
 */
final class CompositeKeys {
    /** Widest product of the key columns' domains mapped by array. */
    static final int MAX = 1 << 14;
    private static final int KEYS = 8;

    private final ColumnVector[] cols = new ColumnVector[KEYS];
    private final long[] lo = new long[KEYS];
    private final long[] hi = new long[KEYS];
    private final int[] base = new int[KEYS];
    private final int[] domain = new int[KEYS];
    private final long[] codes = new long[KEYS];
    private int[] slot = new int[0];
    private int[] index = new int[0];
    /** The layout of {@link #slot} (bases, domains) and its group ids hold for this table until it is cleared. */
    private GroupTable table;
    private int tableClears;
    private int keyCount;

    /**
     * Writes the group of each row {@code [0, n)} of {@code keys} into {@code gids}, inserting new
     * groups into {@code t} (string keys are interned into {@code pool}); false, with nothing
     * done, if the columns do not qualify.
     */
    boolean groupIds(ColumnVector[] keys, int nk, int n, GroupTable t, StringPool pool, int[] gids) {
        if (n == 0 || nk > KEYS) {
            return false;
        }
        boolean intsOnly = true;
        for (int k = 0; k < nk; k++) {
            ColumnVector v = keys[k];
            if (v.hasNulls()) {
                return false;
            }
            switch (v) {
                case StringVector sv when sv.isDictionary() -> {
                    lo[k] = 0;
                    hi[k] = Math.max(0, sv.dictionarySize() - 1);
                    intsOnly = false;
                }
                case IntVector iv -> {
                    lo[k] = iv.min();
                    hi[k] = iv.max();
                }
                default -> {
                    return false;
                }
            }
            cols[k] = v;
        }
        boolean reuse = intsOnly && table == t && tableClears == t.clears() && keyCount == nk;
        for (int k = 0; reuse && k < nk; k++) {
            reuse = lo[k] >= base[k] && hi[k] < (long) base[k] + domain[k];
        }
        if (!reuse && !layOut(nk, intsOnly, t)) {
            return false;
        }
        int[] idx = index.length < n ? (index = new int[n]) : index;
        java.util.Arrays.fill(idx, 0, n, 0);
        for (int k = 0; k < nk; k++) {
            int d = domain[k];
            switch (cols[k]) {
                case StringVector sv -> {
                    for (int i = 0; i < n; i++) {
                        idx[i] = idx[i] * d + sv.code(i);
                    }
                }
                case IntVector iv -> {
                    int b = base[k];
                    for (int i = 0; i < n; i++) {
                        idx[i] = idx[i] * d + (iv.get(i) - b);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        int[] s = slot;
        for (int i = 0; i < n; i++) {
            int g = s[idx[i]];
            if (g < 0) {
                g = lookUp(nk, i, t, pool);
                s[idx[i]] = g;
            }
            gids[i] = g;
        }
        return true;
    }

    /**
     * Sets the bases and domains for the current columns' ranges (widened to the previous layout's
     * when it holds for the same table, so alternating ranges settle) and empties the array; false
     * if even the current ranges alone multiply past {@link #MAX}.
     */
    private boolean layOut(int nk, boolean intsOnly, GroupTable t) {
        boolean widen = intsOnly && table == t && tableClears == t.clears() && keyCount == nk;
        long size = widen ? product(nk, true) : Long.MAX_VALUE;
        if (size > MAX) {
            widen = false; // the union is too wide: the current chunk alone may still fit
            size = product(nk, false);
        }
        if (size > MAX) {
            table = null;
            return false;
        }
        for (int k = 0; k < nk; k++) {
            long l = widen ? Math.min(lo[k], base[k]) : lo[k];
            long h = widen ? Math.max(hi[k], (long) base[k] + domain[k] - 1) : hi[k];
            base[k] = (int) l;
            domain[k] = (int) (h - l + 1);
        }
        if (slot.length < size) {
            slot = new int[(int) Math.max(size, 64)];
        }
        java.util.Arrays.fill(slot, 0, (int) size, -1);
        table = intsOnly ? t : null; // dictionary codes are the chunk's own
        tableClears = t.clears();
        keyCount = nk;
        return true;
    }

    /** The product of the key domains (with {@code widen}: each the union with the current layout's), capped past {@link #MAX}. */
    private long product(int nk, boolean widen) {
        long product = 1;
        for (int k = 0; k < nk; k++) {
            long l = widen ? Math.min(lo[k], base[k]) : lo[k];
            long h = widen ? Math.max(hi[k], (long) base[k] + domain[k] - 1) : hi[k];
            product *= h - l + 1;
            if (product > MAX) {
                return MAX + 1L;
            }
        }
        return product;
    }

    /** Hashes row {@code i}'s keys as a key batch does and finds or inserts its group. */
    private int lookUp(int nk, int i, GroupTable t, StringPool pool) {
        long h = 0x2545F4914F6CDD1DL; // as KeyBatch hashes a row
        for (int k = 0; k < nk; k++) {
            long code;
            long ch;
            switch (cols[k]) {
                case StringVector sv -> {
                    int c = sv.code(i);
                    int start = sv.entryStart(c);
                    int len = sv.entryLength(c);
                    ch = Hashing.ofBytes(sv.bytes(), start, len);
                    code = pool.intern(sv.bytes(), start, len, ch);
                }
                case IntVector iv -> {
                    code = iv.get(i);
                    ch = Hashing.ofLong(code);
                }
                default -> throw new IllegalStateException();
            }
            codes[k] = code;
            h = Hashing.combine(h, ch);
        }
        return t.findOrInsert(Hashing.mix(h), 0L, codes);
    }
}
