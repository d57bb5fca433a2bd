package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.spillway.spill.DataType;

/**
 * Builds a {@link StringVector}. It starts in dictionary mode, interning each value in a small
 * open-addressing table; once the distinct values exceed {@link #maxDictionary} (a quarter of the
 * expected rows, at most 65 536) it converts what it has to the plain layout and stays plain.
 * Low-cardinality columns (categories, ids with few values) thus cost 4 bytes a row plus one copy
 * of each distinct value, and group-bys can key on codes.
 */
public final class StringVectorBuilder extends VectorBuilder {
    private static final int MAX_DICT = 1 << 16;
    private final int maxDictionary;

    // plain layout
    private byte[] bytes = new byte[64];
    private int[] offsets;
    private int byteCount;
    private boolean plain;

    // dictionary layout
    private int[] codes;
    private byte[] dictBytes = new byte[64];
    private int[] dictOffsets = new int[17];
    private int dictSize;
    private int dictByteCount;
    private int[] table = new int[64]; // code + 1, 0 = empty
    private int[] tableHash = new int[64];

    StringVectorBuilder(int capacity) {
        this(DataType.STRING, capacity);
    }

    StringVectorBuilder(DataType type, int capacity) {
        super(type, capacity);
        int cap = Math.max(16, capacity);
        codes = new int[cap];
        offsets = new int[cap + 1];
        maxDictionary = Math.min(MAX_DICT, Math.max(16, capacity / 4));
    }

    /** Appends the UTF-8 bytes {@code src[off, off + len)}. */
    public void append(byte[] src, int off, int len) {
        markValid();
        if (!plain) {
            int h = hash(src, off, len);
            int code = intern(src, off, len, h);
            if (code >= 0) {
                ensureCodes();
                codes[size++] = code;
                return;
            }
            convertToPlain();
        }
        ensurePlain(len);
        System.arraycopy(src, off, bytes, byteCount, len);
        byteCount += len;
        offsets[++size] = byteCount;
    }

    /**
     * Uses the plain layout (no dictionary attempt) until the next {@link #reset()}; for values known
     * to be mostly distinct, such as a copy of a plain vector. Only while the builder is empty.
     */
    public void usePlain() {
        if (size == 0) {
            plain = true;
            byteCount = 0;
            offsets[0] = 0;
        }
    }

    /** Appends a Java string (encoded as UTF-8). */
    public void append(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        append(b, 0, b.length);
    }

    private byte[] scratch = new byte[64];
    private StringVector mappedSource; // the dictionary vector codeMap maps from
    private int[] codeMap;

    @Override
    public void appendFrom(ColumnVector v, int row) {
        if (v.isNull(row)) {
            appendNull();
            return;
        }
        StringVector s = (StringVector) v;
        if (!plain && s.isDictionary()) {
            // Copying from a dictionary vector: intern each source entry once, then map codes.
            if (s != mappedSource) {
                mappedSource = s;
                if (codeMap == null || codeMap.length < s.dictionarySize()) {
                    codeMap = new int[Math.max(16, s.dictionarySize())];
                }
                Arrays.fill(codeMap, 0, s.dictionarySize(), -1);
            }
            appendMapped(s, row, codeMap);
            return;
        }
        appendBytes(s, row);
    }

    /**
     * Appends non-null row {@code row} of dictionary vector {@code s} through {@code map}, from its
     * codes to this builder's (-1: not seen yet), in dictionary mode: a code seen before costs no
     * hashing; a new one is interned by its bytes and remembered, unless that turned the builder plain.
     */
    private void appendMapped(StringVector s, int row, int[] map) {
        int c = s.code(row);
        int mapped = map[c];
        if (mapped >= 0) {
            markValid();
            ensureCodes();
            codes[size++] = mapped;
            return;
        }
        appendBytes(s, row);
        if (!plain) {
            map[c] = codes[size - 1];
        }
    }

    /**
     * Appends row {@code row} of {@code s} (or a null) by its bytes, without the dictionary-code
     * mapping {@link #appendFrom} keeps per source vector: cheaper when consecutive rows come from
     * different vectors (a gather from many chunks).
     */
    public void appendBytesOf(StringVector s, int row) {
        if (s.isNull(row)) {
            appendNull();
        } else {
            appendBytes(s, row);
        }
    }

    // gather: per source slot, the map from the slot's dictionary codes to this builder's codes,
    // valid while the slot holds the same vector and the builder's dictionary is the same (epoch)
    private StringVector[] slotSource = new StringVector[0];
    private int[][] slotMap = new int[0][];
    private int[] slotEpoch = new int[0];
    private int epoch = 1;

    @Override
    public void appendRange(ColumnVector v, int from, int count) {
        StringVector s = (StringVector) v;
        if (count <= 0) {
            return;
        }
        if (size == 0 && !plain && !s.isDictionary()) {
            usePlain(); // a copy of a plain vector: its values are mostly distinct
        }
        if (plain && !s.isDictionary() && !s.hasNulls()) {
            appendPlainRange(s, from, count);
            return;
        }
        for (int k = 0; k < count; k++) {
            appendFrom(s, from + k); // one source: appendFrom's code map serves
        }
    }

    @Override
    public void gather(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        if (from >= to) {
            return;
        }
        if (size == 0 && !plain && sources[vectors[from]] instanceof StringVector first
                && (!first.isDictionary() || first.dictionarySize() > plainAbove)) {
            usePlain(); // the source gave up its dictionary (mostly distinct values), or has a large one
        }
        if (plain) {
            gatherPlain(sources, vectors, rows, from, to);
            return;
        }
        if (slotSource.length < sources.length) {
            slotSource = Arrays.copyOf(slotSource, sources.length);
            slotMap = Arrays.copyOf(slotMap, sources.length);
            slotEpoch = Arrays.copyOf(slotEpoch, sources.length);
        }
        for (int i = from; i < to; ) {
            if (plain) {
                gatherPlain(sources, vectors, rows, i, to); // the dictionary overflowed on the way
                return;
            }
            int slot = vectors[i];
            StringVector s = (StringVector) sources[slot];
            int r = rows[i];
            int len = mayStretch(vectors, rows, i, to, slot, r) ? stretch(vectors, rows, i, to) : 1;
            if (len >= BULK_ROWS && plain && !s.isDictionary() && !s.hasNulls()) {
                appendPlainRange(s, r, len);
            } else {
                for (int k = 0; k < len; k++) {
                    appendGathered(s, slot, r + k);
                }
            }
            i += len;
        }
    }

    private int[] gatherStart = new int[0];
    private int[] gatherLength = new int[0];

    /**
     * {@link #gather} into the plain layout in two passes: first every row's place in its source
     * (independent loads, so that the misses of rows picked at random overlap), then the bytes.
     */
    private void gatherPlain(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        int n = to - from;
        if (gatherStart.length < n) {
            gatherStart = new int[Math.max(n, 2 * gatherStart.length)];
            gatherLength = new int[gatherStart.length];
        }
        int[] st = gatherStart;
        int[] ln = gatherLength;
        boolean nulls = gatherValidity(sources, vectors, rows, from, to);
        long total = 0;
        for (int i = 0; i < n; i++) {
            StringVector s = (StringVector) sources[vectors[from + i]];
            int r = rows[from + i];
            if (nulls && s.isNull(r)) {
                st[i] = 0;
                ln[i] = 0;
                continue;
            }
            int start;
            int len;
            if (s.isDictionary()) {
                int code = s.code(r);
                start = s.entryStart(code);
                len = s.entryLength(code);
            } else {
                MemorySegment off = s.offsets();
                start = off.getAtIndex(ValueLayout.JAVA_INT, r);
                len = off.getAtIndex(ValueLayout.JAVA_INT, r + 1) - start;
            }
            st[i] = start;
            ln[i] = len;
            total += len;
        }
        if (size + n + 1 > offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(size + n + 1, offsets.length * 2));
        }
        if (byteCount + total + 16 > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(byteCount + total + 16, bytes.length * 2L));
        }
        byte[] out = bytes;
        int at = byteCount;
        for (int i = 0; i < n; i++) {
            int len = ln[i];
            if (len > 0) {
                MemorySegment b = ((StringVector) sources[vectors[from + i]]).bytes();
                copyString(b, st[i], len, out, at);
                at += len;
            }
            offsets[size + i + 1] = at;
        }
        byteCount = at;
        size += n;
    }

    private void appendGathered(StringVector s, int slot, int row) {
        if (s.isNull(row)) {
            appendNull();
        } else if (plain) {
            appendPlain(s, row);
        } else if (!s.isDictionary()) {
            appendBytes(s, row);
        } else {
            appendMapped(s, row, slotMap(slot, s));
        }
    }

    private int[] slotMap(int slot, StringVector s) {
        int[] m = slotMap[slot];
        if (slotSource[slot] != s || slotEpoch[slot] != epoch) {
            int n = s.dictionarySize();
            if (m == null || m.length < n) {
                m = new int[Math.max(16, n)];
                slotMap[slot] = m;
            }
            Arrays.fill(m, 0, n, -1);
            slotSource[slot] = s;
            slotEpoch[slot] = epoch;
        }
        return m;
    }

    /**
     * Appends a non-null row of {@code s} to the plain layout, copying its bytes straight from the
     * segment: a string of up to 16 bytes as one or two 8-byte words (the bytes after it are
     * overwritten later).
     */
    private void appendPlain(StringVector s, int row) {
        int start;
        int len;
        if (s.isDictionary()) {
            start = s.start(row);
            len = s.length(row);
        } else {
            MemorySegment off = s.offsets();
            start = off.getAtIndex(ValueLayout.JAVA_INT, row);
            len = off.getAtIndex(ValueLayout.JAVA_INT, row + 1) - start;
        }
        markValid();
        ensurePlain(len + 16);
        copyString(s.bytes(), start, len, bytes, byteCount);
        byteCount += len;
        offsets[++size] = byteCount;
    }

    /**
     * Copies the {@code len} bytes at {@code start} of {@code b} to {@code out} at {@code at}, which
     * has 16 bytes of room: a string of up to 16 bytes as one or two 8-byte words when the segment
     * has them (the bytes after the string are overwritten later), cheaper than a bulk copy that short.
     */
    private static void copyString(MemorySegment b, int start, int len, byte[] out, int at) {
        if (len <= 8 && start + 8L <= b.byteSize()) {
            WORD.set(out, at, b.get(WORD_LAYOUT, start));
        } else if (len <= 16 && start + 16L <= b.byteSize()) {
            WORD.set(out, at, b.get(WORD_LAYOUT, start));
            WORD.set(out, at + 8, b.get(WORD_LAYOUT, start + 8));
        } else {
            MemorySegment.copy(b, ColumnVector.BYTE, start, out, at, len);
        }
    }

    private static final ValueLayout.OfLong WORD_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle WORD =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Appends rows {@code [from, from + count)} of a plain vector without nulls to the plain layout: two bulk copies. */
    private void appendPlainRange(StringVector s, int from, int count) {
        MemorySegment off = s.offsets();
        int s0 = off.getAtIndex(ValueLayout.JAVA_INT, from);
        int s1 = off.getAtIndex(ValueLayout.JAVA_INT, from + count);
        int len = s1 - s0;
        markValidRange(count);
        if (size + count + 1 > offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(size + count + 1, offsets.length * 2));
        }
        if (byteCount + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(byteCount + len, bytes.length * 2));
        }
        MemorySegment.copy(s.bytes(), ColumnVector.BYTE, s0, bytes, byteCount, len);
        int shift = byteCount - s0;
        for (int k = 1; k <= count; k++) {
            offsets[size + k] = off.getAtIndex(ValueLayout.JAVA_INT, from + k) + shift;
        }
        byteCount += len;
        size += count;
    }

    private void appendBytes(StringVector s, int row) {
        int len = s.length(row);
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        MemorySegment.copy(s.bytes(), ColumnVector.BYTE, s.start(row), scratch, 0, len);
        append(scratch, 0, len);
    }

    @Override
    public void appendObject(Object value) {
        if (value == null) {
            appendNull();
        } else if (value instanceof byte[] || type.kind() == DataType.Kind.DECIMAL128) {
            byte[] b = type.kind() != DataType.Kind.DECIMAL128 ? (byte[]) value
                    : DecimalValues.wideBytes(DecimalValues.unscaled(DecimalValues.toBigDecimal(value, type), type));
            append(b, 0, b.length);
        } else {
            append(value.toString());
        }
    }

    @Override
    void appendNullValue() {
        if (!plain) {
            ensureCodes();
            codes[size] = 0; // code 0 is valid for any non-empty dictionary; the validity bit says null
            if (dictSize == 0) {
                // keep code 0 meaningful: intern the empty string
                intern(new byte[0], 0, 0, hash(new byte[0], 0, 0));
            }
        } else {
            ensurePlain(0);
            offsets[size + 1] = byteCount;
        }
    }

    @Override
    public void reset() {
        super.reset();
        if (keepDictionary && !plain && dictSize <= maxDictionary / 2) {
            // keep the interned values (and the code maps from sources, which stay valid)
            byteCount = 0;
            offsets[0] = 0;
            return;
        }
        epoch++;
        mappedSource = null;
        plain = false;
        byteCount = 0;
        offsets[0] = 0;
        dictSize = 0;
        dictByteCount = 0;
        dictOffsets[0] = 0;
        Arrays.fill(table, 0);
    }

    @Override
    long dataBytes() {
        if (plain) {
            return 4L * (size + 1) + byteCount;
        }
        return 4L * size + 4L * (dictSize + 1) + dictByteCount;
    }

    @Override
    public StringVector build(Arena arena) {
        MemorySegment valid = buildValidity(arena);
        if (plain) {
            MemorySegment off = arena.allocate(4L * (size + 1), 8);
            MemorySegment.copy(offsets, 0, off, ValueLayout.JAVA_INT, 0, size + 1);
            MemorySegment data = arena.allocate(Math.max(byteCount, 1), 8);
            MemorySegment.copy(bytes, 0, data, ColumnVector.BYTE, 0, byteCount);
            return StringVector.plain(type, size, off, data, valid, nullCount);
        }
        if (keepDictionary) {
            StringVector compact = buildCompacted(arena, valid);
            if (compact != null) {
                return compact;
            }
        }
        MemorySegment c = arena.allocate(Math.max(4L * size, 4), 8);
        MemorySegment.copy(codes, 0, c, ValueLayout.JAVA_INT, 0, size);
        MemorySegment off = arena.allocate(4L * (dictSize + 1), 8);
        MemorySegment.copy(dictOffsets, 0, off, ValueLayout.JAVA_INT, 0, dictSize + 1);
        MemorySegment data = arena.allocate(Math.max(dictByteCount, 1), 8);
        MemorySegment.copy(dictBytes, 0, data, ColumnVector.BYTE, 0, dictByteCount);
        return StringVector.dictionary(type, size, c, dictSize, off, data, valid, nullCount);
    }

    /**
     * Keeps the dictionary (the values interned so far) across {@link #reset()}s while it is at most
     * half full, so that a builder writing many chunks from the same values, such as the output of a
     * merge, interns each value once instead of once per chunk. Each built vector still holds only
     * the dictionary entries its rows use (they are renumbered in order of first use).
     */
    public void keepDictionaryAcrossResets() {
        keepDictionary = true;
    }

    /**
     * Makes a {@link #gather} into the empty builder use the plain layout when its first source has
     * a dictionary of more than {@code entries} entries: mapping the codes of many such sources
     * (a merge of many runs) interns most values anew, which costs more than copying their bytes.
     */
    public void gatherPlainAbove(int entries) {
        plainAbove = entries;
    }

    private int plainAbove = Integer.MAX_VALUE;
    private boolean keepDictionary;
    private int[] remap = new int[0];
    private int[] inverse = new int[0];

    /**
     * The dictionary vector of the rows with only the entries they use, numbered in order of first
     * use; null when that is the dictionary as it is (nothing to drop or renumber).
     */
    private StringVector buildCompacted(Arena arena, MemorySegment valid) {
        if (remap.length < dictSize) {
            remap = new int[Math.max(dictSize, remap.length * 2)];
            inverse = new int[remap.length];
        }
        Arrays.fill(remap, 0, dictSize, -1);
        int used = 0;
        boolean same = true;
        for (int i = 0; i < size; i++) {
            if (!validAt(i)) {
                continue;
            }
            int c = codes[i];
            if (remap[c] < 0) {
                same &= c == used;
                inverse[used] = c;
                remap[c] = used++;
            }
        }
        if (same && used == dictSize) {
            return null;
        }
        int entries = Math.max(1, used); // an all-null vector keeps one (empty) entry for its code 0
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            int m = remap[codes[i]];
            out[i] = m < 0 ? 0 : m; // null rows: any valid code
        }
        int[] off = new int[entries + 1];
        int bytesUsed = 0;
        for (int e = 0; e < used; e++) {
            int old = inverse[e];
            bytesUsed += dictOffsets[old + 1] - dictOffsets[old];
            off[e + 1] = bytesUsed;
        }
        MemorySegment c = arena.allocate(Math.max(4L * size, 4), 8);
        MemorySegment.copy(out, 0, c, ValueLayout.JAVA_INT, 0, size);
        MemorySegment o = arena.allocate(4L * (entries + 1), 8);
        MemorySegment.copy(off, 0, o, ValueLayout.JAVA_INT, 0, entries + 1);
        MemorySegment data = arena.allocate(Math.max(bytesUsed, 1), 8);
        for (int e = 0; e < used; e++) {
            int old = inverse[e];
            MemorySegment.copy(dictBytes, dictOffsets[old], data, ColumnVector.BYTE, off[e], off[e + 1] - off[e]);
        }
        return StringVector.dictionary(type, size, c, entries, o, data, valid, nullCount);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = 0x9E3779B9 ^ len;
        for (int i = 0; i < len; i++) {
            h = (h ^ b[off + i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    /** Returns the code of the value, adding it if new; -1 when the dictionary is full. */
    private int intern(byte[] src, int off, int len, int h) {
        int mask = table.length - 1;
        int slot = h & mask;
        while (true) {
            int e = table[slot];
            if (e == 0) {
                break;
            }
            int code = e - 1;
            if (tableHash[slot] == h) {
                int s = dictOffsets[code];
                int l = dictOffsets[code + 1] - s;
                if (l == len && Arrays.equals(dictBytes, s, s + l, src, off, off + len)) {
                    return code;
                }
            }
            slot = (slot + 1) & mask;
        }
        if (dictSize >= maxDictionary) {
            return -1;
        }
        int code = dictSize++;
        if (dictByteCount + len > dictBytes.length) {
            dictBytes = Arrays.copyOf(dictBytes, Math.max(dictByteCount + len, dictBytes.length * 2));
        }
        System.arraycopy(src, off, dictBytes, dictByteCount, len);
        dictByteCount += len;
        if (dictSize + 1 > dictOffsets.length) {
            dictOffsets = Arrays.copyOf(dictOffsets, dictOffsets.length * 2);
        }
        dictOffsets[dictSize] = dictByteCount;
        table[slot] = code + 1;
        tableHash[slot] = h;
        if (dictSize * 2 > table.length) {
            rehash();
        }
        return code;
    }

    private void rehash() {
        int[] oldTable = table;
        int[] oldHash = tableHash;
        table = new int[oldTable.length * 2];
        tableHash = new int[oldTable.length * 2];
        int mask = table.length - 1;
        for (int i = 0; i < oldTable.length; i++) {
            if (oldTable[i] != 0) {
                int slot = oldHash[i] & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = oldTable[i];
                tableHash[slot] = oldHash[i];
            }
        }
    }

    private void ensureCodes() {
        if (size == codes.length) {
            codes = Arrays.copyOf(codes, size * 2);
        }
    }

    private void ensurePlain(int extraBytes) {
        if (size + 2 > offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(size + 2, offsets.length * 2));
        }
        if (byteCount + extraBytes > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(byteCount + extraBytes, bytes.length * 2));
        }
    }

    private void convertToPlain() {
        plain = true;
        byteCount = 0;
        offsets[0] = 0;
        int rows = size;
        for (int i = 0; i < rows; i++) {
            int c = codes[i];
            int s = dictOffsets[c];
            int l = dictOffsets[c + 1] - s;
            boolean isNull = nullCount > 0 && dictSize > 0 && isNullAt(i);
            if (isNull) {
                l = 0;
            }
            if (size + 2 > offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            if (byteCount + l > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(byteCount + l, bytes.length * 2));
            }
            System.arraycopy(dictBytes, s, bytes, byteCount, l);
            byteCount += l;
            offsets[i + 1] = byteCount;
        }
    }

    private boolean isNullAt(int i) {
        // validity lives in the superclass; rows before `size` are final
        return !validAt(i);
    }

    /**
     * {@link VectorBuilder#scatter}'s loop for a plain source without nulls, into the plain layout;
     * false (nothing done) if a destination already holds rows in the dictionary layout.
     */
    private static final ThreadLocal<int[]> SCATTER_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<byte[]> SCATTER_BYTES = ThreadLocal.withInitial(() -> new byte[0]);

    static boolean scatterPlain(StringVector src, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        for (int p = 0; p < counts.length; p++) {
            if (counts[p] > 0) {
                StringVectorBuilder b = (StringVectorBuilder) outs[p];
                if (!b.plain && b.size > 0) {
                    return false;
                }
            }
        }
        for (int p = 0; p < counts.length; p++) {
            if (counts[p] > 0) {
                StringVectorBuilder b = (StringVectorBuilder) outs[p];
                b.usePlain();
                if (b.size + counts[p] + 1 > b.offsets.length) {
                    b.offsets = Arrays.copyOf(b.offsets, Math.max(b.size + counts[p] + 1, b.offsets.length * 2));
                }
                b.markValidRange(counts[p]);
            }
        }
        // the source's offsets and bytes copied to the heap in bulk first: the loop below then reads
        // arrays only (per-row segment reads measured slower here)
        int[] off = SCATTER_OFFSETS.get();
        if (off.length < n + 1) {
            off = new int[n + 1];
            SCATTER_OFFSETS.set(off);
        }
        MemorySegment.copy(src.offsets(), ValueLayout.JAVA_INT, 0, off, 0, n + 1);
        int first = off[0];
        int total = off[n] - first;
        byte[] data = SCATTER_BYTES.get();
        if (data.length < total + 16) {
            data = new byte[total + 16];
            SCATTER_BYTES.set(data);
        }
        MemorySegment.copy(src.bytes(), ColumnVector.BYTE, first, data, 0, total);
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = off[i + 1] - first;
            int len = end - start;
            StringVectorBuilder b = (StringVectorBuilder) outs[part[i]];
            int at = b.byteCount;
            if (at + len + 16L > b.bytes.length) {
                b.bytes = Arrays.copyOf(b.bytes, (int) Math.max(at + len + 16L, b.bytes.length * 2L));
            }
            byte[] out = b.bytes;
            if (len <= 16) { // data and out have 16 bytes of slack
                WORD.set(out, at, (long) WORD.get(data, start));
                WORD.set(out, at + 8, (long) WORD.get(data, start + 8));
            } else {
                System.arraycopy(data, start, out, at, len);
            }
            b.byteCount = at + len;
            b.offsets[++b.size] = at + len;
            start = end;
        }
        return true;
    }
}
