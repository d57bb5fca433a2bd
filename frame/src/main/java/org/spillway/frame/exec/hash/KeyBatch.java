package org.spillway.frame.exec.hash;

import java.lang.foreign.MemorySegment;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * The group keys of one chunk, column by column: each key value as a long code (integers as
 * themselves, doubles as canonical bits, strings as ids in a {@link StringPool}), a null mask per
 * row, and each row's value hash.
 */
public final class KeyBatch {
    /** codes[k][row]. */
    public long[][] codes;
    /** Bit k set: key k is null in that row. */
    public long[] nullMask;
    /** The row's value hash (independent of string ids). */
    public long[] hash;
    /** Rows in the batch. */
    public int rows;
    private int[] dictIds = new int[0];
    private long[] dictHashes = new long[0];
    private long[] colHash = new long[0];
    private int[] ids = new int[0];

    /** Prepares for {@code rows} rows of {@code keys} columns. */
    public void reset(int keys, int rows) {
        if (codes == null || codes.length != keys || (keys > 0 && codes[0].length < rows) || hash.length < rows) {
            int cap = Math.max(rows, 16);
            codes = new long[keys][cap];
            nullMask = new long[cap];
            hash = new long[cap];
        }
        java.util.Arrays.fill(nullMask, 0, rows, 0L);
        java.util.Arrays.fill(hash, 0, rows, 0x2545F4914F6CDD1DL);
        this.rows = rows;
    }

    /** The row hash {@link #finish()} gives a one-column key whose value hash is {@code columnHash}. */
    public static long singleKeyHash(long columnHash) {
        return Hashing.mix(Hashing.combine(0x2545F4914F6CDD1DL, columnHash));
    }

    /** Finishes the hashes after every key column was added. */
    public void finish() {
        for (int i = 0; i < rows; i++) {
            hash[i] = Hashing.mix(hash[i]);
        }
    }

    /**
     * Adds key column {@code k} from a vector. With a null {@code pool} only the hashes are
     * computed: string codes are left unset (for partitioning rows without interning them).
     */
    public void add(int k, ColumnVector v, StringPool pool) {
        long[] c = codes[k];
        int n = rows;
        if (colHash.length < n) {
            colHash = new long[n];
        }
        long[] h = colHash;
        switch (v) {
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    long x = iv.get(i);
                    c[i] = x;
                    h[i] = Hashing.ofLong(x);
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    long x = lv.get(i);
                    c[i] = x;
                    h[i] = Hashing.ofLong(x);
                }
            }
            case DoubleVector dv -> {
                for (int i = 0; i < n; i++) {
                    long x = Hashing.canonicalBits(dv.get(i));
                    c[i] = x;
                    h[i] = Hashing.ofLong(x);
                }
            }
            case BoolVector bv -> {
                for (int i = 0; i < n; i++) {
                    long x = bv.get(i) ? 1 : 0;
                    c[i] = x;
                    h[i] = Hashing.ofLong(x);
                }
            }
            case StringVector sv -> addStrings(sv, c, h, pool);
        }
        if (v.hasNulls()) {
            long bit = 1L << k;
            for (int i = 0; i < n; i++) {
                if (v.isNull(i)) {
                    nullMask[i] |= bit;
                    c[i] = 0;
                    h[i] = Hashing.NULL_HASH;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            hash[i] = Hashing.combine(hash[i], h[i]);
        }
    }

    private void addStrings(StringVector sv, long[] c, long[] h, StringPool pool) {
        int n = rows;
        MemorySegment bytes = sv.bytes();
        if (sv.isDictionary()) {
            int d = sv.dictionarySize();
            if (dictIds.length < d) {
                dictIds = new int[Math.max(d, 16)];
                dictHashes = new long[dictIds.length];
            }
            java.util.Arrays.fill(dictIds, 0, d, -1);
            for (int i = 0; i < n; i++) {
                if (sv.isNull(i)) {
                    continue;
                }
                int code = sv.code(i);
                int id = dictIds[code];
                if (id < 0) {
                    int start = sv.entryStart(code);
                    int len = sv.entryLength(code);
                    long hh = Hashing.ofBytes(bytes, start, len);
                    id = pool == null ? 0 : pool.intern(bytes, start, len, hh);
                    dictIds[code] = id;
                    dictHashes[code] = hh;
                }
                c[i] = id;
                h[i] = dictHashes[code];
            }
        } else if (pool != null && pool.isInline() && !sv.hasNulls()) {
            // the whole column interned in batches: the probes' cache misses overlap
            if (ids.length < n) {
                ids = new int[n];
            }
            pool.internAll(bytes, sv.offsets(), n, ids);
            for (int i = 0; i < n; i++) {
                int id = ids[i];
                c[i] = id;
                h[i] = pool.hash(id);
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (sv.isNull(i)) {
                    continue;
                }
                int start = sv.start(i);
                int len = sv.length(i);
                if (pool == null) {
                    h[i] = Hashing.ofBytes(bytes, start, len);
                } else {
                    c[i] = pool.intern(bytes, start, len);
                    h[i] = pool.lastHash();
                }
            }
        }
    }

    /** Adds key column {@code k} from computed values. */
    public void add(int k, HeapColumn v, StringPool pool) {
        long[] c = codes[k];
        long bit = 1L << k;
        for (int i = 0; i < rows; i++) {
            if (v.isNull(i)) {
                nullMask[i] |= bit;
                c[i] = 0;
                hash[i] = Hashing.combine(hash[i], Hashing.NULL_HASH);
                continue;
            }
            long x;
            long h;
            switch (v.type.kind()) {
                case FLOAT64 -> {
                    x = Hashing.canonicalBits(v.doubles[i]);
                    h = Hashing.ofLong(x);
                }
                case BOOL -> {
                    x = v.bools[i] ? 1 : 0;
                    h = Hashing.ofLong(x);
                }
                case STRING, BINARY, DECIMAL128 -> {
                    byte[] b = v.type != DataType.STRING ? org.spillway.frame.udf.HeapColumn.heapToBinary(v.strings[i])
                            : v.strings[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    h = Hashing.ofBytes(b, 0, b.length);
                    x = pool.intern(b, 0, b.length, h);
                }
                default -> {
                    x = v.longs[i];
                    h = Hashing.ofLong(x);
                }
            }
            c[i] = x;
            hash[i] = Hashing.combine(hash[i], h);
        }
    }

    /** True for the types whose codes are doubles' bits. */
    static boolean isDouble(DataType t) {
        return t == DataType.FLOAT64;
    }
}
