package org.spillway.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Produces the rows of the groupby table in key order (id1..id6, nulls first, ties in row order)
 * without holding all rows: rows are never stored, only regenerated from their index.
 *
 * <p>Planning scans all rows once and counts them into up to {@code H} buckets of a monotone function
 * of the sort key (a mixed-radix prefix of the six ranks). Consecutive buckets are grouped into
 * {@link Segment}s of at most {@code budget} rows. A bucket holding more than {@code budget} rows is
 * refined by another scan restricted to its key range, recursively; a bucket whose rows all have the
 * same key is split by row index instead (its rows are already in order). Materialising a segment
 * scans all rows again, keeps the row indices whose key falls in the segment's range, counting-sorts
 * them by bucket and sorts each bucket by the remaining ranks. Memory is O(budget + H) per thread;
 * time is one scan per segment, in which most rows are rejected after one or two ranks (a hash each).
 */
final class G1Sorter {
    private static final int COLS = G1Model.ID_COLUMNS;

    private final G1Model m;
    private final int budget;
    private final int h;
    private final long[] radix = new long[COLS];
    private final List<Segment> segments = new ArrayList<>();
    private final long[] starts;
    private final Router root;

    /**
     * Plans the segments (scans the rows at least once).
     *
     * @param budget the most rows a segment may hold
     */
    G1Sorter(G1Model m, int budget, Parallel par) {
        this.m = m;
        this.budget = Math.max(1, budget);
        this.h = Math.clamp(Long.highestOneBit(Math.max(1, m.n / 8)), 256, 1 << 16);
        for (int c = 0; c < COLS; c++) {
            radix[c] = m.rankCount(c);
        }
        root = m.n > 0 ? plan(node(0, new int[COLS], 0, radix[0]), par) : null;
        starts = new long[segments.size() + 1];
        for (int s = 0; s < segments.size(); s++) {
            starts[s + 1] = starts[s] + segments.get(s).count;
        }
        if (starts[segments.size()] != m.n) {
            throw new AssertionError("planned " + starts[segments.size()] + " of " + m.n + " rows");
        }
    }

    /** The number of segments. */
    int segmentCount() {
        return segments.size();
    }

    /** The sorted position of the first row of segment {@code s}; {@code s == segmentCount()} gives N. */
    long segmentStart(int s) {
        return starts[s];
    }

    /** The segment holding sorted position {@code row}. */
    int segmentOf(long row) {
        int idx = Arrays.binarySearch(starts, row); // starts increase strictly: no segment is empty
        return idx >= 0 ? idx : -idx - 2;
    }

    // ---------------------------------------------------------------- key-range nodes

    /**
     * The rows whose ranks equal {@code prefix} on columns {@code < j} and lie in {@code [a, b)} on
     * column {@code j}; {@code j == 6} means one exact key. Its buckets: the ranks of columns
     * {@code j..t} in mixed radix, times {@code s} slots of column {@code t + 1}; or, when column
     * {@code j} alone has more than {@code H} values ({@code partial}), {@code H} slices of it.
     */
    private final class Node {
        final int j;
        final int[] prefix;
        final long a;
        final long b;
        final boolean partial;
        final int t;
        final long s;
        /** Buckets per value of column j (not partial). */
        final long inner;
        final int lastCol;
        final int buckets;

        Node(int j, int[] prefix, long a, long b) {
            this.j = j;
            this.prefix = prefix;
            this.a = a;
            this.b = b;
            if (j == COLS) {
                partial = false;
                t = COLS - 1;
                s = 1;
                inner = 1;
                lastCol = COLS - 1;
                buckets = 1;
                return;
            }
            long dj = b - a;
            if (dj > h) {
                partial = true;
                t = j - 1;
                s = h;
                inner = 0;
                lastCol = j;
                buckets = h;
                return;
            }
            partial = false;
            long p = dj;
            int last = j;
            while (last + 1 < COLS && p * radix[last + 1] <= h) {
                p *= radix[last + 1];
                last++;
            }
            t = last;
            s = t < COLS - 1 ? Math.min(h / p, radix[t + 1]) : 1;
            lastCol = s > 1 ? t + 1 : t;
            buckets = (int) (p * s);
            inner = buckets / dj;
        }

        boolean singleKey() {
            return j == COLS;
        }

        /** Whether each bucket holds a single key (then rows in a bucket stay in row order). */
        boolean singleKeyBuckets() {
            return j == COLS || (!partial && t == COLS - 1);
        }

        /** The first column that may differ between rows of one bucket. */
        int firstVarying() {
            return partial ? j : t + 1;
        }

        /** The bucket of a row with ranks {@code r} (columns j..lastCol filled in). */
        int bucket(int[] r) {
            if (j == COLS) {
                return 0;
            }
            if (partial) {
                return (int) ((r[j] - a) * s / (b - a));
            }
            long idx = r[j] - a;
            for (int c = j + 1; c <= t; c++) {
                idx = idx * radix[c] + r[c];
            }
            if (t < COLS - 1) {
                idx = idx * s + r[t + 1] * s / radix[t + 1];
            }
            return (int) idx;
        }

        /** The lowest column-j rank in bucket {@code q}. */
        long lowRank(long q) {
            return partial ? a + ceilDiv(q * (b - a), s) : a + q / inner;
        }

        /**
         * Stores in {@code out[j..lastCol]} the smallest ({@code low}) or largest rank tuple that falls
         * in bucket {@code q}.
         */
        void bounds(int q, int[] out, boolean low) {
            if (partial) {
                out[j] = (int) (low ? lowRank(q) : lowRank(q + 1) - 1);
                return;
            }
            long idx = t < COLS - 1 ? q / s : q;
            long slot = t < COLS - 1 ? q % s : 0;
            for (int c = t; c > j; c--) {
                out[c] = (int) (idx % radix[c]);
                idx /= radix[c];
            }
            out[j] = (int) (a + idx);
            if (lastCol > t) {
                long d = radix[t + 1];
                out[t + 1] = (int) (low ? ceilDiv(slot * d, s) : ceilDiv((slot + 1) * d, s) - 1);
            }
        }

        /** The key range of bucket {@code q} as a node. */
        Node child(int q) {
            if (partial) {
                return node(j, prefix.clone(), lowRank(q), lowRank(q + 1));
            }
            long idx = t < COLS - 1 ? q / s : q;
            long slot = t < COLS - 1 ? q % s : 0;
            int[] p = prefix.clone();
            for (int c = t; c > j; c--) {
                p[c] = (int) (idx % radix[c]);
                idx /= radix[c];
            }
            p[j] = (int) (a + idx);
            if (t == COLS - 1) {
                return node(COLS, p, 0, 0);
            }
            long d = radix[t + 1];
            return node(t + 1, p, ceilDiv(slot * d, s), ceilDiv((slot + 1) * d, s));
        }
    }

    /** A node with single-value leading ranges folded into the prefix. */
    private Node node(int j, int[] prefix, long a, long b) {
        while (j < COLS && b - a == 1) {
            prefix[j] = (int) a;
            j++;
            if (j < COLS) {
                a = 0;
                b = radix[j];
            }
        }
        return new Node(j, prefix, a, b);
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /**
     * Buckets {@code [b0, b1)} of {@code node}, restricted to rows {@code [iFrom, iTo)}. As the bucket
     * function is monotone in the ranks of columns {@code j..lastCol} (lexicographically), those buckets
     * hold exactly the rows whose ranks lie between the tuples {@code lo} and {@code hi} (inclusive).
     */
    private record Segment(Node node, int b0, int b1, long iFrom, long iTo, long count, int[] lo, int[] hi) {
    }

    private Segment segment(Node node, int b0, int b1, long iFrom, long iTo, long count) {
        int[] lo = new int[COLS];
        int[] hi = new int[COLS];
        if (!node.singleKey()) {
            node.bounds(b0, lo, true);
            node.bounds(b1 - 1, hi, false);
        }
        return new Segment(node, b0, b1, iFrom, iTo, count, lo, hi);
    }

    /**
     * The bucket of row {@code i} in the segment's node, or -1 when its key is outside the segment.
     * Ranks are computed column by column and the row is rejected as soon as its key leaves the
     * segment's interval, so most rows cost one or two ranks.
     */
    private int match(Segment seg, long i, int[] r) {
        Node node = seg.node;
        int j = node.j;
        int[] prefix = node.prefix;
        for (int c = 0; c < j; c++) {
            if (m.rank(c, i) != prefix[c]) {
                return -1;
            }
        }
        if (j == COLS) {
            return 0;
        }
        int[] lo = seg.lo;
        int[] hi = seg.hi;
        int last = node.lastCol;
        boolean atLow = true;
        boolean atHigh = true;
        int c = j;
        for (; c <= last; c++) {
            int x = m.level(c, i);
            int rc = m.valueRank(c, x);
            // the rank is rc, or 0 if the value is null: look that up only when it matters
            boolean rcOut = (atLow && rc < lo[c]) || (atHigh && rc > hi[c]);
            if (rcOut && atLow && lo[c] > 0) {
                return -1; // neither rc nor 0 is in the interval
            }
            if (m.isNullLevel(c, x)) {
                rc = 0;
            }
            r[c] = rc;
            if (atLow) {
                if (rc < lo[c]) {
                    return -1;
                }
                atLow = rc == lo[c];
            }
            if (atHigh) {
                if (rc > hi[c]) {
                    return -1;
                }
                atHigh = rc == hi[c];
            }
            if (!atLow && !atHigh) {
                break;
            }
        }
        for (c++; c <= last; c++) {
            r[c] = m.rank(c, i);
        }
        return node.bucket(r);
    }

    /** The bucket of row {@code i} in {@code node}, or -1 when its key is outside the node. */
    private int match(Node node, long i, int[] r) {
        int j = node.j;
        int[] prefix = node.prefix;
        for (int c = 0; c < j; c++) {
            if (m.rank(c, i) != prefix[c]) {
                return -1;
            }
        }
        if (j == COLS) {
            return 0;
        }
        int rj = m.rank(j, i);
        if (rj < node.a || rj >= node.b) {
            return -1;
        }
        r[j] = rj;
        for (int c = j + 1; c <= node.lastCol; c++) {
            r[c] = m.rank(c, i);
        }
        return node.bucket(r);
    }

    // ---------------------------------------------------------------- planning

    /**
     * Which segment a row of a node belongs to: per bucket a segment index, or the router of the
     * bucket's refinement; for a single-key node, segments {@code firstSegment..} by row-index start.
     */
    private final class Router {
        final Node node;
        final int[] segmentOfBucket;
        final Router[] refined;
        final int firstSegment;
        long[] rowStarts;

        Router(Node node) {
            this.node = node;
            this.firstSegment = segments.size();
            if (node.singleKey()) {
                segmentOfBucket = null;
                refined = null;
            } else {
                segmentOfBucket = new int[node.buckets];
                Arrays.fill(segmentOfBucket, -1);
                refined = new Router[node.buckets];
            }
        }
    }

    private Router plan(Node node, Parallel par) {
        if (node.singleKey()) {
            return planSingleKey(node, par);
        }
        Router router = new Router(node);
        long[] counts = histogram(node, par);
        int b0 = -1;
        long count = 0;
        for (int q = 0; q < counts.length; q++) {
            long c = counts[q];
            if (c == 0) {
                continue;
            }
            if (c > budget) {
                if (b0 >= 0) {
                    addSegment(router, b0, q, count);
                    b0 = -1;
                    count = 0;
                }
                router.refined[q] = plan(node.child(q), par);
                continue;
            }
            if (b0 >= 0 && count + c > budget) {
                addSegment(router, b0, q, count);
                b0 = -1;
                count = 0;
            }
            if (b0 < 0) {
                b0 = q;
            }
            count += c;
        }
        if (b0 >= 0) {
            addSegment(router, b0, counts.length, count);
        }
        return router;
    }

    private void addSegment(Router router, int b0, int b1, long count) {
        Arrays.fill(router.segmentOfBucket, b0, b1, segments.size());
        segments.add(segment(router.node, b0, b1, 0, m.n, count));
    }

    /** The segment of row {@code i}. */
    private int route(long i, int[] r) {
        Router router = root;
        while (true) {
            if (router.node.singleKey()) {
                int idx = Arrays.binarySearch(router.rowStarts, i);
                return router.firstSegment + (idx >= 0 ? idx : -idx - 2);
            }
            int q = match(router.node, i, r); // >= 0: the row is in the node by construction
            int seg = router.segmentOfBucket[q];
            if (seg >= 0) {
                return seg;
            }
            router = router.refined[q];
        }
    }

    private long[] histogram(Node node, Parallel par) {
        int tasks = par.threads();
        long[][] partial = new long[tasks][];
        par.run(tasks, t -> {
            long from = m.n * t / tasks;
            long to = m.n * (t + 1) / tasks;
            long[] counts = new long[node.buckets];
            int[] r = new int[COLS];
            for (long i = from; i < to; i++) {
                int q = match(node, i, r);
                if (q >= 0) {
                    counts[q]++;
                }
            }
            partial[t] = counts;
        });
        long[] total = partial[0];
        for (int t = 1; t < tasks; t++) {
            for (int q = 0; q < total.length; q++) {
                total[q] += partial[t][q];
            }
        }
        return total;
    }

    /** Splits the rows of one exact key (already in order) into row-index ranges of at most {@code budget} rows. */
    private Router planSingleKey(Node node, Parallel par) {
        Router router = new Router(node);
        long block = Math.max(1, budget / 2);
        int blocks = (int) Math.min(Integer.MAX_VALUE - 8, (m.n + block - 1) / block);
        long span = (m.n + blocks - 1) / blocks;
        long[] counts = new long[blocks];
        int tasks = Math.min(blocks, par.threads() * 4);
        par.run(tasks, t -> {
            int[] r = new int[COLS];
            for (int q = blocks * t / tasks; q < blocks * (t + 1) / tasks; q++) {
                long c = 0;
                for (long i = q * span, end = Math.min(m.n, (q + 1) * span); i < end; i++) {
                    if (match(node, i, r) >= 0) {
                        c++;
                    }
                }
                counts[q] = c;
            }
        });
        long from = -1;
        long count = 0;
        for (int q = 0; q < blocks; q++) {
            long c = counts[q];
            if (from >= 0 && count + c > budget) {
                segments.add(segment(node, 0, 1, from, q * span, count));
                from = -1;
                count = 0;
            }
            if (c > 0 && from < 0) {
                from = q * span;
            }
            count += c;
        }
        if (from >= 0) {
            segments.add(segment(node, 0, 1, from, m.n, count));
        }
        router.rowStarts = new long[segments.size() - router.firstSegment];
        for (int x = 0; x < router.rowStarts.length; x++) {
            router.rowStarts[x] = segments.get(router.firstSegment + x).iFrom;
        }
        return router;
    }

    // ---------------------------------------------------------------- materialising

    /** The row indices of segment {@code segmentIndex} in sorted order, found by scanning all rows. */
    long[] rows(int segmentIndex, Parallel par) {
        Segment seg = segments.get(segmentIndex);
        int tasks = par.threads();
        long[][] rowParts = new long[tasks][];
        int[][] bucketParts = new int[tasks][];
        int[] sizes = new int[tasks];
        long span = seg.iTo - seg.iFrom;
        par.run(tasks, t -> {
            long from = seg.iFrom + span * t / tasks;
            long to = seg.iFrom + span * (t + 1) / tasks;
            int expected = (int) Math.min(Integer.MAX_VALUE - 8, seg.count / tasks + seg.count / (8L * tasks) + 16);
            long[] rows = new long[expected];
            int[] bks = new int[expected];
            int size = 0;
            int[] r = new int[COLS];
            for (long i = from; i < to; i++) {
                int q = match(seg, i, r);
                if (q >= seg.b0 && q < seg.b1) {
                    if (size == rows.length) {
                        rows = Arrays.copyOf(rows, size + (size >> 1));
                        bks = Arrays.copyOf(bks, size + (size >> 1));
                    }
                    rows[size] = i;
                    bks[size++] = q - seg.b0;
                }
            }
            rowParts[t] = rows;
            bucketParts[t] = bks;
            sizes[t] = size;
        });
        return order(segmentIndex, rowParts, bucketParts, sizes, par);
    }

    /** The row indices of segment {@code segmentIndex} in sorted order, given all of them in row order. */
    long[] rows(int segmentIndex, long[] rowsInRowOrder, Parallel par) {
        Segment seg = segments.get(segmentIndex);
        int count = rowsInRowOrder.length;
        int[] buckets = new int[count];
        int tasks = Math.min(par.threads(), Math.max(1, count / 4096));
        par.run(tasks, t -> {
            int[] r = new int[COLS];
            for (int x = (int) ((long) count * t / tasks), end = (int) ((long) count * (t + 1) / tasks); x < end; x++) {
                int q = match(seg, rowsInRowOrder[x], r);
                if (q < seg.b0 || q >= seg.b1) {
                    throw new AssertionError("row " + rowsInRowOrder[x] + " is not in segment " + segmentIndex);
                }
                buckets[x] = q - seg.b0;
            }
        });
        return order(segmentIndex, new long[][] {rowsInRowOrder}, new int[][] {buckets}, new int[] {count}, par);
    }

    /**
     * Routes every row to its segment in one parallel scan and stores each segment's row indices, in
     * row order, in the temporary file {@code file} (created, and deleted when the result is closed).
     * Rows are delta-encoded as varints: about one byte per row while there are fewer than ~100
     * segments. Replaces one scan per segment by one scan in all.
     */
    SegmentRowFile partition(Path file, Parallel par) throws IOException {
        int segs = segments.size();
        int tasks = par.threads();
        long block = 1L << 21;
        byte[][][] buf = new byte[tasks][segs][];
        int[][] len = new int[tasks][segs];
        int[][] cnt = new int[tasks][segs];
        long[] taskFrom = new long[tasks];
        int initial = (int) Math.max(64, 2 * block / tasks / segs);
        SegmentRowFile out = new SegmentRowFile(file, segs);
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
                        int sg = route(i, r);
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
                if (out.count(sg) != segments.get(sg).count) {
                    throw new AssertionError("segment " + sg + ": routed " + out.count(sg) + " rows, planned "
                            + segments.get(sg).count);
                }
            }
            return out;
        } catch (IOException | RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** Row indices per segment in a temporary file, as written by {@link #partition}. */
    static final class SegmentRowFile implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        /** Per segment: chunks of 4 longs (file offset, byte length, base row, row count). */
        private final long[][] chunks;
        private final int[] chunkCount;
        private final long[] rowCount;
        private long end;

        SegmentRowFile(Path file, int segments) throws IOException {
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
    }

    /** Sorts a segment's rows, given in row order as parts with their buckets. */
    private long[] order(int segmentIndex, long[][] rowParts, int[][] bucketParts, int[] sizes, Parallel par) {
        Segment seg = segments.get(segmentIndex);
        Node node = seg.node;
        int tasks = sizes.length;
        int total = 0;
        for (int size : sizes) {
            total += size;
        }
        if (total != seg.count) {
            throw new AssertionError("segment " + segmentIndex + ": found " + total + " rows, planned " + seg.count);
        }
        long[] out = new long[total];
        if (node.singleKey()) {
            int p = 0;
            for (int t = 0; t < tasks; t++) {
                System.arraycopy(rowParts[t], 0, out, p, sizes[t]);
                p += sizes[t];
            }
            return out;
        }
        // counting sort by bucket; stable, so rows within a bucket stay in row order
        int nb = seg.b1 - seg.b0;
        int[] offsets = new int[nb + 1];
        for (int t = 0; t < tasks; t++) {
            int[] bks = bucketParts[t];
            for (int x = 0; x < sizes[t]; x++) {
                offsets[bks[x] + 1]++;
            }
        }
        for (int q = 0; q < nb; q++) {
            offsets[q + 1] += offsets[q];
        }
        int[] next = Arrays.copyOf(offsets, nb);
        for (int t = 0; t < tasks; t++) {
            long[] rows = rowParts[t];
            int[] bks = bucketParts[t];
            for (int x = 0; x < sizes[t]; x++) {
                out[next[bks[x]]++] = rows[x];
            }
            rowParts[t] = null;
            bucketParts[t] = null;
        }
        if (node.singleKeyBuckets()) {
            return out;
        }
        // sort inside buckets by the remaining ranks, in parallel over bucket ranges of similar size
        int first = node.firstVarying();
        int sortTasks = Math.min(par.threads(), Math.max(1, total / 4096));
        int[] cut = new int[sortTasks + 1];
        cut[sortTasks] = nb;
        for (int t = 1, q = 0; t < sortTasks; t++) {
            long target = (long) total * t / sortTasks;
            while (q < nb && offsets[q] < target) {
                q++;
            }
            cut[t] = q;
        }
        par.run(sortTasks, t -> {
            BucketSorter sorter = new BucketSorter(first);
            for (int q = cut[t]; q < cut[t + 1]; q++) {
                if (offsets[q + 1] - offsets[q] > 1) {
                    sorter.sort(out, offsets[q], offsets[q + 1]);
                }
            }
        });
        return out;
    }

    /**
     * Sorts runs of row indices (ascending) by ranks of columns {@code first..5}, stably. When the
     * ranks' spans in the run and the position fit 63 bits, they are packed into one {@code long} per
     * row (key, then position) and sorted with {@link Arrays#sort(long[], int, int)}; otherwise a merge
     * sort compares the ranks. Both give the same order: by ranks, ties by position (= row order).
     */
    private final class BucketSorter {
        private final int first;
        private final int width;
        private final long[] min;
        private final long[] span;
        private int[] keys = new int[0];
        private int[] perm = new int[0];
        private int[] tmp = new int[0];
        private long[] packed = new long[0];
        private long[] rowsTmp = new long[0];

        BucketSorter(int first) {
            this.first = first;
            this.width = COLS - first;
            this.min = new long[width];
            this.span = new long[width];
        }

        void sort(long[] rows, int from, int to) {
            int len = to - from;
            if (perm.length < len) {
                int cap = Math.max(len, perm.length * 2);
                perm = new int[cap];
                tmp = new int[cap];
                packed = new long[cap];
                rowsTmp = new long[cap];
                keys = new int[cap * width];
            }
            Arrays.fill(min, Long.MAX_VALUE);
            Arrays.fill(span, Long.MIN_VALUE); // the maximum, until turned into a span below
            for (int x = 0; x < len; x++) {
                long i = rows[from + x];
                for (int c = 0; c < width; c++) {
                    int r = m.rank(first + c, i);
                    keys[x * width + c] = r;
                    min[c] = Math.min(min[c], r);
                    span[c] = Math.max(span[c], r);
                }
            }
            // the product of the spans and the run length must stay below 2^63
            long product = len;
            for (int c = 0; c < width && product > 0; c++) {
                span[c] = span[c] - min[c] + 1;
                product = Math.multiplyHigh(product, span[c]) == 0 && product * span[c] > 0 ? product * span[c] : -1;
            }
            if (product > 0) {
                for (int x = 0; x < len; x++) {
                    long key = 0;
                    for (int c = 0; c < width; c++) {
                        key = key * span[c] + (keys[x * width + c] - min[c]);
                    }
                    packed[x] = key * len + x;
                }
                Arrays.sort(packed, 0, len);
                for (int x = 0; x < len; x++) {
                    rowsTmp[x] = rows[from + (int) (packed[x] % len)];
                }
            } else {
                for (int x = 0; x < len; x++) {
                    perm[x] = x;
                }
                mergeSort(perm, tmp, 0, len);
                for (int x = 0; x < len; x++) {
                    rowsTmp[x] = rows[from + perm[x]];
                }
            }
            System.arraycopy(rowsTmp, 0, rows, from, len);
        }

        /** Compares by key, then by position (which is row order): a total order, so the sort is stable. */
        private int compare(int x, int y) {
            int bx = x * width;
            int by = y * width;
            for (int c = 0; c < width; c++) {
                int d = Integer.compare(keys[bx + c], keys[by + c]);
                if (d != 0) {
                    return d;
                }
            }
            return Integer.compare(x, y);
        }

        private void mergeSort(int[] a, int[] t, int lo, int hi) {
            if (hi - lo <= 24) {
                for (int x = lo + 1; x < hi; x++) {
                    int v = a[x];
                    int y = x - 1;
                    while (y >= lo && compare(a[y], v) > 0) {
                        a[y + 1] = a[y];
                        y--;
                    }
                    a[y + 1] = v;
                }
                return;
            }
            int mid = (lo + hi) >>> 1;
            mergeSort(a, t, lo, mid);
            mergeSort(a, t, mid, hi);
            if (compare(a[mid - 1], a[mid]) <= 0) {
                return;
            }
            System.arraycopy(a, lo, t, lo, hi - lo);
            int p = lo;
            int q = mid;
            for (int x = lo; x < hi; x++) {
                if (q >= hi || (p < mid && compare(t[p], t[q]) <= 0)) {
                    a[x] = t[p++];
                } else {
                    a[x] = t[q++];
                }
            }
        }
    }
}
