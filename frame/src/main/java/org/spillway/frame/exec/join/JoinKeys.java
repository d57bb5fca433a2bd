package org.spillway.frame.exec.join;

import java.lang.foreign.MemorySegment;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Join keys of a chunk: per row a hash that is equal on both sides of a join for equal keys
 * (integers of either width hash alike, strings by their UTF-8 bytes), a null flag (a key with a
 * null column never matches), and for non-string key columns the value as a long code (integers as
 * themselves, doubles as canonical bits, bools as 0/1). String key columns are compared by bytes in
 * their vectors. One instance per worker; its arrays are reused from chunk to chunk.
 */
public final class JoinKeys {
    private static final long SEED = 0x2545F4914F6CDD1DL;

    /** Per-row key hashes of the last chunk. */
    long[] hash = new long[0];
    /** Per-row: some key column is null. */
    boolean[] nullRow = new boolean[0];
    /** codes[k][row] for non-string key columns (null for string ones). */
    final long[][] codes;
    private final int[] cols;
    private final boolean[] string;
    private long[] dictHash = new long[0];
    private boolean[] dictDone = new boolean[0];

    /**
     * Keys read from columns {@code cols} of the chunks; {@code string[k]} says key {@code k} is a
     * string.
     */
    JoinKeys(int[] cols, boolean[] string) {
        this.cols = cols;
        this.string = string;
        this.codes = new long[cols.length][];
    }

    /** Computes hash, null flags and codes for every row of {@code c}. */
    void compute(Chunk c) {
        int n = c.rows();
        if (hash.length < n) {
            int cap = Math.max(n, 1024);
            hash = new long[cap];
            nullRow = new boolean[cap];
            for (int k = 0; k < cols.length; k++) {
                codes[k] = string[k] ? null : new long[cap];
            }
        }
        java.util.Arrays.fill(hash, 0, n, SEED);
        java.util.Arrays.fill(nullRow, 0, n, false);
        for (int k = 0; k < cols.length; k++) {
            ColumnVector v = c.column(cols[k]);
            if (string[k]) {
                hashStrings((StringVector) v, n);
            } else {
                long[] code = codes[k];
                readCodes(v, code, n);
                for (int i = 0; i < n; i++) {
                    hash[i] = Hashing.combine(hash[i], Hashing.ofLong(code[i]));
                }
            }
            if (v.hasNulls()) {
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        nullRow[i] = true;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            hash[i] = Hashing.mix(hash[i]);
        }
    }

    /** The values of a non-string vector as long codes. */
    static void readCodes(ColumnVector v, long[] out, int n) {
        switch (v) {
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    out[i] = iv.get(i);
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    out[i] = lv.get(i);
                }
            }
            case DoubleVector dv -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Hashing.canonicalBits(dv.get(i));
                }
            }
            case BoolVector bv -> {
                for (int i = 0; i < n; i++) {
                    out[i] = bv.get(i) ? 1 : 0;
                }
            }
            case StringVector sv -> throw new IllegalStateException("string key read as codes");
        }
    }

    private void hashStrings(StringVector sv, int n) {
        MemorySegment bytes = sv.bytes();
        if (sv.isDictionary()) {
            int d = sv.dictionarySize();
            if (dictHash.length < d) {
                dictHash = new long[Math.max(d, 64)];
                dictDone = new boolean[dictHash.length];
            }
            java.util.Arrays.fill(dictDone, 0, d, false);
            for (int i = 0; i < n; i++) {
                if (sv.isNull(i)) {
                    continue;
                }
                int code = sv.code(i);
                if (!dictDone[code]) {
                    dictHash[code] = Hashing.ofBytes(bytes, sv.entryStart(code), sv.entryLength(code));
                    dictDone[code] = true;
                }
                hash[i] = Hashing.combine(hash[i], dictHash[code]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (!sv.isNull(i)) {
                    hash[i] = Hashing.combine(hash[i], Hashing.ofBytes(bytes, sv.start(i), sv.length(i)));
                }
            }
        }
    }

    /** True if string {@code a[i]} has the same bytes as {@code b[j]} (both non-null). */
    static boolean sameBytes(StringVector a, int i, StringVector b, int j) {
        int la = a.length(i);
        if (la != b.length(j)) {
            return false;
        }
        long sa = a.start(i);
        long sb = b.start(j);
        return MemorySegment.mismatch(a.bytes(), sa, sa + la, b.bytes(), sb, sb + la) < 0;
    }
}
