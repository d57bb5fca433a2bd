package org.spillway.frame.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.spillway.frame.Expr;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/**
 * The page index of a row group (column index and offset index of the filter's columns): the row
 * ranges whose pages' bounds do not exclude the filter. The rows are cut at every page boundary of
 * every indexed filter column; each piece gets, per indexed column, the statistics of the page
 * holding it, and {@link StatsPruner} decides whether the filter can be true there.
 */
final class PageIndex {
    private PageIndex() {
    }

    /** One indexed column: first row of each page and the page's statistics. */
    private record Indexed(int position, long[] firstRows, long rows, ColumnIndex index, ParquetTypes.Mapping mapping, DataType type) {
    }

    /**
     * The kept row ranges as {@code [start0, end0, start1, end1, ...]}, or null when every row is
     * kept (or nothing is indexed).
     */
    static long[] keep(ParquetSource src, int file, RowGroup rg, long rows, Expr filter, FileChannel ch) throws IOException {
        Schema schema = src.schema();
        ParquetFile pf = src.files.get(file);
        List<Indexed> cols = new ArrayList<>();
        for (String name : filter.columns()) {
            int p = schema.indexOf(name);
            if (p < 0 || p >= src.fileColumns || src.columnOf[file][p] < 0 || src.converted(file, p)) {
                continue;
            }
            ParquetFile.Column col = pf.columns.get(src.columnOf[file][p]);
            if (col.leaf() >= rg.getColumnsSize()) {
                continue;
            }
            ColumnChunk cc = rg.getColumns().get(col.leaf());
            if (!cc.isSetColumn_index_offset() || !cc.isSetOffset_index_offset() || cc.getColumn_index_length() <= 0
                    || cc.getOffset_index_length() <= 0) {
                continue;
            }
            ColumnIndex ci = Util.readColumnIndex(stream(ch, cc.getColumn_index_offset(), cc.getColumn_index_length()));
            OffsetIndex oi = Util.readOffsetIndex(stream(ch, cc.getOffset_index_offset(), cc.getOffset_index_length()));
            List<PageLocation> locs = oi.getPage_locations();
            int n = locs.size();
            if (n == 0 || ci.getNull_pagesSize() != n || ci.getMin_valuesSize() != n || ci.getMax_valuesSize() != n) {
                continue;
            }
            long[] first = new long[n];
            for (int i = 0; i < n; i++) {
                first[i] = locs.get(i).getFirst_row_index();
            }
            cols.add(new Indexed(p, first, rows, ci, col.mapping(), schema.type(p)));
        }
        if (cols.isEmpty()) {
            return null;
        }
        TreeSet<Long> cuts = new TreeSet<>();
        cuts.add(0L);
        cuts.add(rows);
        for (Indexed c : cols) {
            for (long r : c.firstRows) {
                if (r > 0 && r < rows) {
                    cuts.add(r);
                }
            }
        }
        Long[] b = cuts.toArray(new Long[0]);
        long[] out = new long[2 * b.length];
        int k = 0;
        ColumnStats[] stats = new ColumnStats[schema.size()];
        boolean skippedAny = false;
        for (int s = 0; s + 1 < b.length; s++) {
            long start = b[s];
            long end = b[s + 1];
            int len = (int) Math.min(Integer.MAX_VALUE, end - start);
            Arrays.fill(stats, ColumnStats.UNKNOWN);
            for (Indexed c : cols) {
                int page = Arrays.binarySearch(c.firstRows, start);
                if (page < 0) {
                    page = -page - 2;
                }
                stats[c.position] = page < 0 ? ColumnStats.UNKNOWN : pageStats(c, page, len);
            }
            if (StatsPruner.canSkip(filter, schema, ChunkStats.of(len, List.of(stats)))) {
                skippedAny = true;
                continue;
            }
            if (k > 0 && out[k - 1] == start) {
                out[k - 1] = end;
            } else {
                out[k++] = start;
                out[k++] = end;
            }
        }
        return skippedAny ? Arrays.copyOf(out, k) : null;
    }

    /** The ranges {@code [s0, e0, s1, e1, ...]} (sorted, disjoint) cut to {@code [first, last)}; empty ones dropped. */
    static long[] intersect(long[] ranges, long first, long last) {
        long[] out = new long[ranges.length];
        int k = 0;
        for (int i = 0; i + 1 < ranges.length; i += 2) {
            long s = Math.max(ranges[i], first);
            long e = Math.min(ranges[i + 1], last);
            if (s < e) {
                out[k++] = s;
                out[k++] = e;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /**
     * The offset index of a column chunk as {first row of each page, file offset of each page}, or
     * null when it has none or it cannot be read.
     */
    static long[][] offsets(FileChannel ch, ColumnChunk cc) {
        if (ch == null || !cc.isSetOffset_index_offset() || cc.getOffset_index_length() <= 0) {
            return null;
        }
        try {
            OffsetIndex oi = Util.readOffsetIndex(stream(ch, cc.getOffset_index_offset(), cc.getOffset_index_length()));
            List<PageLocation> locs = oi.getPage_locations();
            long[] rows = new long[locs.size()];
            long[] offs = new long[locs.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = locs.get(i).getFirst_row_index();
                offs[i] = locs.get(i).getOffset();
            }
            return new long[][] {rows, offs};
        } catch (IOException | RuntimeException e) {
            return null; // not used: the pages are walked by their headers
        }
    }

    /**
     * The number of data pages of a column chunk, up to {@code cap}: the offset index's page count,
     * or (without one) counted by walking the page headers.
     */
    static int dataPages(FileChannel ch, ColumnChunk cc, int cap) throws IOException {
        long[][] ix = offsets(ch, cc);
        if (ix != null) {
            return Math.min(cap, ix[0].length);
        }
        org.apache.parquet.format.ColumnMetaData md = cc.getMeta_data();
        long at = md.getData_page_offset();
        if (md.isSetDictionary_page_offset() && md.getDictionary_page_offset() > 0 && md.getDictionary_page_offset() < at) {
            at = md.getDictionary_page_offset();
        }
        long limit = at + md.getTotal_compressed_size();
        if (at < 4 || limit > ch.size()) {
            throw new IOException("the column chunk lies outside the file");
        }
        int pages = 0;
        int peek = 256;
        while (at < limit && pages < cap) {
            int len = (int) Math.min(limit - at, peek);
            ByteBuffer bb = ByteBuffer.allocate(len);
            ParquetFile.readFully(ch, bb, at);
            ByteArrayInputStream in = new ByteArrayInputStream(bb.array(), 0, len);
            org.apache.parquet.format.PageHeader h;
            try {
                h = Util.readPageHeader(in);
            } catch (IOException | RuntimeException e) {
                if (len == limit - at || peek >= 1 << 24) {
                    throw new IOException("corrupt page header", e);
                }
                peek *= 4;
                continue;
            }
            int headerLen = len - in.available();
            if (h.getCompressed_page_size() < 0) {
                throw new IOException("negative page size");
            }
            if (h.getType() == org.apache.parquet.format.PageType.DATA_PAGE
                    || h.getType() == org.apache.parquet.format.PageType.DATA_PAGE_V2) {
                pages++;
            }
            at += headerLen + (long) h.getCompressed_page_size();
        }
        return pages;
    }

    private static ColumnStats pageStats(Indexed c, int page, int len) {
        ColumnIndex ci = c.index;
        // null counts are optional in the format, but without them (or with a negative one, as
        // some writers put next to "null pages" that are not) nothing on the page is trusted
        if (!ci.isSetNull_counts() || ci.getNull_countsSize() <= page || ci.getNull_counts().get(page) < 0) {
            return ColumnStats.UNKNOWN;
        }
        long nulls = ci.getNull_counts().get(page);
        long pageRows = (page + 1 < c.firstRows.length ? c.firstRows[page + 1] : c.rows) - c.firstRows[page];
        if (ci.getNull_pages().get(page)) {
            return nulls == pageRows ? new ColumnStats(len, null, null) : ColumnStats.UNKNOWN;
        }
        if (nulls >= pageRows) {
            return ColumnStats.UNKNOWN;
        }
        int nullCount;
        if (nulls == 0) {
            nullCount = 0;
        } else if (len > 1) {
            nullCount = 1; // some, but not known to be all: neither "none" nor "all"
        } else {
            return ColumnStats.UNKNOWN;
        }
        try {
            Object lo = ParquetStats.value(bytes(ci.getMin_values().get(page)), c.mapping, c.type, false);
            Object hi = ParquetStats.value(bytes(ci.getMax_values().get(page)), c.mapping, c.type, true);
            if (lo == null || hi == null) {
                return ColumnStats.UNKNOWN;
            }
            return new ColumnStats(nullCount, lo, hi);
        } catch (RuntimeException e) {
            return ColumnStats.UNKNOWN;
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static ByteArrayInputStream stream(FileChannel ch, long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > ch.size()) {
            throw new IOException("page index at byte " + offset + " (" + length + " bytes) lies outside the file");
        }
        ByteBuffer bb = ByteBuffer.allocate(length);
        ParquetFile.readFully(ch, bb, offset);
        return new ByteArrayInputStream(bb.array(), 0, length);
    }
}
