package org.spillway.datasets;

/**
 * The value model of the db-benchmark join tables: every cell of every table as a function of
 * {@code (seed, table, row)}, its null mask and its CSV formatting. Immutable and thread-safe.
 *
 * <p>Key space {@code c} (0 for id1, 1 for id2, 2 for id3) has {@code m} keys per side ({@code m} =
 * the rows of SMALL, MEDIUM, BIG) and is R's {@code split_xlr(m)}: the values {@code 1 .. m + m/10}
 * in the order of a keyed permutation, of which positions {@code [0, m - m/10)} are shared,
 * {@code [m - m/10, m)} left-only and {@code [m, m + m/10)} right-only. The left side (x's keys)
 * is positions {@code [0, m)}, the right side (the other tables' keys) is the shared positions then
 * the right-only ones.
 *
 * <p>Each id column of each table is R's {@code sample_all(keys, size)}: a shuffle (another keyed
 * permutation, of the rows) of every key of its side once followed by {@code size - m} keys drawn
 * uniformly with replacement. Row {@code i} takes slot {@code q = shuffle(i)}: key {@code q} if
 * {@code q < m}, else a key drawn from {@code hash(q)}.
 */
final class JoinModel {
    /** More than the longest row: 3 x 10 digits + 3 x ("id" + 10 digits) + "100.000000"-like v, 6 commas, 1 newline. */
    static final int MAX_ROW_BYTES = 128;
    /** v is drawn as {@code (u + 1) / 2} micro-units with {@code u} uniform in {@code [0, 2 * 10^8)}. */
    private static final long V_HALF_MICROS = 200_000_000L;
    static final double MICRO = 1_000_000.0;
    /** Key spaces of at most this many keys per side cache their key values (at most 8 MiB each). */
    private static final int KEY_CACHE_MAX = 1 << 20;

    private static final long SALT_KEYS = 0xD1B54A32D192ED03L;
    private static final long SALT_SHUFFLE = 0x2545F4914F6CDD1DL;
    private static final long SALT_EXTRA = 0x9FB21C651E98DF25L;
    private static final long SALT_V = 0xA0761D6478BD642FL;
    private static final long SALT_ID_NULLS = 0xE7037ED1A0B428DBL;
    private static final long SALT_V_NULLS = 0x8EBC6AF09C88C6E3L;

    final long n;
    final int nas;
    final long seed;
    private final KeySpace[] spaces = new KeySpace[3];
    /** Per table (ordinal) and id column: the sampler of that column. */
    private final Sampler[][] samplers = new Sampler[JoinData.Table.values().length][];
    private final long[] vBase = new long[JoinData.Table.values().length];

    /** Per id column of x: how many of its m keys are null ({@code floor(m * nas / 100)}). */
    private final long[] nullKeys = new long[3];
    private final KeyedPermutation[] nullKeyPerm = new KeyedPermutation[3];
    /** Exactly this many rows of x have a null v1 ({@code floor(N * nas / 100)}). */
    final long nullRows;
    private final KeyedPermutation nullRowPerm;

    JoinModel(long n, int nas, long seed) {
        this.n = n;
        this.nas = nas;
        this.seed = seed;
        long s = Rng.mix64(seed);
        for (int c = 0; c < 3; c++) {
            int m = (int) JoinData.rowsOf(JoinData.Table.values()[c + 1], n);
            spaces[c] = new KeySpace(m, Rng.mix64(s + (c + 1) * SALT_KEYS));
        }
        for (JoinData.Table t : JoinData.Table.values()) {
            int ids = t.idColumns();
            Sampler[] cols = new Sampler[ids];
            long size = JoinData.rowsOf(t, n);
            for (int c = 0; c < ids; c++) {
                long key = Rng.mix64(s + (t.ordinal() * 3L + c + 1) * SALT_SHUFFLE);
                cols[c] = new Sampler(spaces[c], t != JoinData.Table.X, size, key);
            }
            samplers[t.ordinal()] = cols;
            vBase[t.ordinal()] = Rng.mix64(s + (t.ordinal() + 1) * SALT_V);
        }
        for (int c = 0; c < 3; c++) {
            long m = spaces[c].count;
            nullKeys[c] = m * nas / 100;
            if (nullKeys[c] > 0) {
                nullKeyPerm[c] = new KeyedPermutation(m, Rng.mix64(s ^ SALT_ID_NULLS) + c);
            }
        }
        this.nullRows = n / 100 * nas + n % 100 * nas / 100; // floor(n * nas / 100) without overflow
        this.nullRowPerm = nullRows > 0 ? new KeyedPermutation(n, Rng.mix64(s ^ SALT_V_NULLS)) : null;
    }

    /** Key space {@code c} (0, 1, 2 for id1, id2, id3). */
    KeySpace space(int c) {
        return spaces[c];
    }

    /** The value of id column {@code c} of table {@code t} in row {@code i}; 0 for null. */
    int key(JoinData.Table t, int c, long i) {
        Sampler smp = samplers[t.ordinal()][c];
        int idx = smp.keyIndex(i);
        if (t == JoinData.Table.X && nullKeys[c] > 0 && nullKeyPerm[c].apply(idx) < nullKeys[c]) {
            return 0;
        }
        return smp.space.key(smp.right, idx);
    }

    /** The v column (v1 of x, v2 of the others) of table {@code t} in row {@code i}, in micro-units; -1 for null. */
    int micros(JoinData.Table t, long i) {
        if (t == JoinData.Table.X && nullRows > 0 && nullRowPerm.apply(i) < nullRows) {
            return -1;
        }
        // round(runif(1, max = 100), 6): 0 and 100 come out half as often as the other grid points
        return (int) ((Rng.below(Rng.mix64(vBase[t.ordinal()] + i * Rng.GOLDEN), V_HALF_MICROS) + 1) >>> 1);
    }

    // ---------------------------------------------------------------- CSV

    /** Appends row {@code i} of table {@code t} as a CSV line at {@code p}; returns the new end. */
    int formatRow(JoinData.Table t, long i, byte[] b, int p) {
        int ids = t.idColumns();
        int k0 = key(t, 0, i);
        int k1 = ids > 1 ? key(t, 1, i) : 0;
        int k2 = ids > 2 ? key(t, 2, i) : 0;
        p = putKey(b, p, k0);
        if (ids > 1) {
            p = putKey(b, p, k1);
        }
        if (ids > 2) {
            p = putKey(b, p, k2);
        }
        p = putIdString(b, p, k0);
        if (ids > 1) {
            p = putIdString(b, p, k1);
        }
        if (ids > 2) {
            p = putIdString(b, p, k2);
        }
        int v = micros(t, i);
        if (v >= 0) {
            p = G1Model.putMicros(b, p, v);
        }
        b[p++] = '\n';
        return p;
    }

    /** The integer key and a comma; nothing but the comma for null. */
    private static int putKey(byte[] b, int p, int key) {
        if (key != 0) {
            p = G1Model.putInt(b, p, key);
        }
        b[p++] = ',';
        return p;
    }

    /** {@code "id<key>"} (R's {@code sprintf("id%.0f", key)}, {@code "idNA"} for null) and a comma. */
    private static int putIdString(byte[] b, int p, int key) {
        if (key != 0) {
            p = G1Model.putId(b, p, key, 1);
        } else {
            b[p++] = 'i';
            b[p++] = 'd';
            b[p++] = 'N';
            b[p++] = 'A';
        }
        b[p++] = ',';
        return p;
    }

    /** The string twin of a key: {@code "id<key>"}, or {@code "idNA"} for null (0). */
    static String idString(int key) {
        return key == 0 ? "idNA" : "id" + key;
    }

    // ---------------------------------------------------------------- batches

    /** Stores row {@code i} of table {@code t} at position {@code at} of {@code out}. */
    void fillRow(JoinData.Table t, long i, JoinData.Batch out, int at) {
        int ids = t.idColumns();
        int k = key(t, 0, i);
        out.id1[at] = k;
        out.id1Null[at] = k == 0;
        out.id4[at] = idString(k);
        if (ids > 1) {
            k = key(t, 1, i);
            out.id2[at] = k;
            out.id2Null[at] = k == 0;
            out.id5[at] = idString(k);
        }
        if (ids > 2) {
            k = key(t, 2, i);
            out.id3[at] = k;
            out.id3Null[at] = k == 0;
            out.id6[at] = idString(k);
        }
        int v = micros(t, i);
        out.v[at] = v < 0 ? 0.0 : v / MICRO;
        out.vNull[at] = v < 0;
    }

    // ---------------------------------------------------------------- keys

    /** R's {@code split_xlr(m)}: the key values of both sides of one id column. */
    static final class KeySpace {
        /** Keys per side: m. */
        final int count;
        /** Keys on both sides: {@code m - m/10}. */
        final int shared;
        /** Keys on one side only, per side: {@code m/10}. */
        final int only;
        private final KeyedPermutation perm;
        private final int[] leftCache;
        private final int[] rightCache;

        KeySpace(int m, long key) {
            this.count = m;
            this.only = m / 10;
            this.shared = m - only;
            this.perm = new KeyedPermutation((long) m + only, key);
            if (m <= KEY_CACHE_MAX) {
                leftCache = new int[m];
                rightCache = new int[m];
                for (int j = 0; j < m; j++) {
                    leftCache[j] = compute(false, j);
                    rightCache[j] = compute(true, j);
                }
            } else {
                leftCache = null;
                rightCache = null;
            }
        }

        /** The key value (1-based) at index {@code j} in {@code [0, m)} of the left or right side. */
        int key(boolean right, int j) {
            int[] cache = right ? rightCache : leftCache;
            return cache != null ? cache[j] : compute(right, j);
        }

        private int compute(boolean right, int j) {
            long pos = right && j >= shared ? (long) j + only : j;
            return (int) perm.apply(pos) + 1;
        }

        /** Whether key value {@code v} (1-based) is shared by both sides. */
        boolean isShared(int v) {
            return perm.invert(v - 1L) < shared;
        }

        /** Whether key value {@code v} is on the left side (x). */
        boolean isLeft(int v) {
            return perm.invert(v - 1L) < count;
        }
    }

    /** R's {@code sample_all(keys, size)} for one side of a key space: key index per row. */
    private static final class Sampler {
        final KeySpace space;
        final boolean right;
        private final long m;
        private final KeyedPermutation shuffle;
        private final long extraBase;

        Sampler(KeySpace space, boolean right, long size, long key) {
            if (space.count > size) {
                throw new IllegalStateException("sample_all of " + space.count + " keys into " + size + " rows");
            }
            this.space = space;
            this.right = right;
            this.m = space.count;
            this.shuffle = new KeyedPermutation(size, key);
            this.extraBase = Rng.mix64(key ^ SALT_EXTRA);
        }

        int keyIndex(long i) {
            long q = shuffle.apply(i);
            return (int) (q < m ? q : Rng.below(Rng.mix64(extraBase + q * Rng.GOLDEN), m));
        }
    }
}
