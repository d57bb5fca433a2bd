package org.spillway.frame.io.parquet;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.apache.parquet.format.CompressionCodec;
import org.spillway.frame.io.ParquetWriteOptions.Codec;
import org.xerial.snappy.Snappy;

/**
 * Compresses Parquet page bodies with the writer's codec: Snappy (raw, as Parquet's SNAPPY), GZIP (a
 * gzip member, as parquet-java writes), ZSTD (a zstd frame) and LZ4_RAW (one LZ4 block). Stateless and
 * thread-safe.
 */
public final class ParquetCompressors {
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private ParquetCompressors() {
    }

    /** The Thrift codec id of {@code codec}. */
    public static CompressionCodec thrift(Codec codec) {
        return switch (codec) {
            case UNCOMPRESSED -> CompressionCodec.UNCOMPRESSED;
            case SNAPPY -> CompressionCodec.SNAPPY;
            case GZIP -> CompressionCodec.GZIP;
            case ZSTD -> CompressionCodec.ZSTD;
            case LZ4_RAW -> CompressionCodec.LZ4_RAW;
        };
    }

    /** {@code src[0, len)} compressed; for UNCOMPRESSED, the bytes themselves (maybe {@code src} itself). */
    public static byte[] compress(Codec codec, int level, byte[] src, int len) {
        try {
            return switch (codec) {
                case UNCOMPRESSED -> len == src.length ? src : Arrays.copyOf(src, len);
                case SNAPPY -> {
                    byte[] out = new byte[Snappy.maxCompressedLength(len)];
                    int n = Snappy.rawCompress(src, 0, len, out, 0);
                    yield Arrays.copyOf(out, n);
                }
                case ZSTD -> {
                    byte[] out = new byte[(int) Zstd.compressBound(len)];
                    long n = Zstd.compressByteArray(out, 0, out.length, src, 0, len, level);
                    if (Zstd.isError(n)) {
                        throw new IllegalStateException("zstd failed: " + Zstd.getErrorName(n));
                    }
                    yield Arrays.copyOf(out, (int) n);
                }
                case LZ4_RAW -> {
                    byte[] out = new byte[LZ4.maxCompressedLength(len)];
                    int n = LZ4.compress(src, 0, len, out, 0, out.length);
                    yield Arrays.copyOf(out, n);
                }
                case GZIP -> {
                    ByteArrayOutputStream bos = new ByteArrayOutputStream(Math.max(64, len / 3));
                    int lvl = Math.max(Deflater.NO_COMPRESSION, Math.min(Deflater.BEST_COMPRESSION, level));
                    try (GZIPOutputStream gz = new GZIPOutputStream(bos, 64 << 10) {
                        {
                            def.setLevel(lvl);
                        }
                    }) {
                        gz.write(src, 0, len);
                    }
                    yield bos.toByteArray();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compress a page with " + codec + ": " + e.getMessage(), e);
        }
    }
}
