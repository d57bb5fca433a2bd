package org.spillway.frame.exec.aggregate;

import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.spill.vector.ColumnVector;

/**
 * Group ids for a chunk with a single key column without nulls, one loop per key layout (direct
 * int index, hashed int, hashed long, dictionary strings, plain strings), each a static method of
 * its own so the JIT compiles it alone: a key batch is not built, and a dictionary entry or an
 * interned string probes the table once per chunk instead of once per row.
 */
final class SingleKeyPaths {
    private SingleKeyPaths() {
    }

    /**
     * Group ids for a one-column key without nulls, straight from the vector (no key batch): a
     * dictionary string column looks each dictionary entry up once per chunk. False if the column
     * does not qualify.
     */
    static boolean singleKey(AggregateWorker w, ColumnVector v, int n) {
        if (v.hasNulls()) {
            return false;
        }
        // a dispatch on the vector's class; each loop is a method of its own
        switch (v) {
            case org.spillway.spill.vector.IntVector iv -> {
                if (n > 0 && w.direct(iv.min(), iv.max())) {
                    directIntKeys(w, iv, n);
                } else {
                    hashedIntKeys(w, iv, n);
                }
                return true;
            }
            case org.spillway.spill.vector.LongVector lv -> {
                hashedLongKeys(w, lv, n);
                return true;
            }
            case org.spillway.spill.vector.StringVector sv when sv.isDictionary() -> {
                dictionaryKeys(w, sv, n);
                return true;
            }
            case org.spillway.spill.vector.StringVector sv -> {
                plainStringKeys(w, sv, n);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** A dense range of small ints: a value's group is an array lookup, hashed once. */
    private static void directIntKeys(AggregateWorker w, org.spillway.spill.vector.IntVector iv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        int[] direct = w.direct;
        int base = w.directBase;
        for (int i = 0; i < n; i++) {
            int x = iv.get(i);
            int g = direct[x - base] - 1;
            if (g < 0) {
                g = t.findOrInsert1(KeyBatch.singleKeyHash(Hashing.ofLong(x)), x);
                direct[x - base] = g + 1;
            }
            gids[i] = g;
        }
    }

    private static void hashedIntKeys(AggregateWorker w, org.spillway.spill.vector.IntVector iv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        for (int i = 0; i < n; i++) {
            long x = iv.get(i);
            gids[i] = t.findOrInsert1(KeyBatch.singleKeyHash(Hashing.ofLong(x)), x);
        }
    }

    private static void hashedLongKeys(AggregateWorker w, org.spillway.spill.vector.LongVector lv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        for (int i = 0; i < n; i++) {
            long x = lv.get(i);
            gids[i] = t.findOrInsert1(KeyBatch.singleKeyHash(Hashing.ofLong(x)), x);
        }
    }

    /** Dictionary strings: each entry the chunk uses is interned and looked up once. */
    private static void dictionaryKeys(AggregateWorker w, org.spillway.spill.vector.StringVector sv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        int d = sv.dictionarySize();
        if (w.codeGid.length < d) {
            w.codeGid = new int[Math.max(d, 64)];
        }
        int[] codeGid = w.codeGid;
        java.util.Arrays.fill(codeGid, 0, d, -1);
        java.lang.foreign.MemorySegment bytes = sv.bytes();
        for (int i = 0; i < n; i++) {
            int c = sv.code(i);
            int g = codeGid[c];
            if (g < 0) {
                int start = sv.entryStart(c);
                int len = sv.entryLength(c);
                long h = Hashing.ofBytes(bytes, start, len);
                int id = w.pool.intern(bytes, start, len, h);
                g = t.findOrInsert1(KeyBatch.singleKeyHash(h), id);
                codeGid[c] = g;
            }
            gids[i] = g;
        }
    }

    /**
     * Plain strings: interning gives a dense id per distinct string (the whole chunk at once, see
     * {@link StringPool#internAll}), mapped to its group by array.
     */
    private static void plainStringKeys(AggregateWorker w, org.spillway.spill.vector.StringVector sv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        w.hashedKeys = true;
        w.idGid = internedGroupIds(t, w.pool, sv, n, gids, w.idGid);
    }

    /**
     * Group ids of a plain string column's rows {@code [0, n)} into {@code gids}: the column is
     * interned in batches ({@link StringPool#internAll}), then each string id is mapped to its group
     * through {@code idGid} (-1: no group yet), so only a string's first row probes the table.
     * Returns {@code idGid}, grown to the pool's size if needed.
     */
    static int[] internedGroupIds(GroupTable t, StringPool pool, org.spillway.spill.vector.StringVector sv, int n,
                                  int[] gids, int[] idGid) {
        pool.internAll(sv.bytes(), sv.offsets(), n, gids);
        if (pool.size() > idGid.length) {
            int old = idGid.length;
            idGid = java.util.Arrays.copyOf(idGid, Math.max(pool.size(), Math.max(16, old * 2)));
            java.util.Arrays.fill(idGid, old, idGid.length, -1);
        }
        for (int i = 0; i < n; i++) {
            int id = gids[i];
            int g = idGid[id];
            if (g < 0) {
                g = t.findOrInsert1(KeyBatch.singleKeyHash(pool.hash(id)), id);
                idGid[id] = g;
            }
            gids[i] = g;
        }
        return idGid;
    }
}
