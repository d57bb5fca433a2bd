package org.spillway.frame.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.parquet.format.CompressionCodec;
import org.xerial.snappy.Snappy;

/** Decompression of page bytes into a reused buffer, one call per page. */
final class PageCodecs {
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

    private PageCodecs() {
    }

    /**
     * Where a column chunk starts (its dictionary page if that comes first), after checking its codec
     * can be read: shared by the vector reader and the record reader.
     */
    static long chunkStart(org.apache.parquet.format.ColumnMetaData md, String column, String file) {
        if (!supported(md.getCodec())) {
            throw new org.spillway.frame.io.ParquetFormatException("Cannot read column '" + column + "' of '" + file + "': its codec " + md.getCodec()
                    + " is not supported (Spillway reads UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4 and LZ4_RAW)");
        }
        long start = md.getData_page_offset();
        if (md.isSetDictionary_page_offset() && md.getDictionary_page_offset() > 0 && md.getDictionary_page_offset() < start) {
            start = md.getDictionary_page_offset();
        }
        return start;
    }

    /** Whether the codec can be read at all (else the caller fails naming file, column and codec). */
    static boolean supported(CompressionCodec codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4, LZ4_RAW -> true;
            default -> false;
        };
    }

    /**
     * Decompresses {@code src[off, off + len)} into {@code dst[0, size)}, which has room; fails with
     * an IOException when the result is not exactly {@code size} bytes.
     */
    static void decompress(CompressionCodec codec, byte[] src, int off, int len, byte[] dst, int size) throws IOException {
        int n = switch (codec) {
            case SNAPPY -> {
                int u = Snappy.uncompressedLength(src, off, len);
                if (u != size) {
                    throw new IOException("snappy data holds " + u + " bytes, the page header says " + size);
                }
                yield Snappy.uncompress(src, off, len, dst, 0);
            }
            case ZSTD -> {
                long r = Zstd.decompressByteArray(dst, 0, size, src, off, len);
                if (Zstd.isError(r)) {
                    throw new IOException("zstd: " + Zstd.getErrorName(r));
                }
                yield (int) r;
            }
            case GZIP -> gunzip(src, off, len, dst, size);
            case LZ4_RAW -> LZ4.decompress(src, off, len, dst, 0, size);
            case LZ4 -> hadoopLz4(src, off, len, dst, size);
            default -> throw new IOException("unsupported codec " + codec);
        };
        if (n != size) {
            throw new IOException(codec + " data decompressed to " + n + " bytes, the page header says " + size);
        }
    }

    private static int gunzip(byte[] src, int off, int len, byte[] dst, int size) throws IOException {
        // GZIPInputStream reads concatenated members as one stream
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(src, off, len), 64 * 1024)) {
            int n = 0;
            while (n < size) {
                int r = in.read(dst, n, size - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n == size && in.read() >= 0) {
                throw new IOException("gzip data holds more than the page header's " + size + " bytes");
            }
            return n;
        }
    }

    /**
     * Hadoop's LZ4 framing ([4-byte BE uncompressed length of a block]([4-byte BE compressed length][LZ4 block])+ ...),
     * else one raw LZ4 block (what some writers call LZ4).
     */
    private static int hadoopLz4(byte[] src, int off, int len, byte[] dst, int size) throws IOException {
        try {
            int p = off;
            int end = off + len;
            int out = 0;
            while (p < end) {
                // one block: its uncompressed length, then compressed pieces until it is complete
                if (end - p < 4) {
                    throw new IOException("short frame");
                }
                int ulen = be(src, p);
                p += 4;
                if (ulen < 0 || out + ulen > size) {
                    throw new IOException("bad frame");
                }
                int blockEnd = out + ulen;
                while (out < blockEnd) {
                    if (end - p < 4) {
                        throw new IOException("short frame");
                    }
                    int clen = be(src, p);
                    p += 4;
                    if (clen < 0 || clen > end - p) {
                        throw new IOException("bad frame");
                    }
                    int got = LZ4.decompress(src, p, clen, dst, out, blockEnd - out);
                    if (got <= 0) {
                        throw new IOException("bad frame");
                    }
                    out += got;
                    p += clen;
                }
            }
            if (out == size) {
                return out;
            }
            throw new IOException("frames hold " + out + " bytes");
        } catch (IOException | RuntimeException e) {
            return LZ4.decompress(src, off, len, dst, 0, size);
        }
    }

    private static int be(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
