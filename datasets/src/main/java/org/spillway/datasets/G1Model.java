package org.spillway.datasets;

import java.nio.charset.StandardCharsets;

/**
 * The value model of the db-benchmark groupby table: the value of every cell as a function of
 * {@code (seed, row)}, its null mask, its sort rank, and its CSV formatting. Immutable and thread-safe.
 *
 * <p>Column {@code c} of row {@code i} (0-based, in unsorted order) draws 64 random bits
 * {@code mix64(base[c] + i * GOLDEN)} and maps them to a 0-based level in {@code [0, bound[c])}:
 * {@code K} for id1, id2, id4, id5, {@code N/K} for id3 and id6, 5 for v1, 15 for v2 and
 * {@code 10^8} micro-units for v3. Printed values are the level plus one (v3: level / 10^6).
 */
final class G1Model {
    static final int ID1 = 0;
    static final int ID2 = 1;
    static final int ID3 = 2;
    static final int ID4 = 3;
    static final int ID5 = 4;
    static final int ID6 = 5;
    static final int V1 = 6;
    static final int V2 = 7;
    static final int V3 = 8;
    static final int COLUMNS = 9;
    static final int ID_COLUMNS = 6;

    static final int V1_LEVELS = 5;
    static final int V2_LEVELS = 15;
    /** v3 is drawn in micro-units: {@code [0, 100) * 10^6}. */
    static final int V3_MICROS = 100_000_000;
    static final double MICRO = 1_000_000.0;

    /** More than the longest row: 3 x 12 + 3 x 10 + 1 + 2 + 9 bytes of values, 8 commas, 1 newline. */
    static final int MAX_ROW_BYTES = 128;

    /** Levels up to this count get a null bitmap (at most 32 MiB); larger ones use the permutation per row. */
    private static final int NULL_BITMAP_MAX = 1 << 28;
    /** Levels up to this count get cached {@link String}s for {@link #fillRow}. */
    private static final int STRING_CACHE_MAX = 1 << 16;

    private static final long SALT_COLUMN = 0xD1B54A32D192ED03L;
    private static final long SALT_ID_NULLS = 0x2545F4914F6CDD1DL;
    private static final long SALT_V_NULLS = 0x9FB21C651E98DF25L;

    final long n;
    final int k;
    /** N/K (at least 1): the number of levels of id3 and id6. */
    final int small;
    final int nas;
    final long seed;

    private final long[] base = new long[COLUMNS];
    private final long[] bound = new long[COLUMNS];

    /** Per id column: how many of its levels are null ({@code floor(levels * nas / 100)}). */
    private final long[] nullLevels = new long[ID_COLUMNS];
    private final KeyedPermutation[] levelPerm = new KeyedPermutation[ID_COLUMNS];
    private final long[][] nullBitmap = new long[ID_COLUMNS][];
    /** Per v column: exactly this many rows are null ({@code floor(N * nas / 100)}). */
    final long nullRows;
    private final KeyedPermutation[] rowPerm = new KeyedPermutation[3];

    /** Sort position of id1/id2 level x among the K strings {@code id%03d}; null when it is x itself (K < 1000). */
    private final int[] kStringOrder;

    private volatile String[] kStrings;
    private volatile String[] smallStrings;

    G1Model(long n, int k, int nas, long seed) {
        this.n = n;
        this.k = k;
        this.small = (int) Math.max(1, n / k);
        this.nas = nas;
        this.seed = seed;
        long s = Rng.mix64(seed);
        for (int c = 0; c < COLUMNS; c++) {
            base[c] = Rng.mix64(s + (c + 1) * SALT_COLUMN);
        }
        bound[ID1] = k;
        bound[ID2] = k;
        bound[ID3] = small;
        bound[ID4] = k;
        bound[ID5] = k;
        bound[ID6] = small;
        bound[V1] = V1_LEVELS;
        bound[V2] = V2_LEVELS;
        bound[V3] = V3_MICROS;
        for (int c = 0; c < ID_COLUMNS; c++) {
            long levels = bound[c];
            nullLevels[c] = levels * nas / 100;
            if (nullLevels[c] > 0) {
                levelPerm[c] = new KeyedPermutation(levels, Rng.mix64(s ^ SALT_ID_NULLS) + c);
                if (levels <= NULL_BITMAP_MAX) {
                    nullBitmap[c] = nullBitmap(levelPerm[c], nullLevels[c]);
                }
            }
        }
        this.nullRows = n / 100 * nas + n % 100 * nas / 100; // floor(n * nas / 100) without overflow
        if (nullRows > 0) {
            for (int v = 0; v < 3; v++) {
                rowPerm[v] = new KeyedPermutation(n, Rng.mix64(s ^ SALT_V_NULLS) + v);
            }
        }
        this.kStringOrder = k >= 1000 ? lexicographicOrder(k) : null;
    }

    /**
     * The bitmap of the levels {@code x} with {@code perm.apply(x) < count}: the preimages of
     * {@code [0, count)}, or all but those of {@code [count, size)}, whichever is fewer.
     */
    private static long[] nullBitmap(KeyedPermutation perm, long count) {
        long levels = perm.size();
        long[] bits = new long[(int) ((levels + 63) >>> 6)];
        if (count <= levels / 2) {
            for (long y = 0; y < count; y++) {
                long x = perm.invert(y);
                bits[(int) (x >>> 6)] |= 1L << x;
            }
        } else {
            java.util.Arrays.fill(bits, -1L);
            if ((levels & 63) != 0) {
                bits[bits.length - 1] = (1L << levels) - 1;
            }
            for (long y = count; y < levels; y++) {
                long x = perm.invert(y);
                bits[(int) (x >>> 6)] &= ~(1L << x);
            }
        }
        return bits;
    }

    // ---------------------------------------------------------------- values

    /** The 0-based level of column {@code c} in row {@code i} (before nulls). */
    int level(int c, long i) {
        return (int) Rng.below(Rng.mix64(base[c] + i * Rng.GOLDEN), bound[c]);
    }

    /** Whether level {@code x} of id column {@code c} is replaced by null (in every row). */
    boolean isNullLevel(int c, int x) {
        long m = nullLevels[c];
        if (m == 0) {
            return false;
        }
        long[] bits = nullBitmap[c];
        if (bits != null) {
            return (bits[x >>> 6] & (1L << x)) != 0;
        }
        return levelPerm[c].apply(x) < m;
    }

    /** How many levels of id column {@code c} are null. */
    long nullLevelCount(int c) {
        return nullLevels[c];
    }

    /** Whether v column {@code v} (0 = v1, 1 = v2, 2 = v3) is null in row {@code i}. */
    boolean isNullValue(int v, long i) {
        return nullRows != 0 && rowPerm[v].apply(i) < nullRows;
    }

    /**
     * The sort rank of id column {@code c} in row {@code i}: 0 for null (nulls sort first, as in
     * data.table's {@code setkey}), else 1 + the position of the value among all values of the column
     * (strings in byte order, integers numerically).
     */
    int rank(int c, long i) {
        int x = level(c, i);
        return isNullLevel(c, x) ? 0 : valueRank(c, x);
    }

    /** The rank level {@code x} of id column {@code c} has when it is not null: 1 + its sort position. */
    int valueRank(int c, int x) {
        if (kStringOrder != null && c <= ID2) {
            return 1 + kStringOrder[x];
        }
        return 1 + x;
    }

    /** The number of distinct ranks of id column {@code c}: its levels plus one for null. */
    long rankCount(int c) {
        return bound[c] + 1;
    }

    /**
     * The positions of {@code id001 .. id<k>} (level x = number x + 1) in byte order. Numbers below 100
     * are zero-padded and sort first; the rest sort as a preorder walk of the decimal digit trie.
     */
    static int[] lexicographicOrder(int k) {
        int[] order = new int[k];
        int pos = 0;
        for (int v = 1; v <= Math.min(k, 99); v++) {
            order[v - 1] = pos++;
        }
        for (int root = 100; root <= Math.min(k, 999); root++) {
            pos = preorder(root, k, order, pos);
        }
        if (pos != k) {
            throw new AssertionError("ordered " + pos + " of " + k);
        }
        return order;
    }

    private static int preorder(long v, int k, int[] order, int pos) {
        order[(int) v - 1] = pos++;
        for (long child = v * 10; child <= k && child <= v * 10 + 9; child++) {
            pos = preorder(child, k, order, pos);
        }
        return pos;
    }

    // ---------------------------------------------------------------- CSV

    /** Appends row {@code i} as a CSV line (nulls as empty fields) at {@code p}; returns the new end. */
    int formatRow(long i, byte[] b, int p) {
        long g = i * Rng.GOLDEN;
        int x = draw(ID1, g);
        if (!isNullLevel(ID1, x)) {
            p = putId(b, p, x + 1, 3);
        }
        b[p++] = ',';
        x = draw(ID2, g);
        if (!isNullLevel(ID2, x)) {
            p = putId(b, p, x + 1, 3);
        }
        b[p++] = ',';
        x = draw(ID3, g);
        if (!isNullLevel(ID3, x)) {
            p = putId(b, p, x + 1, 10);
        }
        b[p++] = ',';
        x = draw(ID4, g);
        if (!isNullLevel(ID4, x)) {
            p = putInt(b, p, x + 1);
        }
        b[p++] = ',';
        x = draw(ID5, g);
        if (!isNullLevel(ID5, x)) {
            p = putInt(b, p, x + 1);
        }
        b[p++] = ',';
        x = draw(ID6, g);
        if (!isNullLevel(ID6, x)) {
            p = putInt(b, p, x + 1);
        }
        b[p++] = ',';
        if (nullRows == 0) {
            p = putInt(b, p, draw(V1, g) + 1);
            b[p++] = ',';
            p = putInt(b, p, draw(V2, g) + 1);
            b[p++] = ',';
            p = putMicros(b, p, draw(V3, g));
        } else {
            if (!isNullValue(0, i)) {
                p = putInt(b, p, draw(V1, g) + 1);
            }
            b[p++] = ',';
            if (!isNullValue(1, i)) {
                p = putInt(b, p, draw(V2, g) + 1);
            }
            b[p++] = ',';
            if (!isNullValue(2, i)) {
                p = putMicros(b, p, draw(V3, g));
            }
        }
        b[p++] = '\n';
        return p;
    }

    private int draw(int c, long g) {
        return (int) Rng.below(Rng.mix64(base[c] + g), bound[c]);
    }

    /** {@code "id"} and {@code v} zero-padded to at least {@code width} digits. */
    static int putId(byte[] b, int p, int v, int width) {
        b[p++] = 'i';
        b[p++] = 'd';
        int digits = Math.max(width, digits(v));
        int end = p + digits;
        for (int q = end - 1; q >= p; q--) {
            b[q] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /** A non-negative int in decimal. */
    static int putInt(byte[] b, int p, int v) {
        if (v < 10) {
            b[p] = (byte) ('0' + v);
            return p + 1;
        }
        int end = p + digits(v);
        for (int q = end - 1; q >= p; q--) {
            b[q] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /** {@code micros / 10^6} as a plain decimal with up to six decimals, trailing zeros dropped. */
    static int putMicros(byte[] b, int p, int micros) {
        int whole = micros / 1_000_000;
        int frac = micros - whole * 1_000_000;
        p = putInt(b, p, whole);
        if (frac != 0) {
            int width = 6;
            while (frac % 10 == 0) {
                frac /= 10;
                width--;
            }
            b[p++] = '.';
            int end = p + width;
            for (int q = end - 1; q >= p; q--) {
                b[q] = (byte) ('0' + frac % 10);
                frac /= 10;
            }
            p = end;
        }
        return p;
    }

    private static int digits(int v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    // ---------------------------------------------------------------- batches

    /** Stores row {@code i} at position {@code at} of {@code out}. */
    void fillRow(long i, GroupByData.Batch out, int at) {
        long g = i * Rng.GOLDEN;
        int x = draw(ID1, g);
        out.id1[at] = isNullLevel(ID1, x) ? null : kString(x);
        x = draw(ID2, g);
        out.id2[at] = isNullLevel(ID2, x) ? null : kString(x);
        x = draw(ID3, g);
        out.id3[at] = isNullLevel(ID3, x) ? null : smallString(x);
        x = draw(ID4, g);
        boolean nul = isNullLevel(ID4, x);
        out.id4[at] = nul ? 0 : x + 1;
        out.id4Null[at] = nul;
        x = draw(ID5, g);
        nul = isNullLevel(ID5, x);
        out.id5[at] = nul ? 0 : x + 1;
        out.id5Null[at] = nul;
        x = draw(ID6, g);
        nul = isNullLevel(ID6, x);
        out.id6[at] = nul ? 0 : x + 1;
        out.id6Null[at] = nul;
        nul = isNullValue(0, i);
        out.v1[at] = nul ? 0 : draw(V1, g) + 1;
        out.v1Null[at] = nul;
        nul = isNullValue(1, i);
        out.v2[at] = nul ? 0 : draw(V2, g) + 1;
        out.v2Null[at] = nul;
        nul = isNullValue(2, i);
        out.v3[at] = nul ? 0.0 : draw(V3, g) / MICRO;
        out.v3Null[at] = nul;
    }

    private String kString(int x) {
        String[] cache = kStrings;
        if (cache == null) {
            if (k > STRING_CACHE_MAX) {
                return idString(x + 1, 3);
            }
            cache = new String[k];
            for (int v = 0; v < k; v++) {
                cache[v] = idString(v + 1, 3);
            }
            kStrings = cache;
        }
        return cache[x];
    }

    private String smallString(int x) {
        String[] cache = smallStrings;
        if (cache == null) {
            if (small > STRING_CACHE_MAX) {
                return idString(x + 1, 10);
            }
            cache = new String[small];
            for (int v = 0; v < small; v++) {
                cache[v] = idString(v + 1, 10);
            }
            smallStrings = cache;
        }
        return cache[x];
    }

    static String idString(int v, int width) {
        byte[] b = new byte[2 + Math.max(width, 10)];
        int end = putId(b, 0, v, width);
        return new String(b, 0, end, StandardCharsets.ISO_8859_1);
    }
}
