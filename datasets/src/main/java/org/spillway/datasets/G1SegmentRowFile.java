package org.spillway.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The row-index spill file of {@link G1Sorter}: each segment's row indices, in row order, in one
 * temporary file, written by {@link #partition} in one scan of all rows (instead of one scan per
 * segment) and read back a segment at a time by {@link #rows}.
 */
final class G1SegmentRowFile implements AutoCloseable {
    private static final int COLS = G1Model.ID_COLUMNS;

    private final Path file;
    private final FileChannel channel;
    /** Per segment: chunks of 4 longs (file offset, byte length, base row, row count). */
    private final long[][] chunks;
    private final int[] chunkCount;
    private final long[] rowCount;
    private long end;

    private G1SegmentRowFile(Path file, int segments) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.chunks = new long[segments][16];
        this.chunkCount = new int[segments];
        this.rowCount = new long[segments];
    }

    void append(int seg, byte[] bytes, int length, long base, int rows) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes, 0, length);
        long pos = end;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        int c = chunkCount[seg]++;
        if (4 * c + 4 > chunks[seg].length) {
            chunks[seg] = Arrays.copyOf(chunks[seg], chunks[seg].length * 2);
        }
        chunks[seg][4 * c] = end;
        chunks[seg][4 * c + 1] = length;
        chunks[seg][4 * c + 2] = base;
        chunks[seg][4 * c + 3] = rows;
        rowCount[seg] += rows;
        end = pos;
    }

    long count(int seg) {
        return rowCount[seg];
    }

    /** The row indices of segment {@code seg} in ascending order. */
    long[] rows(int seg) throws IOException {
        long[] out = new long[Math.toIntExact(rowCount[seg])];
        int p = 0;
        byte[] bytes = new byte[0];
        for (int c = 0; c < chunkCount[seg]; c++) {
            long offset = chunks[seg][4 * c];
            int length = (int) chunks[seg][4 * c + 1];
            long row = chunks[seg][4 * c + 2];
            int rows = (int) chunks[seg][4 * c + 3];
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            ByteBuffer bb = ByteBuffer.wrap(bytes, 0, length);
            while (bb.hasRemaining()) {
                if (channel.read(bb, offset + bb.position()) < 0) {
                    throw new IOException("unexpected end of " + file);
                }
            }
            int q = 0;
            for (int x = 0; x < rows; x++) {
                long delta = 0;
                int shift = 0;
                byte b;
                do {
                    b = bytes[q++];
                    delta |= (long) (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0);
                row += delta;
                out[p++] = row;
            }
        }
        return out;
    }

    /** Closes and deletes the file. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Routes every row of {@code m} to its segment of {@code plan} in one parallel scan and stores each
     * segment's row indices, in row order, in the temporary file {@code file} (created, and deleted when
     * the result is closed). Rows are delta-encoded as varints: about one byte per row while there are
     * fewer than ~100 segments. Replaces one scan per segment by one scan in all.
     */
    static G1SegmentRowFile partition(G1RangePlan plan, G1Model m, Path file, Parallel par) throws IOException {
        int segs = plan.segmentCount();
        int tasks = par.threads();
        long block = 1L << 21;
        byte[][][] buf = new byte[tasks][segs][];
        int[][] len = new int[tasks][segs];
        int[][] cnt = new int[tasks][segs];
        long[] taskFrom = new long[tasks];
        int initial = (int) Math.max(64, 2 * block / tasks / segs);
        G1SegmentRowFile out = new G1SegmentRowFile(file, segs);
        try {
            for (long start = 0; start < m.n; start += block) {
                long blockFrom = start;
                long blockTo = Math.min(m.n, start + block);
                par.run(tasks, t -> {
                    long from = blockFrom + (blockTo - blockFrom) * t / tasks;
                    long to = blockFrom + (blockTo - blockFrom) * (t + 1) / tasks;
                    taskFrom[t] = from;
                    long[] last = new long[segs];
                    Arrays.fill(last, from - 1);
                    byte[][] bufs = buf[t];
                    int[] lens = len[t];
                    int[] cnts = cnt[t];
                    int[] r = new int[COLS];
                    for (long i = from; i < to; i++) {
                        int sg = plan.route(i, r);
                        long delta = i - last[sg];
                        last[sg] = i;
                        byte[] b = bufs[sg];
                        int l = lens[sg];
                        if (b == null || l + 10 > b.length) {
                            b = b == null ? new byte[initial] : Arrays.copyOf(b, b.length + (b.length >> 1) + 10);
                            bufs[sg] = b;
                        }
                        while (delta >= 0x80) {
                            b[l++] = (byte) (delta | 0x80);
                            delta >>>= 7;
                        }
                        b[l++] = (byte) delta;
                        lens[sg] = l;
                        cnts[sg]++;
                    }
                });
                for (int sg = 0; sg < segs; sg++) {
                    for (int t = 0; t < tasks; t++) {
                        if (cnt[t][sg] > 0) {
                            out.append(sg, buf[t][sg], len[t][sg], taskFrom[t] - 1, cnt[t][sg]);
                            len[t][sg] = 0;
                            cnt[t][sg] = 0;
                        }
                    }
                }
            }
            for (int sg = 0; sg < segs; sg++) {
                if (out.count(sg) != plan.segment(sg).count()) {
                    throw new AssertionError("segment " + sg + ": routed " + out.count(sg) + " rows, planned "
                            + plan.segment(sg).count());
                }
            }
            return out;
        } catch (IOException | RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }
}
