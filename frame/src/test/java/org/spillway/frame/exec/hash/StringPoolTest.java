package org.spillway.frame.exec.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both string pool layouts against a HashMap, through every intern entry point, with short (inline) and long strings. */
class StringPoolTest {

    /** Strings of 0-40 bytes, many sharing a prefix or differing only in the last byte or in length. */
    private static List<byte[]> strings(Random r, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = r.nextInt(41);
            byte[] b = new byte[len];
            for (int j = 0; j < len; j++) {
                b[j] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 'a' + r.nextInt(3));
            }
            out.add(b);
            if (len > 0 && r.nextBoolean()) {
                out.add(Arrays.copyOf(b, len - 1)); // a prefix: equal words but for the length
                byte[] c = b.clone();
                c[len - 1] ^= 1;
                out.add(c);
                out.add(Arrays.copyOf(b, len + 1)); // the same with a zero byte appended
            }
        }
        return out;
    }

    @ParameterizedTest(name = "inline {0}")
    @ValueSource(booleans = {true, false})
    void everyEntryPointGivesOneIdPerDistinctStringAndTheBytesBack(boolean inline) {
        Random r = new Random(42);
        List<byte[]> all = strings(r, 20_000);
        StringPool pool = new StringPool(inline);
        Map<String, Integer> ids = new HashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < 2; round++) {
                for (int k = 0; k < all.size(); k++) {
                    byte[] b = all.get(k);
                    // each string at the very end of its own segment (no room for a 16-byte read) or inside a larger one
                    int pad = k % 3 == 0 ? 0 : 16;
                    MemorySegment seg = arena.allocate(b.length + pad + 3);
                    MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 3, b.length);
                    long hash = Hashing.ofBytes(b, 0, b.length);
                    int id = switch ((k + round) % 4) {
                        case 0 -> {
                            int x = pool.intern(seg, 3, b.length);
                            assertEquals(hash, pool.lastHash());
                            yield x;
                        }
                        case 1 -> pool.intern(seg, 3, b.length, hash);
                        case 2 -> {
                            byte[] framed = new byte[b.length + 5];
                            System.arraycopy(b, 0, framed, 2, b.length);
                            yield pool.intern(framed, 2, b.length, hash);
                        }
                        default -> pool.intern(b, 0, b.length, hash);
                    };
                    String key = new String(b, StandardCharsets.ISO_8859_1);
                    Integer prev = ids.putIfAbsent(key, id);
                    if (prev != null) {
                        assertEquals(prev, id, "string " + key + " got two ids");
                    }
                    assertEquals(hash, pool.hash(id));
                }
            }
        }
        assertEquals(ids.size(), pool.size());
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            int id = e.getValue();
            byte[] back = Arrays.copyOfRange(pool.data(), pool.start(id), pool.start(id) + pool.length(id));
            assertArrayEquals(e.getKey().getBytes(StandardCharsets.ISO_8859_1), back);
        }
    }

    /**
     * A pool made for an expected size, and one reset for another (kept arrays, shrunk or grown),
     * intern like a new pool: the same ids in order of first occurrence, the same bytes and
     * hashes, whether the guess was far too small or far too large; bytesFor is what it holds.
     */
    @ParameterizedTest(name = "inline {0}")
    @ValueSource(booleans = {true, false})
    void presizedAndResetPoolsInternLikeANewOne(boolean inline) {
        Random r = new Random(3);
        List<byte[]> all = strings(r, 6_000);
        StringPool fresh = new StringPool(inline);
        int[] want = new int[all.size()];
        for (int k = 0; k < all.size(); k++) {
            byte[] b = all.get(k);
            want[k] = fresh.intern(b, 0, b.length, Hashing.ofBytes(b, 0, b.length));
        }
        StringPool kept = new StringPool(inline, 100, 10);
        assertEquals(StringPool.bytesFor(inline, 100, 10), kept.bytes());
        int[][] guesses = {{100, 10}, {50_000, 1 << 20}, {0, 0}, {fresh.size(), (int) fresh.dataBytes()}, {3_000, 40_000}};
        for (int[] guess : guesses) {
            StringPool made = new StringPool(inline, guess[0], guess[1]);
            assertEquals(StringPool.bytesFor(inline, guess[0], guess[1]), made.bytes());
            kept.reset(guess[0], guess[1]);
            for (StringPool pool : List.of(made, kept)) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(64);
                    for (int k = 0; k < all.size(); k++) {
                        byte[] b = all.get(k);
                        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
                        int id = k % 2 == 0 ? pool.intern(seg, 0, b.length) : pool.intern(b, 0, b.length, Hashing.ofBytes(b, 0, b.length));
                        assertEquals(want[k], id, "string " + k + " after guess " + Arrays.toString(guess));
                        assertEquals(fresh.hash(id), pool.hash(id));
                    }
                }
                assertEquals(fresh.size(), pool.size());
                assertEquals(fresh.dataBytes(), pool.dataBytes());
                for (int id = 0; id < fresh.size(); id++) {
                    assertArrayEquals(Arrays.copyOfRange(fresh.data(), fresh.start(id), fresh.start(id) + fresh.length(id)),
                            Arrays.copyOfRange(pool.data(), pool.start(id), pool.start(id) + pool.length(id)));
                }
            }
        }
    }

    @ParameterizedTest(name = "inline {0}")
    @ValueSource(booleans = {true, false})
    void projectedBytesIsNeverBelowWhatThePoolThenHolds(boolean inline) {
        StringPool pool = new StringPool(inline);
        int next = 0;
        for (int step = 0; step < 40; step++) {
            int more = 1 + step * step * 37;
            long moreBytes = 0;
            List<byte[]> add = new ArrayList<>();
            for (int i = 0; i < more; i++) {
                byte[] b = ("k" + (next++) + (i % 5 == 0 ? "-a-rather-longer-suffix" : "")).getBytes(StandardCharsets.UTF_8);
                add.add(b);
                moreBytes += b.length;
            }
            long projected = pool.projectedBytes(more, moreBytes);
            for (byte[] b : add) {
                pool.intern(b, 0, b.length, Hashing.ofBytes(b, 0, b.length));
            }
            assertTrue(pool.bytes() <= projected, "step " + step + ": holds " + pool.bytes() + " > projected " + projected);
        }
    }

    @Test
    void theSegmentHashEqualsTheArrayHashForEveryShortLength() {
        Random r = new Random(7);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            for (int len = 0; len <= 32; len++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 8, len);
                seg.set(ValueLayout.JAVA_BYTE, 8 + len, (byte) 0x5A); // garbage after the string must not count
                StringPool pool = new StringPool();
                pool.intern(seg, 8, len);
                assertEquals(Hashing.ofBytes(b, 0, len), pool.lastHash(), "length " + len);
                assertEquals(Hashing.ofBytes(b, 0, len), Hashing.ofBytes(seg, 8, len), "length " + len);
            }
        }
    }

    @Test
    void theSegmentHashIgnoresTheBytesAroundTheStringAndReadsUpToTheSegmentsEnd() {
        Random r = new Random(11);
        try (Arena arena = Arena.ofConfined()) {
            for (int len = 0; len <= 40; len++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                long want = Hashing.ofBytes(b, 0, len);
                // the string at every offset of a segment full of garbage, the last ones ending at its very end
                MemorySegment seg = arena.allocate(len + 24);
                for (int off = 0; off + len <= seg.byteSize(); off++) {
                    for (long i = 0; i < seg.byteSize(); i++) {
                        seg.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
                    }
                    MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, off, len);
                    assertEquals(want, Hashing.ofBytes(seg, off, len), "length " + len + " at " + off);
                }
            }
        }
    }

    @ParameterizedTest(name = "inline {0}")
    @ValueSource(booleans = {true, false})
    void clearForgetsEveryStringAndThePoolWorksAgain(boolean inline) {
        StringPool pool = new StringPool(inline);
        for (int round = 0; round < 3; round++) {
            int n = round == 1 ? 100_000 : 1000; // one round grows the table past the size clear() keeps
            for (int i = 0; i < n; i++) {
                assertEquals(i, pool.intern("s" + i));
            }
            assertEquals(0, pool.intern("s0"));
            assertEquals(n, pool.size());
            assertEquals(-1, Integer.signum(pool.compare(pool.intern("s1"), pool.intern("s2"))));
            pool.clear();
            assertEquals(0, pool.size());
        }
    }

    @ParameterizedTest(name = "inline {0}")
    @ValueSource(booleans = {true, false})
    void internAllGivesTheIdsAndHashesOfRowByRowInterning(boolean inline) {
        Random r = new Random(7);
        List<byte[]> distinct = strings(r, 3_000);
        int n = 5_000; // several batches; repeats, new strings mid-batch, growth (rehash) mid-column
        byte[][] rows = new byte[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = distinct.get(r.nextInt(i < 2_000 ? 200 : distinct.size()));
        }
        rows[n - 1] = "short".getBytes(StandardCharsets.UTF_8); // a short string ending at the segment's end
        StringPool batched = new StringPool(inline);
        StringPool single = new StringPool(inline);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < 2; round++) { // the second round finds every string already there
                long total = 0;
                for (byte[] b : rows) {
                    total += b.length;
                }
                MemorySegment bytes = arena.allocate(Math.max(1, total));
                MemorySegment offsets = arena.allocate(4L * (n + 1));
                int at = 0;
                for (int i = 0; i < n; i++) {
                    offsets.setAtIndex(ValueLayout.JAVA_INT, i, at);
                    MemorySegment.copy(rows[i], 0, bytes, ValueLayout.JAVA_BYTE, at, rows[i].length);
                    at += rows[i].length;
                }
                offsets.setAtIndex(ValueLayout.JAVA_INT, n, at);
                int[] ids = new int[n];
                batched.internAll(bytes, offsets, n, ids);
                for (int i = 0; i < n; i++) {
                    int start = offsets.getAtIndex(ValueLayout.JAVA_INT, i);
                    int expected = single.intern(bytes, start, rows[i].length);
                    assertEquals(expected, ids[i], "row " + i);
                    assertEquals(single.lastHash(), batched.hash(ids[i]), "row " + i);
                    assertArrayEquals(rows[i], Arrays.copyOfRange(batched.data(), batched.start(ids[i]),
                            batched.start(ids[i]) + batched.length(ids[i])), "row " + i);
                }
                assertEquals(single.size(), batched.size());
            }
        }
    }
}
