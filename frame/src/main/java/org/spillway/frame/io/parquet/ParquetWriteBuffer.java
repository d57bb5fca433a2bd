package org.spillway.frame.io.parquet;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable little-endian byte buffer for encoding pages; also an OutputStream for Thrift. Not thread-safe. */
final class ParquetWriteBuffer extends OutputStream {
    byte[] buf;
    int len;

    ParquetWriteBuffer(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void ensure(int extra) {
        if (len + extra > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) len + extra);
            if (want > Integer.MAX_VALUE - 16) {
                if ((long) len + extra > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("a Parquet page or column chunk exceeds 2 GiB; use smaller row groups");
                }
                want = Integer.MAX_VALUE - 16;
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    void clear() {
        len = 0;
    }

    int size() {
        return len;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    void putInt(int v) {
        ensure(4);
        buf[len] = (byte) v;
        buf[len + 1] = (byte) (v >>> 8);
        buf[len + 2] = (byte) (v >>> 16);
        buf[len + 3] = (byte) (v >>> 24);
        len += 4;
    }

    void putIntAt(int pos, int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        buf[pos + 2] = (byte) (v >>> 16);
        buf[pos + 3] = (byte) (v >>> 24);
    }

    void putLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[len + i] = (byte) (v >>> (8 * i));
        }
        len += 8;
    }

    void putUnsignedVarInt(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
