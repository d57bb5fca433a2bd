package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.spillway.spill.DataType;

/**
 * UTF-8 strings ({@link DataType#STRING}), or arbitrary bytes ({@link DataType#BINARY}, same layout). Two layouts behind one reader interface:
 * <ul>
 *   <li><b>plain</b>: {@code offsets} (int32, size + 1) into {@code bytes};</li>
 *   <li><b>dictionary</b>: {@code codes} (int32 per row) into a dictionary of distinct strings
 *       (its own offsets and bytes). Chosen by the builder when few values are distinct.</li>
 * </ul>
 * Every consumer reads through {@link #bytes()}, {@link #start(int)} and {@link #length(int)}, so
 * it works for both; operators that can exploit codes (group by, join) check {@link #isDictionary()}.
 */
public final class StringVector extends ColumnVector {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private final MemorySegment offsets; // plain: size+1 offsets; dict: dictSize+1 offsets
    private final MemorySegment bytes;
    private final MemorySegment codes; // null for plain
    private final int dictionarySize;

    private StringVector(DataType type, int size, MemorySegment offsets, MemorySegment bytes, MemorySegment codes, int dictionarySize,
                         MemorySegment validity, int nullCount) {
        super(type, size, validity, nullCount);
        if (type != DataType.STRING && type != DataType.BINARY && type.kind() != DataType.Kind.DECIMAL128) {
            throw new IllegalArgumentException("StringVector cannot hold " + type);
        }
        this.offsets = offsets;
        this.bytes = bytes;
        this.codes = codes;
        this.dictionarySize = dictionarySize;
    }

    /** A plain vector: row {@code i} is {@code bytes[offsets[i], offsets[i+1])}. */
    public static StringVector plain(int size, MemorySegment offsets, MemorySegment bytes, MemorySegment validity, int nullCount) {
        return plain(DataType.STRING, size, offsets, bytes, validity, nullCount);
    }

    /** A plain vector of {@code type} ({@link DataType#STRING} or {@link DataType#BINARY}). */
    public static StringVector plain(DataType type, int size, MemorySegment offsets, MemorySegment bytes, MemorySegment validity,
                                     int nullCount) {
        return new StringVector(type, size, offsets, bytes, null, -1, validity, nullCount);
    }

    /** A dictionary vector: row {@code i} is dictionary entry {@code codes[i]}. */
    public static StringVector dictionary(int size, MemorySegment codes, int dictionarySize, MemorySegment dictOffsets,
                                          MemorySegment dictBytes, MemorySegment validity, int nullCount) {
        return dictionary(DataType.STRING, size, codes, dictionarySize, dictOffsets, dictBytes, validity, nullCount);
    }

    /** A dictionary vector of {@code type} ({@link DataType#STRING} or {@link DataType#BINARY}). */
    public static StringVector dictionary(DataType type, int size, MemorySegment codes, int dictionarySize, MemorySegment dictOffsets,
                                          MemorySegment dictBytes, MemorySegment validity, int nullCount) {
        return new StringVector(type, size, dictOffsets, dictBytes, codes, dictionarySize, validity, nullCount);
    }

    /** True when rows are codes into a dictionary. */
    public boolean isDictionary() {
        return codes != null;
    }

    /** Number of distinct dictionary entries (dictionary layout only). */
    public int dictionarySize() {
        return dictionarySize;
    }

    /** The dictionary code of row {@code i} (dictionary layout only; unspecified when null). */
    public int code(int i) {
        return codes.getAtIndex(INT, i);
    }

    /** The codes segment (dictionary layout), or null. */
    public MemorySegment codes() {
        return codes;
    }

    /** The offsets segment: per row (plain) or per dictionary entry. */
    public MemorySegment offsets() {
        return offsets;
    }

    /** The segment holding the UTF-8 bytes. */
    public MemorySegment bytes() {
        return bytes;
    }

    /** Byte offset in {@link #bytes()} where row {@code i} starts. */
    public int start(int i) {
        int e = codes == null ? i : codes.getAtIndex(INT, i);
        return offsets.getAtIndex(INT, e);
    }

    /** UTF-8 length of row {@code i} in bytes (0 when null). */
    public int length(int i) {
        int e = codes == null ? i : codes.getAtIndex(INT, i);
        return offsets.getAtIndex(INT, e + 1) - offsets.getAtIndex(INT, e);
    }

    /** Byte offset where dictionary entry {@code code} starts. */
    public int entryStart(int code) {
        return offsets.getAtIndex(INT, code);
    }

    /** Byte length of dictionary entry {@code code}. */
    public int entryLength(int code) {
        return offsets.getAtIndex(INT, code + 1) - offsets.getAtIndex(INT, code);
    }

    /** Copies row {@code i}'s UTF-8 bytes into a new array. */
    public byte[] getBytes(int i) {
        int s = start(i);
        int len = length(i);
        byte[] out = new byte[len];
        MemorySegment.copy(bytes, BYTE, s, out, 0, len);
        return out;
    }

    /** Row {@code i} decoded as a Java string (null when null). */
    public String getString(int i) {
        if (isNull(i)) {
            return null;
        }
        return new String(getBytes(i), StandardCharsets.UTF_8);
    }

    /** True if row {@code i} is non-null and equals {@code utf8}. */
    public boolean equalsBytes(int i, byte[] utf8) {
        if (isNull(i) || length(i) != utf8.length) {
            return false;
        }
        return MemorySegment.mismatch(bytes, start(i), start(i) + utf8.length,
                MemorySegment.ofArray(utf8), 0, utf8.length) == -1;
    }

    /** Compares rows by unsigned UTF-8 bytes (code-point order); nulls are not handled here. */
    public static int compare(StringVector a, int i, StringVector b, int j) {
        int sa = a.start(i);
        int la = a.length(i);
        int sb = b.start(j);
        int lb = b.length(j);
        long mm = MemorySegment.mismatch(a.bytes, sa, sa + la, b.bytes, sb, sb + lb);
        if (mm == -1) {
            return 0;
        }
        if (mm == la) {
            return -1;
        }
        if (mm == lb) {
            return 1;
        }
        return Integer.compare(a.bytes.get(BYTE, sa + mm) & 0xff, b.bytes.get(BYTE, sb + mm) & 0xff);
    }

    @Override
    public long byteSize() {
        return offsets.byteSize() + bytes.byteSize() + (codes == null ? 0 : codes.byteSize())
                + (validity() == null ? 0 : validity().byteSize());
    }

    /**
     * Row {@code i} as a Java value: a String, for {@link DataType#BINARY} a {@code byte[]}, for a wide
     * decimal a {@code BigDecimal} (null when null).
     */
    @Override
    public Object getObject(int i) {
        if (type() == DataType.BINARY) {
            return isNull(i) ? null : getBytes(i);
        }
        if (type().kind() == DataType.Kind.DECIMAL128) {
            return isNull(i) ? null : DecimalValues.ofWide(getBytes(i), type().scale());
        }
        return getString(i);
    }
}
