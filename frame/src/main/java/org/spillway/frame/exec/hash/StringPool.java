package org.spillway.frame.exec.hash;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns distinct strings (UTF-8 bytes) as dense ids, so group keys and string states are plain
 * longs compared in one instruction. Heap arrays, reported by {@link #bytes()} for the budget.
 *
 * <p>The open-addressing table holds per slot the high 32 bits of the string's hash with its id + 1.
 * An <em>inline</em> pool adds two words per slot that hold a string of up to 15 bytes (bytes 0-7,
 * then bytes 8-14 with the length in the top byte, little-endian, as DuckDB and Umbra keep short
 * strings): a probe for a short string then touches one slot and never the pool's byte array, and a
 * longer string's words hold its first eight bytes and a marker with its length, so only a probe
 * whose tag, prefix and length agree compares the rest. That costs 16 bytes more per slot (about
 * 48 more per string), so operators with a small share of the budget use the compact pool, which
 * compares a probe whose tag agrees by the pool's bytes.
 */
public final class StringPool {
    private byte[] data = new byte[1024];
    private int dataLength;
    private int[] offsets = new int[65];
    private long[] hashes = new long[64];
    private int size;
    private final boolean inline;
    private final int stride; // longs per slot: 3 inline, else 1
    private long[] table; // per slot: high 32 hash bits | (id + 1), 0 = empty; inline: w0, w1
    private int mask = 127;
    private long lastHash;
    private static final long TAG = 0xFFFFFFFF00000000L;
    /** Strings of at most this many bytes are held inline in the table. */
    static final int INLINE_MAX = 15;
    private static final long LONG_MARK = 0xFFL << 56;
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfLong SEG_LONG = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED
            .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfByte SEG_BYTE = java.lang.foreign.ValueLayout.JAVA_BYTE;
    private static final java.lang.foreign.ValueLayout.OfInt SEG_INT = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

    /** An inline pool (the faster, larger layout). */
    public StringPool() {
        this(true);
    }

    /** A pool that keeps short strings in its table ({@code inline}) or only their ids (compact). */
    public StringPool(boolean inline) {
        this.inline = inline;
        this.stride = inline ? 3 : 1;
        this.table = new long[stride * 128];
    }

    /**
     * A pool sized up front for about {@code expectedStrings} strings of {@code expectedBytes} bytes
     * in all (it still grows past them), so a merge that can estimate them does not rehash and copy
     * its way up; holds {@link #bytesFor} of them at once.
     */
    public StringPool(boolean inline, int expectedStrings, long expectedBytes) {
        this(inline);
        if (expectedStrings > 64) {
            int cap = (int) grown(64, expectedStrings);
            offsets = new int[cap + 1];
            hashes = new long[cap];
            int slots = (int) grown(128, 2L * expectedStrings);
            table = new long[stride * slots];
            mask = slots - 1;
        }
        if (expectedBytes > data.length) {
            data = new byte[(int) Math.min(grown(data.length, expectedBytes), Integer.MAX_VALUE - 8)];
        }
    }

    /** Heap bytes of a pool made by {@link #StringPool(boolean, int, long)} with these arguments. */
    public static long bytesFor(boolean inline, int expectedStrings, long expectedBytes) {
        long cap = grown(64, expectedStrings);
        long slots = grown(128, 2L * expectedStrings);
        return Math.min(grown(1024, expectedBytes), Integer.MAX_VALUE - 8) + 4L * (cap + 1) + 8L * cap
                + 8L * (inline ? 3 : 1) * slots;
    }

    /** Bytes of all distinct strings held. */
    public long dataBytes() {
        return dataLength;
    }

    /** Whether short strings are held inline in the table ({@link #internAll} batches only then). */
    public boolean isInline() {
        return inline;
    }

    /** Number of distinct strings. */
    public int size() {
        return size;
    }

    /** Heap bytes held. */
    public long bytes() {
        return data.length + 4L * offsets.length + 8L * hashes.length + 8L * table.length;
    }

    /**
     * Bytes the pool would hold after adding {@code moreStrings} strings of {@code moreBytes} bytes
     * in all: exactly how its arrays grow, so never less than {@link #bytes()} will then be.
     */
    public long projectedBytes(int moreStrings, long moreBytes) {
        long d = grown(data.length, dataLength + moreBytes);
        long n = (long) size + moreStrings;
        long t = mask + 1L;
        while (n * 2L > t) {
            t *= 2;
        }
        return d + 4L * grown(offsets.length, n + 1) + 8L * grown(hashes.length, n) + 8L * stride * t;
    }

    /** An array's capacity after doubling from {@code capacity} until it holds {@code need}. */
    private static long grown(long capacity, long need) {
        while (capacity < need) {
            capacity *= 2;
        }
        return capacity;
    }

    /**
     * The id of the bytes {@code seg[off, off + len)}, adding them if new; computes their hash
     * ({@link Hashing#ofBytes(MemorySegment, long, int)}) on the way, which {@link #lastHash()} then
     * returns. Reads a short string's bytes once, as two words, for both the hash and the probe.
     */
    public int intern(MemorySegment seg, long off, int len) {
        if (!inline || len > INLINE_MAX || off + 16 > seg.byteSize()) {
            long h = Hashing.ofBytes(seg, off, len);
            lastHash = h;
            return intern(seg, off, len, h);
        }
        long w0 = shortWord0(seg, off, len);
        long w1 = shortWord1(seg, off, len);
        long h = shortHash(w0, w1, len);
        lastHash = h;
        return probeShort(w0, w1 | (long) len << 56, h, seg, off, len);
    }

    /** Bytes 0-7 of a string of {@code len <= 15} bytes (at least 16 readable), zero past its end. */
    private static long shortWord0(MemorySegment seg, long off, int len) {
        long w = seg.get(SEG_LONG, off);
        return len >= 8 ? w : w & ((1L << (len << 3)) - 1);
    }

    /** Bytes 8-14 of a string of {@code len <= 15} bytes (at least 16 readable), zero past its end. */
    private static long shortWord1(MemorySegment seg, long off, int len) {
        return len >= 8 ? seg.get(SEG_LONG, off + 8) & ((1L << ((len - 8) << 3)) - 1) : 0;
    }

    /** {@link Hashing#ofBytes(MemorySegment, long, int)} of a short string given as its two words. */
    private static long shortHash(long w0, long w1, int len) {
        long h = 0x27d4eb2f165667c5L ^ len;
        if (len >= 8) {
            h = (h ^ Hashing.mix(w0)) * 0x9E3779B97F4A7C15L;
            return Hashing.mix(h ^ Hashing.mix(w1 ^ 0x165667b19e3779f9L));
        }
        return Hashing.mix(h ^ Hashing.mix(w0 ^ 0x165667b19e3779f9L));
    }

    /** Rows {@link #internAll} hashes and probes at a time. */
    private static final int BATCH = 1024;
    private long[] batchW0;
    private long[] batchW1;
    private long[] batchHash;
    private int[] batchMiss;

    /**
     * Interns rows {@code [0, n)} of a plain string column ({@code offsets}: {@code n + 1} int32
     * offsets into {@code bytes}), writing row {@code i}'s id to {@code ids[i]} (its hash is then
     * {@link #hash(int)}); ids are given in order of first occurrence, as by {@link #intern}.
     *
     * <p>An inline pool works in batches of {@value #BATCH} rows, as vectorized engines probe: one
     * pass computes each row's hash and inline words, a second looks at each row's home slot only,
     * without a branch on what it finds, and a third runs the full probe (and adds new strings) for
     * the rows the home slot did not answer. The second pass's cache misses therefore overlap,
     * where a row-at-a-time probe stalls on a mispredicted branch after each miss (db-benchmark q3
     * at K = 100: 1e5 strings, a 6 MB table).
     */
    public void internAll(MemorySegment bytes, MemorySegment offsets, int n, int[] ids) {
        if (!inline) {
            for (int i = 0; i < n; i++) {
                int start = offsets.getAtIndex(SEG_INT, i);
                ids[i] = intern(bytes, start, offsets.getAtIndex(SEG_INT, i + 1) - start);
            }
            return;
        }
        if (batchW0 == null) {
            batchW0 = new long[BATCH];
            batchW1 = new long[BATCH];
            batchHash = new long[BATCH];
            batchMiss = new int[BATCH];
        }
        long[] w0s = batchW0;
        long[] w1s = batchW1;
        long[] hs = batchHash;
        int[] miss = batchMiss;
        long limit = bytes.byteSize() - 16;
        for (int from = 0; from < n; from += BATCH) {
            int m = Math.min(BATCH, n - from);
            // 1. hashes and inline words (a long string: its hash, first word and length marker)
            int next = offsets.getAtIndex(SEG_INT, from);
            for (int i = 0; i < m; i++) {
                int start = next;
                next = offsets.getAtIndex(SEG_INT, from + i + 1);
                int len = next - start;
                long w0;
                long w1;
                long h;
                if (len <= INLINE_MAX && start <= limit) {
                    w0 = shortWord0(bytes, start, len);
                    w1 = shortWord1(bytes, start, len);
                    h = shortHash(w0, w1, len);
                    w1 |= (long) len << 56;
                } else {
                    h = Hashing.ofBytes(bytes, start, len);
                    w0 = 0;
                    w1 = -1; // never an inline word: the full probe below
                }
                w0s[i] = w0;
                w1s[i] = w1;
                hs[i] = h;
            }
            // 2. each row's home slot, without branches: a hit there is the string (its words agree)
            long[] t = table;
            int mk = mask;
            int misses = 0;
            for (int i = 0; i < m; i++) {
                long h = hs[i];
                int b = 3 * ((int) h & mk);
                long e = t[b];
                boolean hit = e != 0 & ((e ^ h) & TAG) == 0 & t[b + 1] == w0s[i] & t[b + 2] == w1s[i];
                ids[from + i] = (int) e - 1;
                miss[misses] = i;
                misses += hit ? 0 : 1;
            }
            // 3. the rest, in row order (so new strings get their ids in order of first occurrence)
            for (int k = 0; k < misses; k++) {
                int i = miss[k];
                int start = offsets.getAtIndex(SEG_INT, from + i);
                int len = offsets.getAtIndex(SEG_INT, from + i + 1) - start;
                ids[from + i] = w1s[i] == -1 ? intern(bytes, start, len, hs[i])
                        : probeShort(w0s[i], w1s[i], hs[i], bytes, start, len);
            }
        }
    }

    /** The hash of the string last interned by {@link #intern(MemorySegment, long, int)}. */
    public long lastHash() {
        return lastHash;
    }

    /** The id of the bytes {@code seg[off, off + len)} with hash {@code hash}, adding them if new. */
    public int intern(MemorySegment seg, long off, int len, long hash) {
        if (inline && len <= INLINE_MAX) {
            long w0 = 0;
            long w1 = 0;
            for (int i = 0; i < len; i++) {
                long b = seg.get(SEG_BYTE, off + i) & 0xFFL;
                if (i < 8) {
                    w0 |= b << (i << 3);
                } else {
                    w1 |= b << ((i - 8) << 3);
                }
            }
            return probeShort(w0, w1 | (long) len << 56, hash, seg, off, len);
        }
        int slot = (int) hash & mask;
        long tag = hash & TAG;
        long w0 = inline ? seg.get(SEG_LONG, off) : 0;
        long w1 = LONG_MARK | len;
        while (true) {
            int b = stride * slot;
            long e = table[b];
            if (e == 0) {
                ensureData(len);
                MemorySegment.copy(seg, SEG_BYTE, off, data, dataLength, len);
                return add(len, hash, b, w0, w1);
            }
            if ((e & TAG) == tag && (!inline || (table[b + 1] == w0 && table[b + 2] == w1))) {
                int id = (int) e - 1;
                if (equals(id, seg, off, len)) {
                    return id;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    private int probeShort(long w0, long w1, long hash, MemorySegment seg, long off, int len) {
        int slot = (int) hash & mask;
        long tag = hash & TAG;
        while (true) {
            int b = 3 * slot;
            long e = table[b];
            if (e == 0) {
                ensureData(len);
                MemorySegment.copy(seg, SEG_BYTE, off, data, dataLength, len);
                return add(len, hash, b, w0, w1);
            }
            if ((e & TAG) == tag && table[b + 1] == w0 && table[b + 2] == w1) {
                return (int) e - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of {@code bytes[off, off + len)}, adding them if new. */
    public int intern(byte[] bytes, int off, int len, long hash) {
        long w0;
        long w1;
        if (!inline) {
            w0 = 0;
            w1 = 0;
        } else if (len <= INLINE_MAX) {
            w0 = 0;
            w1 = (long) len << 56;
            for (int i = 0; i < len; i++) {
                long b = bytes[off + i] & 0xFFL;
                if (i < 8) {
                    w0 |= b << (i << 3);
                } else {
                    w1 |= b << ((i - 8) << 3);
                }
            }
        } else {
            w0 = (long) LONGS.get(bytes, off);
            w1 = LONG_MARK | len;
        }
        int slot = (int) hash & mask;
        long tag = hash & TAG;
        while (true) {
            int b = stride * slot;
            long e = table[b];
            if (e == 0) {
                ensureData(len);
                System.arraycopy(bytes, off, data, dataLength, len);
                return add(len, hash, b, w0, w1);
            }
            if ((e & TAG) == tag && (!inline || (table[b + 1] == w0 && table[b + 2] == w1))) {
                int id = (int) e - 1;
                if ((inline && len <= INLINE_MAX) || (offsets[id + 1] - offsets[id] == len
                        && Arrays.equals(data, offsets[id], offsets[id] + len, bytes, off, off + len))) {
                    return id;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of a Java string. */
    public int intern(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return intern(b, 0, b.length, Hashing.ofBytes(b, 0, b.length));
    }

    private int add(int len, long hash, int b, long w0, long w1) {
        int id = size++;
        dataLength += len;
        if (offsets.length < size + 1) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        if (hashes.length < size) {
            hashes = Arrays.copyOf(hashes, hashes.length * 2);
        }
        offsets[id + 1] = dataLength;
        hashes[id] = hash;
        table[b] = (hash & TAG) | (id + 1);
        if (inline) {
            table[b + 1] = w0;
            table[b + 2] = w1;
        }
        if (size * 2 > mask + 1) {
            rehash();
        }
        return id;
    }

    private boolean equals(int id, MemorySegment seg, long off, int len) {
        int start = offsets[id];
        if (offsets[id + 1] - start != len) {
            return false;
        }
        int i = 0;
        for (; i + 8 <= len; i += 8) { // eight bytes at a time
            if ((long) LONGS.get(data, start + i) != seg.get(SEG_LONG, off + i)) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (data[start + i] != seg.get(SEG_BYTE, off + i)) {
                return false;
            }
        }
        return true;
    }

    private void ensureData(int len) {
        if (dataLength + len > data.length) {
            long need = (long) dataLength + len;
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a string pool cannot hold more than 2 GiB of distinct strings");
            }
            data = Arrays.copyOf(data, (int) Math.min(grown(data.length, need), Integer.MAX_VALUE - 8));
        }
    }

    private void rehash() {
        int slots = 2 * (mask + 1);
        long[] t = new long[stride * slots];
        int m = slots - 1;
        long[] old = table;
        for (int b = 0; b < old.length; b += stride) {
            long e = old[b];
            if (e == 0) {
                continue;
            }
            int slot = (int) hashes[(int) e - 1] & m;
            while (t[stride * slot] != 0) {
                slot = (slot + 1) & m;
            }
            int nb = stride * slot;
            t[nb] = e;
            if (inline) {
                t[nb + 1] = old[b + 1];
                t[nb + 2] = old[b + 2];
            }
        }
        table = t;
        mask = m;
    }

    /** The value hash of string {@code id}. */
    public long hash(int id) {
        return hashes[id];
    }

    /** The pool's byte array (valid until the next intern). */
    public byte[] data() {
        return data;
    }

    /** Where string {@code id} starts in {@link #data()}. */
    public int start(int id) {
        return offsets[id];
    }

    /** The byte length of string {@code id}. */
    public int length(int id) {
        return offsets[id + 1] - offsets[id];
    }

    /** Compares strings {@code a} and {@code b} by unsigned UTF-8 bytes. */
    public int compare(int a, int b) {
        return Arrays.compareUnsigned(data, offsets[a], offsets[a + 1], data, offsets[b], offsets[b + 1]);
    }

    private int clears;

    /** How many times {@link #clear} has run: ids handed out before stay valid while it stays the same. */
    public int clears() {
        return clears;
    }

    /**
     * Forgets every string, keeping each array that holds {@code expectedStrings} strings (and
     * {@code expectedBytes} bytes) and not over four times as many, else making it anew at that
     * size ({@link #StringPool(boolean, int, long)}).
     */
    public void reset(int expectedStrings, long expectedBytes) {
        clears++;
        size = 0;
        dataLength = 0;
        int cap = (int) grown(64, expectedStrings);
        if (hashes.length < cap || hashes.length > 4L * cap) {
            offsets = new int[cap + 1];
            hashes = new long[cap];
        }
        int slots = (int) grown(128, 2L * expectedStrings);
        if (mask + 1 >= slots && mask + 1 <= 4L * slots) {
            Arrays.fill(table, 0);
        } else {
            table = new long[stride * slots];
            mask = slots - 1;
        }
        long bytes = Math.min(grown(1024, expectedBytes), Integer.MAX_VALUE - 8);
        if (data.length < bytes || data.length > 4 * bytes) {
            data = new byte[(int) bytes];
        }
    }

    /** Forgets every string; keeps the arrays' capacity up to 4,096 strings, else shrinks them back. */
    public void clear() {
        clears++;
        size = 0;
        dataLength = 0;
        if (mask + 1 > 8192) {
            data = new byte[1024];
            offsets = new int[65];
            hashes = new long[64];
            table = new long[stride * 128];
            mask = 127;
        } else {
            Arrays.fill(table, 0);
        }
    }
}
