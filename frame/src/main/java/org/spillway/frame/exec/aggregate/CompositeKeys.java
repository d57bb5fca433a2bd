package org.spillway.frame.exec.aggregate;

import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.StringVector;

/**
 * Group ids for key columns whose value combinations are few, by direct index: each key column is
 * a dictionary string column or an int column without nulls. A string column's dictionary entries
 * are interned into the pool once per chunk, so its rows carry pool ids; each row's combination of
 * int values and pool ids, offset by each column's base, indexes an array of group ids, and only the
 * first row of each combination is hashed (as {@link org.spillway.frame.exec.hash.KeyBatch} hashes a
 * row) and looked up in the table. The columns' ranges must multiply to at most {@link #MAX}.
 *
 * <p>The array stays valid from chunk to chunk while neither the table nor the pool is cleared and
 * the chunks' values fall in the ranges it was laid out for; a chunk outside them lays it out again
 * over the union of the ranges (or over its own ranges alone, if the union is too wide). When pool
 * ids spread too wide for the array (the pool also holds other strings), a chunk is mapped by its
 * dictionary codes instead, for that chunk only.
 *
 * <p>One instance per thread: it holds scratch arrays.
 */
public final class CompositeKeys {
    /** Widest product of the key columns' ranges mapped by array. */
    static final int MAX = 1 << 14;
    private static final int KEYS = 8;

    private final ColumnVector[] cols = new ColumnVector[KEYS];
    /** For a string column: the pool id of each dictionary entry of the current chunk. */
    private final int[][] ids = new int[KEYS][];
    private final long[] lo = new long[KEYS];
    private final long[] hi = new long[KEYS];
    private final int[] base = new int[KEYS];
    private final int[] domain = new int[KEYS];
    private final long[] codes = new long[KEYS];
    private int[] slot = new int[0];
    private int[] index = new int[0];
    /** The layout (bases, domains) indexes by pool ids, and its group ids hold, for this table and pool until either is cleared. */
    private GroupTable table;
    private int tableClears;
    private StringPool pool;
    private int poolClears;
    private int keyCount;
    /** The current layout indexes string columns by dictionary code (this chunk only). */
    private boolean byCode;

    /**
     * Writes the group of each row {@code [0, n)} of {@code keys} into {@code gids}, inserting new
     * groups into {@code t} (string keys are interned into {@code p}); false, with no group added,
     * if the columns do not qualify.
     */
    boolean groupIds(ColumnVector[] keys, int nk, int n, GroupTable t, StringPool p, int[] gids) {
        if (n == 0 || nk > KEYS) {
            return false;
        }
        long dictionaries = 1;
        for (int k = 0; k < nk; k++) {
            ColumnVector v = keys[k];
            if (v.hasNulls()) {
                return false;
            }
            switch (v) {
                case StringVector sv when sv.isDictionary() -> dictionaries *= Math.max(1, sv.dictionarySize());
                case IntVector iv -> dictionaries *= Math.max(1, (long) iv.max() - iv.min() + 1);
                default -> {
                    return false;
                }
            }
            if (dictionaries > MAX) {
                return false; // too many combinations even by dictionary code
            }
            cols[k] = v;
        }
        // the ranges of int values and of the pool ids of the dictionaries' entries
        for (int k = 0; k < nk; k++) {
            switch (cols[k]) {
                case StringVector sv -> {
                    int d = sv.dictionarySize();
                    int[] id = ids[k] == null || ids[k].length < d ? (ids[k] = new int[Math.max(d, 16)]) : ids[k];
                    long l = Long.MAX_VALUE;
                    long h = Long.MIN_VALUE;
                    for (int c = 0; c < d; c++) {
                        int x = p.intern(sv.bytes(), sv.entryStart(c), sv.entryLength(c));
                        id[c] = x;
                        l = Math.min(l, x);
                        h = Math.max(h, x);
                    }
                    lo[k] = d == 0 ? 0 : l;
                    hi[k] = d == 0 ? 0 : h;
                }
                case IntVector iv -> {
                    lo[k] = iv.min();
                    hi[k] = iv.max();
                }
                default -> throw new IllegalStateException();
            }
        }
        boolean same = table == t && tableClears == t.clears() && pool == p && poolClears == p.clears() && keyCount == nk;
        boolean reuse = same && !byCode;
        for (int k = 0; reuse && k < nk; k++) {
            reuse = lo[k] >= base[k] && hi[k] < (long) base[k] + domain[k];
        }
        if (!reuse) {
            layOut(nk, same && !byCode, t, p);
        }
        int[] idx = index.length < n ? (index = new int[n]) : index;
        java.util.Arrays.fill(idx, 0, n, 0);
        for (int k = 0; k < nk; k++) {
            int d = domain[k];
            int b = base[k];
            switch (cols[k]) {
                case StringVector sv when byCode -> {
                    for (int i = 0; i < n; i++) {
                        idx[i] = idx[i] * d + sv.code(i);
                    }
                }
                case StringVector sv -> {
                    int[] id = ids[k];
                    for (int i = 0; i < n; i++) {
                        idx[i] = idx[i] * d + (id[sv.code(i)] - b);
                    }
                }
                case IntVector iv -> {
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
                g = lookUp(nk, i, t, p);
                s[idx[i]] = g;
            }
            gids[i] = g;
        }
        return true;
    }

    /**
     * Lays the array out over the current ranges (with {@code widen}: their union with the
     * current layout's, so alternating ranges settle), or, if that multiplies past {@link #MAX},
     * over the current ranges alone, or else by dictionary code; and empties it. The dictionary
     * codes' product was checked to fit, so one of the three does.
     */
    private void layOut(int nk, boolean widen, GroupTable t, StringPool p) {
        long size = widen ? product(nk, true) : MAX + 1L;
        if (size > MAX) {
            widen = false;
            size = product(nk, false);
        }
        byCode = size > MAX;
        if (byCode) {
            size = 1;
            for (int k = 0; k < nk; k++) {
                if (cols[k] instanceof StringVector sv) {
                    lo[k] = 0;
                    hi[k] = Math.max(0, sv.dictionarySize() - 1);
                }
                size *= hi[k] - lo[k] + 1;
            }
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
        table = t;
        tableClears = t.clears();
        pool = p;
        poolClears = p.clears();
        keyCount = nk;
    }

    /** The product of the key ranges (with {@code widen}: each the union with the current layout's), capped past {@link #MAX}. */
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
    private int lookUp(int nk, int i, GroupTable t, StringPool p) {
        long h = 0x2545F4914F6CDD1DL; // as KeyBatch hashes a row
        for (int k = 0; k < nk; k++) {
            long code;
            long ch;
            switch (cols[k]) {
                case StringVector sv -> {
                    int id = ids[k][sv.code(i)];
                    code = id;
                    ch = p.hash(id);
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
