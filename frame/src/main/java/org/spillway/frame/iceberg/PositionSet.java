package org.spillway.frame.iceberg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.roaringbitmap.RoaringBitmap;
import org.spillway.frame.io.parquet.DeletedRows;

/**
 * The deleted row positions of one data file, from any mix of position delete files, a deletion vector
 * and equality deletes (resolved to positions): 32-bit Roaring bitmaps keyed by the positions' high 32
 * bits, the layout of Iceberg's deletion vectors (a few bits per deleted row, not 8 bytes).
 * Filled while a scan is planned, then only read.
 */
final class PositionSet implements DeletedRows {
    /** The magic of a serialized deletion vector (bytes D1 D3 39 64), read little-endian. */
    static final int DV_MAGIC = 1681511377;
    private final TreeMap<Integer, RoaringBitmap> maps = new TreeMap<>();
    private long cardinality = -1;
    private int lastHigh; // the high word of the last position added, and its bitmap (null: none yet)
    private RoaringBitmap lastMap;

    /** Marks row {@code pos} deleted. */
    void add(long pos) {
        int high = (int) (pos >>> 32);
        RoaringBitmap m = lastMap;
        if (m == null || high != lastHigh) {
            m = maps.computeIfAbsent(high, k -> new RoaringBitmap());
            lastMap = m;
            lastHigh = high;
        }
        m.add((int) pos);
        cardinality = -1;
    }

    /** Marks every row of a deletion vector blob deleted (Puffin {@code deletion-vector-v1}). */
    void addDeletionVector(byte[] blob, String where) {
        ByteBuffer be = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
        try {
            int len = be.getInt();
            if (len < 12 || len + 8 > blob.length) {
                throw new IcebergException(where + ": the deletion vector's length " + len + " does not fit its blob of " + blob.length + " bytes");
            }
            CRC32 crc = new CRC32();
            crc.update(blob, 4, len);
            if ((int) crc.getValue() != be.getInt(4 + len)) {
                throw new IcebergException(where + ": the deletion vector's checksum does not match: it is corrupt");
            }
            ByteBuffer bb = ByteBuffer.wrap(blob, 4, len).slice().order(ByteOrder.LITTLE_ENDIAN);
            if (bb.getInt() != DV_MAGIC) {
                throw new IcebergException(where + " is not a deletion-vector-v1 blob (wrong magic)");
            }
            long n = bb.getLong();
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new IcebergException(where + ": the deletion vector claims " + n + " bitmaps");
            }
            for (long i = 0; i < n; i++) {
                int key = bb.getInt();
                RoaringBitmap r = new RoaringBitmap();
                r.deserialize(bb.slice().order(ByteOrder.LITTLE_ENDIAN));
                bb.position(bb.position() + r.serializedSizeInBytes());
                maps.merge(key, r, (a, b) -> RoaringBitmap.or(a, b));
            }
            lastMap = null; // merge may have replaced the bitmap add() kept
            cardinality = -1;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IcebergException ie) {
                throw ie;
            }
            throw new IcebergException(where + " is not a valid deletion vector: " + e, e);
        }
    }

    @Override
    public long cardinality() {
        if (cardinality < 0) {
            long c = 0;
            for (RoaringBitmap m : maps.values()) {
                c += m.getLongCardinality();
            }
            cardinality = c;
        }
        return cardinality;
    }

    @Override
    public int keep(long start, int n, int[] keep) {
        return DeletedRows.keepRoaring(high -> maps.get((int) high), start, n, keep);
    }
}
