package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.apache.parquet.format.CompressionCodec;
import org.junit.jupiter.api.Test;

/** The framings the codecs must accept. */
class ParquetCodecsTest {
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 / 7);
        }
        return b;
    }

    private static byte[] lz4(byte[] b, int off, int len) {
        byte[] out = new byte[LZ4.maxCompressedLength(len)];
        int n = LZ4.compress(b, off, len, out, 0);
        return Arrays.copyOf(out, n);
    }

    @Test
    void hadoopLz4BlocksOfSeveralPiecesAndRawBlocks() throws IOException {
        byte[] d = data(10_000);
        byte[] p1 = lz4(d, 0, 4000);
        byte[] p2 = lz4(d, 4000, 3000);
        byte[] p3 = lz4(d, 7000, 3000);
        ByteBuffer framed = ByteBuffer.allocate(32 + p1.length + p2.length + p3.length);
        framed.putInt(7000).putInt(p1.length).put(p1).putInt(p2.length).put(p2); // one block of two pieces
        framed.putInt(3000).putInt(p3.length).put(p3);
        byte[] f = Arrays.copyOf(framed.array(), framed.position());
        byte[] out = new byte[10_000];
        PageCodecs.decompress(CompressionCodec.LZ4, f, 0, f.length, out, 10_000);
        assertArrayEquals(d, out);
        byte[] raw = lz4(d, 0, d.length);
        Arrays.fill(out, (byte) 0);
        PageCodecs.decompress(CompressionCodec.LZ4, raw, 0, raw.length, out, 10_000);
        assertArrayEquals(d, out);
        Arrays.fill(out, (byte) 0);
        PageCodecs.decompress(CompressionCodec.LZ4_RAW, raw, 0, raw.length, out, 10_000);
        assertArrayEquals(d, out);
    }

    @Test
    void gzipOfConcatenatedMembers() throws IOException {
        byte[] d = data(5000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int off = 0; off < d.length; off += 2000) {
            ByteArrayOutputStream member = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(member)) {
                gz.write(d, off, Math.min(2000, d.length - off));
            }
            all.write(member.toByteArray());
        }
        byte[] g = all.toByteArray();
        byte[] out = new byte[5000];
        PageCodecs.decompress(CompressionCodec.GZIP, g, 0, g.length, out, 5000);
        assertArrayEquals(d, out);
        assertThrows(IOException.class, () -> PageCodecs.decompress(CompressionCodec.GZIP, g, 0, g.length, new byte[6000], 6000));
    }
}
