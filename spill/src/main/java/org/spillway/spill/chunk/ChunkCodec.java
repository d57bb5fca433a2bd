package org.spillway.spill.chunk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Lays a {@link Chunk} out as one contiguous buffer and back, so that a chunk spills as a single
 * block and is rebuilt as zero-copy slices of the buffer it was read into.
 *
 * <p>Layout (native byte order, all sections 8-byte aligned):
 * <pre>
 *   header      magic int "CHK1", rows int, columns int, reserved int          16 bytes
 *   per column  type ordinal int, flags int, nullCount int, extra int,
 *               4 buffer lengths long, min long, max long                    64 bytes each
 *   buffers     per column in order: validity, then
 *                 int/date, int64/timestamp/timestamp_ntz/time, float64, bool: data
 *                 plain string/binary: offsets, bytes
 *                 dictionary string/binary: codes, dictionary offsets, dictionary bytes
 *               each padded to a multiple of 8 bytes
 * </pre>
 * {@code flags}: 1 = has a validity bitmap, 2 = dictionary strings. {@code extra}: the dictionary
 * size for dictionary strings, the true count for bools. {@code min}/{@code max}: the vector's
 * bounds (int, long, or raw double bits).
 */
public final class ChunkCodec {
    private static final int MAGIC = 0x43484B31;
    private static final int HEADER = 16;
    private static final int COLUMN = 64;
    private static final int BUFFERS = 4;
    private static final int FLAG_VALIDITY = 1;
    private static final int FLAG_DICTIONARY = 2;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ChunkCodec() {
    }

    /** One column's descriptor fields and the exact byte ranges of its buffers (null = absent). */
    private record Parts(int flags, int extra, long min, long max, MemorySegment[] buffers) {
    }

    /** The bytes {@link #encode} writes for {@code chunk}. */
    public static long encodedSize(Chunk chunk) {
        long size = HEADER + (long) COLUMN * chunk.columnCount();
        for (int c = 0; c < chunk.columnCount(); c++) {
            for (MemorySegment b : parts(chunk.column(c)).buffers()) {
                size += b == null ? 0 : align8(b.byteSize());
            }
        }
        return size;
    }

    /**
     * Writes {@code chunk} to the start of {@code dst}, which needs at least
     * {@link #encodedSize(Chunk)} bytes.
     */
    public static void encode(Chunk chunk, MemorySegment dst) {
        int cols = chunk.columnCount();
        Parts[] parts = new Parts[cols];
        long size = HEADER + (long) COLUMN * cols;
        for (int c = 0; c < cols; c++) {
            parts[c] = parts(chunk.column(c));
            for (MemorySegment b : parts[c].buffers()) {
                size += b == null ? 0 : align8(b.byteSize());
            }
        }
        if (dst.byteSize() < size) {
            throw new IllegalArgumentException("Chunk needs " + size + " bytes to encode but the destination has "
                    + dst.byteSize());
        }
        dst.set(INT, 0, MAGIC);
        dst.set(INT, 4, chunk.rows());
        dst.set(INT, 8, cols);
        dst.set(INT, 12, 0);
        long pos = HEADER + (long) COLUMN * cols;
        for (int c = 0; c < cols; c++) {
            Parts p = parts[c];
            long d = HEADER + (long) COLUMN * c;
            dst.set(INT, d, typeCode(chunk.column(c).type()));
            dst.set(INT, d + 4, p.flags());
            dst.set(INT, d + 8, chunk.column(c).nullCount());
            dst.set(INT, d + 12, p.extra());
            for (int b = 0; b < BUFFERS; b++) {
                MemorySegment buf = p.buffers()[b];
                long len = buf == null ? 0 : buf.byteSize();
                dst.set(LONG, d + 16 + 8L * b, len);
                if (len > 0) {
                    MemorySegment.copy(buf, 0, dst, pos, len);
                }
                long padded = align8(len);
                if (padded > len) {
                    dst.asSlice(pos + len, padded - len).fill((byte) 0);
                }
                pos += padded;
            }
            dst.set(LONG, d + 48, p.min());
            dst.set(LONG, d + 56, p.max());
        }
    }

    /**
     * Rebuilds a chunk from bytes written by {@link #encode}. The vectors are zero-copy slices of
     * {@code src}, which must be a native segment of {@code arena} aligned to 8 bytes. The returned
     * chunk takes ownership of {@code arena} and {@code reservation}; a zero-column chunk holds no
     * memory, so for one both are closed right away.
     *
     * @throws IllegalArgumentException if {@code src} is not an encoding of a chunk of {@code schema}
     */
    public static Chunk decode(Schema schema, MemorySegment src, Arena arena, Reservation reservation) {
        if (!src.isNative() || src.address() % 8 != 0) {
            throw new IllegalArgumentException("Chunk encoding must be decoded from a native segment aligned to 8 bytes");
        }
        if (src.byteSize() < HEADER || src.get(INT, 0) != MAGIC) {
            throw new IllegalArgumentException("Not an encoded chunk (bad magic number or too short: " + src.byteSize() + " bytes)");
        }
        int rows = src.get(INT, 4);
        int cols = src.get(INT, 8);
        if (cols != schema.size()) {
            throw new IllegalArgumentException("Encoded chunk has " + cols + " columns but the schema has " + schema.size());
        }
        if (cols == 0) {
            closeQuietly(arena);
            if (reservation != null) {
                reservation.close();
            }
            return Chunk.empty(schema, rows);
        }
        ColumnVector[] vectors = new ColumnVector[cols];
        long pos = HEADER + (long) COLUMN * cols;
        check(src, 0, pos);
        for (int c = 0; c < cols; c++) {
            long d = HEADER + (long) COLUMN * c;
            int code = src.get(INT, d);
            DataType type = schema.type(c);
            if (code != typeCode(type)) {
                throw new IllegalArgumentException("Encoded column " + c + " ('" + schema.field(c).name() + "') has type code "
                        + code + " but the schema says " + type + " (code " + typeCode(type) + ")");
            }
            int flags = src.get(INT, d + 4);
            int nullCount = src.get(INT, d + 8);
            int extra = src.get(INT, d + 12);
            MemorySegment[] b = new MemorySegment[BUFFERS];
            for (int i = 0; i < BUFFERS; i++) {
                long len = src.get(LONG, d + 16 + 8L * i);
                check(src, pos, len);
                b[i] = src.asSlice(pos, len);
                pos += align8(len);
            }
            long min = src.get(LONG, d + 48);
            long max = src.get(LONG, d + 56);
            MemorySegment validity = (flags & FLAG_VALIDITY) != 0 ? b[0] : null;
            vectors[c] = switch (type.kind()) {
                case INT32, DATE -> new IntVector(type, rows, b[1], validity, nullCount, (int) min, (int) max);
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> new LongVector(type, rows, b[1], validity, nullCount, min, max);
                case FLOAT64 -> new DoubleVector(rows, b[1], validity, nullCount,
                        Double.longBitsToDouble(min), Double.longBitsToDouble(max));
                case BOOL -> new BoolVector(rows, b[1], validity, nullCount, extra);
                case STRING, BINARY, DECIMAL128 -> (flags & FLAG_DICTIONARY) != 0
                        ? StringVector.dictionary(type, rows, b[1], extra, b[2], b[3], validity, nullCount)
                        : StringVector.plain(type, rows, b[1], b[2], validity, nullCount);
            };
        }
        return new Chunk(schema, vectors, arena, reservation);
    }

    /** The type's kind, precision and scale in one int (a decimal's parameters are part of its type). */
    private static int typeCode(DataType t) {
        return t.kind().ordinal() | t.precision() << 8 | t.scale() << 16;
    }

    private static Parts parts(ColumnVector v) {
        int n = v.size();
        MemorySegment validity = v.validity() == null ? null : v.validity().asSlice(0, (n + 7L) >>> 3);
        int flags = validity == null ? 0 : FLAG_VALIDITY;
        return switch (v) {
            case IntVector iv -> new Parts(flags, 0, iv.min(), iv.max(),
                    new MemorySegment[] {validity, iv.data().asSlice(0, 4L * n), null, null});
            case LongVector lv -> new Parts(flags, 0, lv.min(), lv.max(),
                    new MemorySegment[] {validity, lv.data().asSlice(0, 8L * n), null, null});
            case DoubleVector dv -> new Parts(flags, 0,
                    Double.doubleToRawLongBits(dv.min()), Double.doubleToRawLongBits(dv.max()),
                    new MemorySegment[] {validity, dv.data().asSlice(0, 8L * n), null, null});
            case BoolVector bv -> new Parts(flags, bv.trueCount(), 0, 0,
                    new MemorySegment[] {validity, bv.data().asSlice(0, n), null, null});
            case StringVector sv when sv.isDictionary() -> {
                int dict = sv.dictionarySize();
                MemorySegment offsets = sv.offsets().asSlice(0, 4L * (dict + 1));
                long bytes = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, dict);
                yield new Parts(flags | FLAG_DICTIONARY, dict, 0, 0, new MemorySegment[] {
                        validity, sv.codes().asSlice(0, 4L * n), offsets, sv.bytes().asSlice(0, bytes)});
            }
            case StringVector sv -> {
                MemorySegment offsets = sv.offsets().asSlice(0, 4L * (n + 1));
                long bytes = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, n);
                yield new Parts(flags, 0, 0, 0,
                        new MemorySegment[] {validity, offsets, sv.bytes().asSlice(0, bytes), null});
            }
        };
    }

    private static void check(MemorySegment src, long pos, long len) {
        if (len < 0 || pos + len > src.byteSize()) {
            throw new IllegalArgumentException("Encoded chunk is truncated: needs bytes up to " + (pos + len)
                    + " but has " + src.byteSize());
        }
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    private static void closeQuietly(Arena arena) {
        if (arena == null) {
            return;
        }
        try {
            arena.close();
        } catch (UnsupportedOperationException notClosable) {
            // global or automatic arena: nothing to free
        }
    }
}
