package org.spillway.frame.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.UUID;
import org.apache.parquet.format.BloomFilterAlgorithm;
import org.apache.parquet.format.BloomFilterCompression;
import org.apache.parquet.format.BloomFilterHash;
import org.apache.parquet.format.BloomFilterHeader;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.SplitBlockAlgorithm;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Uncompressed;
import org.apache.parquet.format.Util;
import org.spillway.frame.Literals;
import org.spillway.spill.DataType;

/**
 * Parquet split-block bloom filters (the format's only kind: 256-bit blocks, xxHash64 with seed 0 of
 * a value's PLAIN encoding without a length prefix), through {@link SplitBlockBloomFilter} and
 * {@link XxHash64} (not parquet-column's, whose hashing calls {@code sun.misc.Unsafe}): reading one
 * from a column chunk, hashing a filter literal as the column stores it, and building one for a column
 * chunk being written, byte for byte as parquet-java builds it.
 */
final class ParquetBloomFilters {
    /** Filters larger than this are not read (parquet-java writes at most 1 MiB by default). */
    static final int MAX_READ_BYTES = 16 << 20;
    /** The largest filter written: parquet-java's default maximum. */
    static final int MAX_WRITE_BYTES = 1 << 20;
    /** Bytes read first when the footer gives no bloom_filter_length: the header is a few dozen bytes. */
    private static final int HEADER_GUESS = 64;
    private static final double TWO_53 = 9007199254740992.0;

    private ParquetBloomFilters() {
    }

    /** A filter read from a file, and how many bytes reading it took. */
    record Read(SplitBlockBloomFilter filter, long bytes) {
    }

    /**
     * The bloom filter of a column chunk, or null when it has none or it cannot be used (an unknown
     * algorithm, hash or compression, an implausible size, offsets outside the file). The result's
     * {@code bytes} counts the bytes read (header and bitset).
     */
    static Read read(FileChannel ch, long fileSize, ColumnMetaData md) throws IOException {
        if (!md.isSetBloom_filter_offset()) {
            return null;
        }
        long off = md.getBloom_filter_offset();
        int declared = md.isSetBloom_filter_length() ? md.getBloom_filter_length() : -1;
        if (off < 4 || off >= fileSize || (declared > 0 && (declared > MAX_READ_BYTES + HEADER_GUESS || off + declared > fileSize))) {
            return null;
        }
        byte[] head = readAt(ch, off, declared > 0 ? declared : (int) Math.min(HEADER_GUESS, fileSize - off));
        long bytes = head.length;
        ByteArrayInputStream in = new ByteArrayInputStream(head);
        BloomFilterHeader h;
        try {
            h = Util.readBloomFilterHeader(in);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int headerLen = head.length - in.available();
        int n = h.getNumBytes();
        if (n < SplitBlockBloomFilter.BYTES_PER_BLOCK || n > MAX_READ_BYTES || Integer.bitCount(n) != 1
                || h.getAlgorithm() == null || !h.getAlgorithm().isSetBLOCK() || h.getHash() == null || !h.getHash().isSetXXHASH()
                || h.getCompression() == null || !h.getCompression().isSetUNCOMPRESSED()) {
            return null;
        }
        byte[] bitset;
        if (declared > 0) {
            if (headerLen + n > head.length) {
                return null;
            }
            bitset = Arrays.copyOfRange(head, headerLen, headerLen + n);
        } else {
            if (off + headerLen + n > fileSize) {
                return null;
            }
            bitset = readAt(ch, off + headerLen, n);
            bytes += n;
        }
        return new Read(new SplitBlockBloomFilter(bitset), bytes);
    }

    private static byte[] readAt(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(len);
        ParquetFile.readFully(ch, bb, pos);
        return bb.array();
    }

    /**
     * The hashes of the stored values that equal {@code literal} under the filter's comparison with a
     * column of mapping {@code m}: the row group may hold a match only if the filter may hold one of
     * them. Null when that set cannot be told exactly (a null literal, NaN, a literal of another type
     * or outside what the column can store, INT96, booleans): then the filter must not be used.
     */
    static long[] hashes(Object literal, ParquetTypes.Mapping m) {
        if (literal == null) {
            return null;
        }
        try {
            return switch (m.type().kind()) {
                case INT32, INT64 -> {
                    Long x = integral(literal);
                    yield x == null ? null : integer(x, m);
                }
                case FLOAT64 -> floating(literal, m);
                case STRING -> literal instanceof String s ? text(s, m) : null;
                case BINARY -> literal instanceof byte[] b && (m.physical() == Type.BYTE_ARRAY || b.length == m.typeLength())
                        ? new long[] {XxHash64.hash(b)} : null;
                case DATE -> m.physical() == Type.INT32 && (literal instanceof LocalDate || literal instanceof String)
                        ? integer(Literals.toLong(literal, DataType.DATE), m) : null;
                case TIMESTAMP, TIMESTAMP_NTZ -> literal instanceof Instant || literal instanceof LocalDateTime || literal instanceof String
                        ? micros(Literals.toLong(literal, m.type()), m) : null;
                case TIME -> literal instanceof LocalTime || literal instanceof String
                        ? micros(Literals.toLong(literal, DataType.TIME), m) : null;
                default -> null;
            };
        } catch (RuntimeException e) {
            return null; // a literal that does not convert exactly: the filter is not used
        }
    }

    /** An integral literal's value; a double only when it is a whole number well inside the exact range of doubles. */
    private static Long integral(Object v) {
        return switch (v) {
            case Integer i -> (long) i;
            case Long l -> l;
            case Double d when !Double.isNaN(d) && Math.abs(d) < TWO_53 && d == Math.rint(d) -> (long) (double) d;
            default -> null;
        };
    }

    /** A stored int32 or int64 equal to {@code x} (the column's value after its conversion). */
    private static long[] integer(long x, ParquetTypes.Mapping m) {
        if (m.physical() == Type.INT32) {
            return switch (m.conversion()) {
                case NONE -> x == (int) x ? new long[] {XxHash64.hashInt((int) x)} : null;
                case UINT32 -> x >= 0 && x <= 0xFFFF_FFFFL ? new long[] {XxHash64.hashInt((int) x)} : null;
                default -> null;
            };
        }
        if (m.physical() == Type.INT64) {
            return switch (m.conversion()) {
                case NONE -> new long[] {XxHash64.hashLong(x)};
                case UINT64 -> x >= 0 ? new long[] {XxHash64.hashLong(x)} : null;
                default -> null;
            };
        }
        return null;
    }

    /** A float or double column: both zeros when the literal is zero (the filter finds -0.0 equal to 0.0). */
    private static long[] floating(Object literal, ParquetTypes.Mapping m) {
        double d = switch (literal) {
            case Double x -> x;
            case Integer i -> i;
            case Long l when Math.abs((double) l) < TWO_53 -> (double) l;
            default -> Double.NaN;
        };
        if (Double.isNaN(d)) {
            return null;
        }
        if (m.physical() == Type.DOUBLE && m.conversion() == ParquetTypes.Conversion.NONE) {
            return d == 0.0 ? new long[] {XxHash64.hashDouble(0.0), XxHash64.hashDouble(-0.0)} : new long[] {XxHash64.hashDouble(d)};
        }
        if (m.physical() == Type.FLOAT && m.conversion() == ParquetTypes.Conversion.FLOAT) {
            float f = (float) d;
            if ((double) f != d) {
                return null; // no float equals it, but be conservative
            }
            return f == 0.0f ? new long[] {XxHash64.hashFloat(0.0f), XxHash64.hashFloat(-0.0f)} : new long[] {XxHash64.hashFloat(f)};
        }
        return null;
    }

    private static long[] text(String s, ParquetTypes.Mapping m) {
        if (m.conversion() == ParquetTypes.Conversion.UUID) {
            UUID u = UUID.fromString(s);
            if (!u.toString().equals(s)) {
                return null; // only the canonical lower-case text equals a stored UUID
            }
            ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            return new long[] {XxHash64.hash(b.array())};
        }
        if (m.physical() != Type.BYTE_ARRAY || m.conversion() != ParquetTypes.Conversion.NONE) {
            return null;
        }
        try {
            ByteBuffer utf8 = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
            byte[] b = new byte[utf8.remaining()];
            utf8.get(b);
            return new long[] {XxHash64.hash(b)};
        } catch (CharacterCodingException e) {
            return null; // a lone surrogate: no stored UTF-8 string decodes to it
        }
    }

    /** A timestamp or time literal's microseconds in the unit the file stores. */
    private static long[] micros(long micros, ParquetTypes.Mapping m) {
        if (m.physical() == Type.INT64) {
            return switch (m.conversion()) {
                case NONE -> new long[] {XxHash64.hashLong(micros)};
                case MILLIS -> micros % 1000 == 0 ? new long[] {XxHash64.hashLong(micros / 1000)} : null;
                case NANOS -> new long[] {XxHash64.hashLong(Math.multiplyExact(micros, 1000L))};
                default -> null; // INT96 has no bloom filters worth trusting
            };
        }
        if (m.physical() == Type.INT32 && m.conversion() == ParquetTypes.Conversion.TIME_MILLIS && micros % 1000 == 0) {
            long ms = micros / 1000;
            return ms == (int) ms ? new long[] {XxHash64.hashInt((int) ms)} : null;
        }
        return null;
    }

    /**
     * The bloom filter of rows {@code [from, to)} of a column being written, serialized as stored
     * (Thrift header, then the bitset): sized as parquet-java sizes it, from the number of distinct
     * values and {@code fpp} ({@link SplitBlockBloomFilter#optimalNumOfBits}), a power of two from 32
     * bytes to {@link #MAX_WRITE_BYTES}. Null for booleans.
     */
    static byte[] build(ParquetWriteColumn col, int from, int to, double fpp) {
        long[] hashes = new long[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (col.isNull(i)) {
                continue;
            }
            hashes[n++] = switch (col.type.kind()) {
                case INT32, DATE -> XxHash64.hashInt(col.ints[i]);
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> XxHash64.hashLong(col.longs[i]);
                case FLOAT64 -> XxHash64.hashDouble(col.doubles[i]);
                case STRING, BINARY -> XxHash64.hash(col.bytes, col.offsets[i], col.offsets[i + 1] - col.offsets[i]);
                default -> throw new IllegalArgumentException("no bloom filter for " + col.type + " columns");
            };
        }
        // sorted in place: the distinct hashes are counted and inserted once each (insertion order does not matter)
        Arrays.sort(hashes, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || hashes[i] != hashes[i - 1]) {
                hashes[distinct++] = hashes[i];
            }
        }
        int bytes = Math.max(0, SplitBlockBloomFilter.optimalNumOfBits(distinct, fpp) / 8);
        SplitBlockBloomFilter bf = SplitBlockBloomFilter.ofSize(bytes, MAX_WRITE_BYTES);
        for (int i = 0; i < distinct; i++) {
            bf.insert(hashes[i]);
        }
        BloomFilterHeader header = new BloomFilterHeader(bf.numBytes(), BloomFilterAlgorithm.BLOCK(new SplitBlockAlgorithm()),
                BloomFilterHash.XXHASH(new org.apache.parquet.format.XxHash()), BloomFilterCompression.UNCOMPRESSED(new Uncompressed()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(bf.numBytes() + 32);
        try {
            Util.writeBloomFilterHeader(header, out);
            out.write(bf.bitset());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }
}
