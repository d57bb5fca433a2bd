package org.spillway.frame.exec.aggregate;

import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Chooses the layout of the string key columns of a chunk about to be written from a table:
 * plain when more than a quarter of a sample of its rows (the first {@value #SAMPLE}) hold
 * distinct values of that key (interning them into a dictionary first would only overflow it),
 * else the builder's dictionary. One per thread; a fixed 16 KiB of heap.
 */
final class PlainKeys {
    static final int SAMPLE = 2048;
    private final int[] set = new int[2 * SAMPLE]; // id + 1, 0 = empty

    /** For the groups {@code order[from..to)} (or {@code from..to} when {@code order} is null), before any is appended to {@code b}. */
    void choose(GroupTable t, int[] order, int from, int to, VectorBuilder[] b, DataType[] keyTypes) {
        int n = Math.min(to - from, SAMPLE);
        for (int k = 0; k < keyTypes.length; k++) {
            if (!keyTypes[k].isVariableWidth() || !(b[k] instanceof StringVectorBuilder sb)) {
                continue;
            }
            // a set of twice the sample's size, so a small chunk clears only what it uses
            int bits = Math.max(6, 33 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1));
            int cap = Math.min(set.length, 1 << bits);
            java.util.Arrays.fill(set, 0, cap, 0);
            int mask = cap - 1;
            int distinct = 0;
            for (int i = from; i < from + n; i++) {
                int g = order == null ? i : order[i];
                if (t.keyIsNull(g, k)) {
                    continue;
                }
                int id = (int) t.key(g, k);
                int slot = (id * 0x9E3779B9) >>> (32 - bits) & mask;
                while (set[slot] != 0 && set[slot] != id + 1) {
                    slot = (slot + 1) & mask;
                }
                if (set[slot] == 0) {
                    set[slot] = id + 1;
                    distinct++;
                }
            }
            if (distinct > n / 4) {
                sb.usePlain();
            }
        }
    }
}
