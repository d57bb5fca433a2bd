package org.spillway.frame.exec.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The group table against a HashMap, new, sized up front and reset with kept arrays. */
class GroupTableTest {

    /** Inserts keys drawn from {@code distinct} values, adding each row's value to its group's state; checks ids and sums. */
    private static void fillAndCheck(GroupTable t, int rows, int distinct, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<Long, Integer> ids = new HashMap<>();
        Map<Integer, Long> sums = new HashMap<>();
        for (int i = 0; i < rows; i++) {
            long key = r.nextInt(distinct) * 7919L - 5;
            int g = t.findOrInsert1(Hashing.ofLong(key), key);
            Integer prev = ids.putIfAbsent(key, g);
            assertEquals(prev == null ? ids.size() - 1 : prev, g, "key " + key);
            t.states()[g * t.stride()] += i;
            sums.merge(g, (long) i, Long::sum);
        }
        assertEquals(ids.size(), t.size());
        for (Map.Entry<Long, Integer> e : ids.entrySet()) {
            int g = e.getValue();
            assertEquals(e.getKey(), t.key(g, 0));
            assertEquals(sums.get(g), t.states()[g * t.stride()], "state of group " + g);
            assertEquals(0, t.states()[g * t.stride() + 1], "untouched state of group " + g);
        }
    }

    @Test
    void aTableSizedUpFrontOrResetBehavesLikeANewOne() {
        fillAndCheck(new GroupTable(1, 2), 20_000, 3_000, 1);
        assertEquals(GroupTable.bytesForGroups(1, 2, 5_000), new GroupTable(1, 2, 5_000).bytes());
        fillAndCheck(new GroupTable(1, 2, 5_000), 20_000, 3_000, 2); // guessed well
        fillAndCheck(new GroupTable(1, 2, 100), 20_000, 3_000, 3); // far too small: grows
        GroupTable kept = new GroupTable(1, 2, 4_000);
        int clears = kept.clears();
        // states and groups of the previous round must be gone after each reset, whether the arrays are kept or made anew
        int[][] rounds = {{3_000, 4_000}, {2_500, 4_000}, {100, 50}, {9_000, 16}, {50_000, 60_000}};
        long seed = 10;
        for (int[] round : rounds) {
            kept.reset(round[1]);
            assertEquals(0, kept.size());
            fillAndCheck(kept, 4 * round[0], round[0], seed++);
        }
        assertNotEquals(clears, kept.clears());
    }
}
