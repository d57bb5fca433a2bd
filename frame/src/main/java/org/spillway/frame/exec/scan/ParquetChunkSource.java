package org.spillway.frame.exec.scan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.frame.exec.pipeline.Counters;
import org.spillway.frame.io.parquet.EqualityPruner;
import org.spillway.frame.io.parquet.ParquetRowGroupReader;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.io.parquet.RowGroupRef;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.memory.MemoryBudget;

/**
 * Reads the row groups of Parquet files in parallel: a row group is a morsel, decoded by a
 * per-worker {@link ParquetRowGroupReader}; a row group of at least twice {@link #splitRows} rows
 * (max(4 x chunk rows, 1,000,000)) is split into row ranges of that many rows or a little more, each a morsel,
 * so that one big row group still keeps every worker busy. Row groups whose footer statistics prove the skip filter
 * false for every row are dropped before the scan starts (counted as {@code parquet.rowGroupsSkipped}); of the
 * others, those whose bloom filters, else dictionaries, prove an equality of the filter false are dropped too
 * ({@link EqualityPruner}: {@code parquet.rowGroupsSkippedByBloom}, {@code parquet.rowGroupsSkippedByDictionary}; bytes
 * read in {@code parquet.bloomFilterBytesRead}, {@code parquet.dictionaryBytesRead} and {@code parquet.bytesRead}); the
 * reader may skip pages by the page index as well.
 */
public final class ParquetChunkSource implements ChunkSource<RowGroupRef, ParquetRowGroupReader> {
    private final ParquetSource source;
    private final int[] projection;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final Expr skipFilter;
    private final Counters counters;
    private final Schema schema;
    private final List<RowGroupRef> items;

    /** A scan of {@code projection} (positions in the source schema), pruned by {@code skipFilter} (may be null). */
    public ParquetChunkSource(ParquetSource source, int[] projection, Expr skipFilter, int chunkRows, MemoryBudget budget, Counters counters) {
        this.source = source;
        this.projection = projection;
        this.chunkRows = chunkRows;
        this.budget = budget;
        this.skipFilter = skipFilter;
        this.counters = counters;
        this.schema = source.schema().select(projection);
        this.items = split(source, projection, prune(source, skipFilter, counters), splitRows(chunkRows));
    }

    /** Column chunks smaller than this (uncompressed) do not limit how a row group is split. */
    static final long SMALL_CHUNK = 4L << 20;

    /** Row groups of twice this many rows or more are split into row ranges of about this many rows. */
    static long splitRows(int chunkRows) {
        return Math.max(4L * chunkRows, 1_000_000L);
    }

    /**
     * Each row group of at least twice {@code target} rows as ranges of {@code target} rows or a
     * little more (equal sizes, in order; a group of 1,048,576 rows, Spillway's own default, stays
     * whole), but no more ranges than the data pages of its projected column chunk of at least
     * {@link #SMALL_CHUNK} uncompressed bytes with the fewest: a range decodes every page it
     * overlaps, so a big column chunk of one page (DuckDB writes those) would be decoded once per
     * range. Smaller column chunks (a dictionary-encoded column has few pages) are cheap to decode
     * twice.
     */
    static List<RowGroupRef> split(ParquetSource source, int[] projection, List<RowGroupRef> groups, long target) {
        List<RowGroupRef> out = new ArrayList<>(groups.size());
        for (RowGroupRef rg : groups) {
            long parts = rg.rows() / target;
            if (parts > 1) {
                parts = Math.min(parts, source.dataPages(rg, projection, SMALL_CHUNK, (int) Math.min(Integer.MAX_VALUE, parts)));
            }
            if (parts <= 1) {
                out.add(rg);
                continue;
            }
            long at = rg.firstRow();
            long end = rg.firstRow() + rg.rows();
            for (long p = 0; p < parts; p++) {
                long next = rg.firstRow() + rg.rows() * (p + 1) / parts;
                out.add(rg.range(at, next - at));
                at = next;
            }
            assert at == end;
        }
        return out;
    }

    private static List<RowGroupRef> prune(ParquetSource source, Expr filter, Counters counters) {
        List<RowGroupRef> all = source.rowGroups();
        if (filter == null) {
            return all;
        }
        Set<String> used = new LinkedHashSet<>(filter.columns());
        Schema full = source.schema();
        int[] positions = used.stream().mapToInt(full::indexOf).filter(i -> i >= 0).toArray();
        if (positions.length == 0) {
            return all;
        }
        Schema filterSchema = full.select(positions);
        List<RowGroupRef> keep = new ArrayList<>(all.size());
        long skipped = 0;
        long skippedByBloom = 0;
        long skippedByDictionary = 0;
        EqualityPruner eq = EqualityPruner.of(source, filter, filterSchema);
        try {
            for (RowGroupRef rg : all) {
                ChunkStats stats = source.stats(rg, positions);
                if (stats != null && StatsPruner.canSkip(filter, filterSchema, stats)) {
                    skipped++;
                    continue;
                }
                // bloom filters and dictionaries: read only for the row groups the statistics kept
                EqualityPruner.Verdict v = eq == null ? EqualityPruner.Verdict.KEEP : eq.judge(rg, stats);
                switch (v) {
                    case BLOOM -> skippedByBloom++;
                    case DICTIONARY -> skippedByDictionary++;
                    case KEEP -> keep.add(rg);
                }
            }
        } finally {
            if (eq != null) {
                eq.close();
            }
        }
        counters.add("parquet.rowGroupsSkipped", skipped);
        if (eq != null) {
            counters.add("parquet.rowGroupsSkippedByBloom", skippedByBloom);
            counters.add("parquet.rowGroupsSkippedByDictionary", skippedByDictionary);
            counters.add("parquet.bloomFilterBytesRead", eq.bloomBytesRead());
            counters.add("parquet.dictionaryBytesRead", eq.dictionaryBytesRead());
            counters.add("parquet.bytesRead", eq.bloomBytesRead() + eq.dictionaryBytesRead());
        }
        return keep;
    }

    /** True if some file of the scan has rows deleted by its table format (deletion vectors). */
    public boolean hasDeletedRows() {
        return source.hasDeletedRows();
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<RowGroupRef> items() {
        return items;
    }

    @Override
    public long weight(RowGroupRef item) {
        return item.compressedBytes();
    }

    @Override
    public String unit() {
        return "MB";
    }

    @Override
    public ParquetRowGroupReader newState() {
        return source.newReader(projection, chunkRows, budget);
    }

    @Override
    public void produce(RowGroupRef item, ParquetRowGroupReader reader, Output out) {
        // rows a table format deleted (deletion vectors, position deletes) are left out by the reader
        reader.read(item, skipFilter, counters::add, c -> out.accept(c, true));
    }
}
