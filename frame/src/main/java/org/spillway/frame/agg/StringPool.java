package org.spillway.frame.agg;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns distinct strings (UTF-8 bytes) as dense ids, so group keys and string states are plain
 * longs compared in one instruction. Heap arrays, reported by {@link #bytes()} for the budget.
 * The open-addressing table holds, per slot, the id and the high 32 bits of the string's hash, so
 * a probe that meets another string rarely reads that string's bytes.
 */
public final class StringPool {
    private byte[] data = new byte[1024];
    private int dataLength;
    private int[] offsets = new int[65];
    private long[] hashes = new long[64];
    private int size;
    private long[] table = new long[128]; // high 32 hash bits | (id + 1), 0 = empty
    private static final long TAG = 0xFFFFFFFF00000000L;
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.nativeOrder());
    private static final java.lang.foreign.ValueLayout.OfLong SEG_LONG = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED
            .withOrder(java.nio.ByteOrder.nativeOrder());
    private int mask = 127;

    /** Number of distinct strings. */
    public int size() {
        return size;
    }

    /** Heap bytes held. */
    public long bytes() {
        return data.length + 4L * offsets.length + 8L * hashes.length + 8L * table.length;
    }

    /** Bytes the pool would hold after adding {@code moreStrings} strings of {@code moreBytes} bytes. */
    public long projectedBytes(int moreStrings, long moreBytes) {
        long d = Math.max(data.length, dataLength + moreBytes);
        int n = size + moreStrings;
        long t = table.length;
        while (n * 2L > t) {
            t *= 2;
        }
        return d + 12L * Math.max(n + 1, offsets.length) + 8L * t;
    }

    /** The id of the bytes {@code seg[off, off + len)} with hash {@code hash}, adding them if new. */
    public int intern(MemorySegment seg, long off, int len, long hash) {
        int slot = (int) hash & mask;
        long tag = hash & TAG;
        while (true) {
            long e = table[slot];
            if (e == 0) {
                ensureData(len);
                MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, off, data, dataLength, len);
                return add(len, hash, slot);
            }
            if ((e & TAG) == tag) {
                int id = (int) e - 1;
                if (equals(id, seg, off, len)) {
                    return id;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of {@code bytes[off, off + len)}, adding them if new. */
    public int intern(byte[] bytes, int off, int len, long hash) {
        int slot = (int) hash & mask;
        long tag = hash & TAG;
        while (true) {
            long e = table[slot];
            if (e == 0) {
                ensureData(len);
                System.arraycopy(bytes, off, data, dataLength, len);
                return add(len, hash, slot);
            }
            int id = (int) e - 1;
            if ((e & TAG) == tag && offsets[id + 1] - offsets[id] == len
                    && Arrays.equals(data, offsets[id], offsets[id] + len, bytes, off, off + len)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of a Java string. */
    public int intern(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return intern(b, 0, b.length, Hashing.ofBytes(b, 0, b.length));
    }

    private int add(int len, long hash, int slot) {
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
        table[slot] = (hash & TAG) | (id + 1);
        if (size * 2 > table.length) {
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
            if (data[start + i] != seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + i)) {
                return false;
            }
        }
        return true;
    }

    private void ensureData(int len) {
        if (dataLength + len > data.length) {
            data = Arrays.copyOf(data, Math.max(dataLength + len, data.length * 2));
        }
    }

    private void rehash() {
        long[] t = new long[table.length * 2];
        int m = t.length - 1;
        for (int id = 0; id < size; id++) {
            int slot = (int) hashes[id] & m;
            while (t[slot] != 0) {
                slot = (slot + 1) & m;
            }
            t[slot] = (hashes[id] & TAG) | (id + 1);
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

    /** Forgets every string; keeps the arrays' capacity up to 4,096 strings, else shrinks them back. */
    public void clear() {
        size = 0;
        dataLength = 0;
        if (table.length > 8192) {
            data = new byte[1024];
            offsets = new int[65];
            hashes = new long[64];
            table = new long[128];
            mask = 127;
        } else {
            Arrays.fill(table, 0);
        }
    }
}
