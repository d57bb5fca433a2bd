package org.spillway.frame.exec.hash;

import java.util.Arrays;

/**
 * An open-addressing hash table from group keys to dense group ids, with each group's aggregate
 * state in one flat {@code long[]} ({@link #stride()} longs per group, zero-initialised). Keys are
 * {@link KeyBatch} codes; equal codes mean equal keys because strings are interned in one
 * {@link StringPool} per table. Linear probing on the low hash bits; the high bits stay free for
 * radix partitioning. Heap arrays of primitives, reported by {@link #bytes()} for the budget.
 * Each slot holds the group id and the high 32 bits of its hash, so a probe compares a group's
 * keys (another cache miss) only when the tags agree, and never reads the group's full hash.
 */
public final class GroupTable {
    private final int keyCount;
    private final int stride;
    private long[] keys;      // keyCount per group
    private long[] nulls;     // null mask per group
    private long[] hashes;    // value hash per group
    private long[] states;    // stride per group
    private long[] table;     // high 32 hash bits | (group id + 1); 0 = empty
    private static final long TAG = 0xFFFFFFFF00000000L;
    private int mask;
    private int size;

    /** A table for {@code keyCount} key columns and {@code stride} state longs per group. */
    public GroupTable(int keyCount, int stride) {
        if (keyCount > 64) {
            throw new IllegalArgumentException("At most 64 grouping columns are supported, got " + keyCount);
        }
        this.keyCount = keyCount;
        this.stride = stride;
        allocate(16);
    }

    /**
     * A table sized up front for about {@code expectedGroups} groups (it still grows past them), so
     * a merge whose group count is known roughly does not rehash its way up from 16 groups; costs
     * {@link #bytesForGroups} of that many groups at once.
     */
    public GroupTable(int keyCount, int stride, int expectedGroups) {
        this(keyCount, stride);
        if (expectedGroups > 16) {
            allocate(capacityFor(expectedGroups));
        }
    }

    private static int capacityFor(long groups) {
        long cap = 16;
        while (cap < groups) {
            cap *= 2;
        }
        return (int) Math.min(cap, 1 << 30);
    }

    private void allocate(int groupCapacity) {
        keys = new long[Math.max(1, keyCount) * groupCapacity];
        nulls = new long[groupCapacity];
        hashes = new long[groupCapacity];
        states = new long[Math.max(1, stride) * groupCapacity];
        table = new long[groupCapacity * 2];
        mask = table.length - 1;
    }

    /** Groups so far. */
    public int size() {
        return size;
    }

    /** State longs per group. */
    public int stride() {
        return stride;
    }

    /** The state array (group {@code g}'s state starts at {@code g * stride()}); valid until the table grows. */
    public long[] states() {
        return states;
    }

    /** Heap bytes held. */
    public long bytes() {
        return bytesFor(nulls.length);
    }

    /** Heap bytes the table needs to hold {@code groups} groups. */
    public long projectedBytes(long groups) {
        long cap = nulls.length;
        while (cap < groups) {
            cap *= 2;
        }
        return bytesFor(cap);
    }

    private long bytesFor(long cap) {
        return bytesFor(keyCount, stride, cap);
    }

    private static long bytesFor(int keyCount, int stride, long cap) {
        return cap * 8L * (Math.max(1, keyCount) + 2 + Math.max(1, stride)) + cap * 2 * 8L;
    }

    /** Heap bytes an empty table of this shape needs to grow to {@code groups} groups. */
    public static long bytesForGroups(int keyCount, int stride, long groups) {
        return bytesFor(keyCount, stride, capacityFor(groups));
    }

    /** Group {@code g}'s code for key column {@code k}. */
    public long key(int g, int k) {
        return keys[g * keyCount + k];
    }

    /** True if key column {@code k} of group {@code g} is null. */
    public boolean keyIsNull(int g, int k) {
        return (nulls[g] & (1L << k)) != 0;
    }

    /** Group {@code g}'s value hash. */
    public long hash(int g) {
        return hashes[g];
    }

    /** The group id of row {@code row} of {@code batch}, adding a zero-state group if new. */
    public int findOrInsert(KeyBatch batch, int row) {
        long h = batch.hash[row];
        long nm = batch.nullMask[row];
        long[][] codes = batch.codes;
        int slot = (int) h & mask;
        long tag = h & TAG;
        while (true) {
            long e = table[slot];
            if (e == 0) {
                return insert(slot, h, nm, codes, row);
            }
            int g = (int) e - 1;
            if ((e & TAG) == tag && nulls[g] == nm && keysEqual(g, codes, row)) {
                return g; // equal keys have equal hashes
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The group id of row {@code row} of {@code batch}, or -1 if the table has no such group (nothing is added). */
    public int find(KeyBatch batch, int row) {
        long h = batch.hash[row];
        long nm = batch.nullMask[row];
        long[][] codes = batch.codes;
        int slot = (int) h & mask;
        long tag = h & TAG;
        while (true) {
            long e = table[slot];
            if (e == 0) {
                return -1;
            }
            int g = (int) e - 1;
            if ((e & TAG) == tag && nulls[g] == nm && keysEqual(g, codes, row)) {
                return g;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The group id of a single-column key (no nulls) with code {@code code} and value hash {@code h}. */
    public int findOrInsert1(long h, long code) {
        int slot = (int) h & mask;
        long tag = h & TAG;
        while (true) {
            long e = table[slot];
            if (e == 0) {
                int g = claim(slot, h, 0);
                keys[g] = code;
                return g;
            }
            int g = (int) e - 1;
            if ((e & TAG) == tag && keys[g] == code && nulls[g] == 0) {
                return g;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * The group id of a key with value hash {@code h}, null mask {@code nm} and codes {@code codes[0..keyCount)},
     * adding a zero-state group if new.
     */
    public int findOrInsert(long h, long nm, long[] codes) {
        int slot = (int) h & mask;
        long tag = h & TAG;
        while (true) {
            long e = table[slot];
            if (e == 0) {
                int g = claim(slot, h, nm);
                System.arraycopy(codes, 0, keys, g * keyCount, keyCount);
                return g;
            }
            int g = (int) e - 1;
            if ((e & TAG) == tag && nulls[g] == nm && java.util.Arrays.equals(keys, g * keyCount, g * keyCount + keyCount,
                    codes, 0, keyCount)) {
                return g;
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean keysEqual(int g, long[][] codes, int row) {
        int base = g * keyCount;
        for (int k = 0; k < keyCount; k++) {
            if (keys[base + k] != codes[k][row]) {
                return false;
            }
        }
        return true;
    }

    private int insert(int slot, long h, long nm, long[][] codes, int row) {
        int g = claim(slot, h, nm);
        int base = g * keyCount;
        for (int k = 0; k < keyCount; k++) {
            keys[base + k] = codes[k][row];
        }
        return g;
    }

    /**
     * Adds a group with hash {@code h} and null mask {@code nm} at the empty {@code slot} (found
     * again if the table has to grow first) and returns its id; the caller writes its keys.
     */
    private int claim(int slot, long h, long nm) {
        int g = size;
        if (g == nulls.length) {
            grow();
            slot = (int) h & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
        }
        size++;
        nulls[g] = nm;
        hashes[g] = h;
        table[slot] = (h & TAG) | (g + 1);
        return g;
    }

    private void grow() {
        int cap = nulls.length * 2;
        keys = Arrays.copyOf(keys, Math.max(1, keyCount) * cap);
        nulls = Arrays.copyOf(nulls, cap);
        hashes = Arrays.copyOf(hashes, cap);
        states = Arrays.copyOf(states, Math.max(1, stride) * cap);
        table = new long[cap * 2];
        mask = table.length - 1;
        for (int g = 0; g < size; g++) {
            int slot = (int) hashes[g] & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = (hashes[g] & TAG) | (g + 1);
        }
    }

    /**
     * Forgets every group, keeping the arrays when they hold {@code expectedGroups} groups and not
     * over four times as many (else they are made anew for that many): a merge that takes one
     * partition after another zeroes the part it used instead of allocating (and the JVM faulting
     * in) a table per partition.
     */
    public void reset(int expectedGroups) {
        int cap = capacityFor(Math.max(16, expectedGroups));
        if (nulls.length >= cap && nulls.length <= 4L * cap) {
            Arrays.fill(table, 0);
            Arrays.fill(states, 0, size * Math.max(1, stride), 0);
        } else {
            allocate(cap);
        }
        size = 0;
        clears++;
    }

    /** Forgets every group and shrinks back to the initial capacity. */
    public void clear() {
        size = 0;
        clears++;
        allocate(16);
    }

    private int clears;

    /** How many times {@link #clear} has run: a cache of this table's group ids is valid while it stays the same. */
    public int clears() {
        return clears;
    }
}
