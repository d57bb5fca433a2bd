package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.RowGroup;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;

/**
 * Decides from the row groups' bloom filters and dictionaries (and their statistics) that a filter is
 * false for every row of a row group. Understands {@code column = literal} (either side), AND and OR
 * (so an IN-list written as {@code a = 1 OR a = 2} is pruned when no literal can be present); any other
 * part of the filter is judged by {@link StatsPruner} alone. A literal is hashed as the file stores the
 * column (its physical type and unit, see {@link ParquetBloomFilters#hashes}); where that is not exact
 * (a null literal, NaN, a value the column cannot hold, INT96) neither is used. A bloom filter has no
 * false negatives, and a dictionary holds every value of a column chunk whose data pages are all
 * dictionary encoded (by the footer's encoding_stats), so a row group is skipped only if no row can match.
 *
 * <p>{@link #judge} tries statistics and bloom filters first, then dictionaries (they cost a page
 * read and decompression). Filters and dictionaries are read lazily, only for the row groups asked
 * about and only for the columns of equalities not yet decided, once per row group and column;
 * {@link #bloomBytesRead()} and {@link #dictionaryBytesRead()} count them. One that cannot be read or
 * is of an unknown kind is ignored. Not thread-safe.
 */
public final class EqualityPruner implements AutoCloseable {
    private final ParquetSource source;
    private final Expr filter;
    private final Schema filterSchema;
    private FileChannel channel;
    private int channelFile = -1;
    private long channelSize;
    private RowGroupRef cached;
    private final Map<Integer, Optional<SplitBlockBloomFilter>> filters = new HashMap<>();
    private final Map<Integer, Optional<ParquetDictionaries.Read>> dictionaries = new HashMap<>();
    private long bloomBytes;
    private long dictionaryBytes;
    private long filtersRead;

    /** What decided a row group. */
    public enum Verdict {
        /** Nothing proves the filter false: read the row group. */
        KEEP,
        /** Statistics and bloom filters prove it false. */
        BLOOM,
        /** Only with the dictionaries is it proven false. */
        DICTIONARY
    }

    private EqualityPruner(ParquetSource source, Expr filter, Schema filterSchema) {
        this.source = source;
        this.filter = filter;
        this.filterSchema = filterSchema;
    }

    /**
     * A pruner of row groups of {@code source} for {@code filter} (whose statistics come in the order
     * of {@code filterSchema}), or null when no equality of the filter is on a column that has a bloom
     * filter or a fully dictionary-encoded column chunk in some row group.
     */
    public static EqualityPruner of(ParquetSource source, Expr filter, Schema filterSchema) {
        Set<String> eq = new LinkedHashSet<>();
        equalityColumns(filter, eq);
        eq.removeIf(c -> !source.bloomFilterColumns().contains(c) && !source.dictionaryColumns().contains(c));
        return eq.isEmpty() ? null : new EqualityPruner(source, filter, filterSchema);
    }

    private static void equalityColumns(Expr e, Set<String> out) {
        Expr comparisons = StatsPruner.asComparisons(e); // IN (constants) and BETWEEN as the comparisons they stand for
        if (comparisons != null) {
            equalityColumns(comparisons, out);
        } else if (e instanceof BinaryExpr b) {
            if (b.op() == BinaryExpr.Op.AND || b.op() == BinaryExpr.Op.OR) {
                equalityColumns(b.left(), out);
                equalityColumns(b.right(), out);
            } else if (b.op() == BinaryExpr.Op.EQ) {
                if (b.left() instanceof ColumnRef c && b.right() instanceof Literal) {
                    out.add(c.column());
                } else if (b.right() instanceof ColumnRef c && b.left() instanceof Literal) {
                    out.add(c.column());
                }
            }
        }
    }

    /**
     * Whether {@code rowGroup} can be skipped, and by what: {@link Verdict#BLOOM} if its statistics
     * ({@code stats}: of the filter's columns, or null when unknown) and bloom filters prove the filter
     * false for every row, else {@link Verdict#DICTIONARY} if the dictionaries do too, else
     * {@link Verdict#KEEP}.
     */
    public Verdict judge(RowGroupRef rowGroup, ChunkStats stats) {
        if (cached == null || cached.file() != rowGroup.file() || cached.rowGroup() != rowGroup.rowGroup()) {
            filters.clear();
            dictionaries.clear();
            cached = rowGroup;
        }
        if (skip(filter, rowGroup, stats, false)) {
            return Verdict.BLOOM;
        }
        return skip(filter, rowGroup, stats, true) ? Verdict.DICTIONARY : Verdict.KEEP;
    }

    private boolean skip(Expr e, RowGroupRef rg, ChunkStats stats, boolean dict) {
        Expr comparisons = StatsPruner.asComparisons(e);
        if (comparisons != null) {
            return skip(comparisons, rg, stats, dict);
        }
        if (e instanceof BinaryExpr b && b.op() == BinaryExpr.Op.AND) {
            return skip(b.left(), rg, stats, dict) || skip(b.right(), rg, stats, dict);
        }
        if (e instanceof BinaryExpr b && b.op() == BinaryExpr.Op.OR) {
            return skip(b.left(), rg, stats, dict) && skip(b.right(), rg, stats, dict);
        }
        boolean byStats = stats != null && StatsPruner.canSkip(e, filterSchema, stats);
        return byStats || (e instanceof BinaryExpr b && b.op() == BinaryExpr.Op.EQ && absent(b, rg, dict));
    }

    /**
     * True if the bloom filter of the equality's column proves the literal absent from the row group,
     * or (with {@code dict}) its dictionary does.
     */
    private boolean absent(BinaryExpr b, RowGroupRef rg, boolean dict) {
        ColumnRef col;
        Literal lit;
        if (b.left() instanceof ColumnRef c && b.right() instanceof Literal l) {
            col = c;
            lit = l;
        } else if (b.right() instanceof ColumnRef c && b.left() instanceof Literal l) {
            col = c;
            lit = l;
        } else {
            return false;
        }
        int p = source.schema().indexOf(col.column());
        if (p < 0 || p >= source.fileColumns || lit.value() == null) {
            return false;
        }
        int c = source.columnOf[rg.file()][p];
        if (c >= 0 && source.converted(rg.file(), p)) {
            return false;
        }
        if (c < 0) {
            return false; // not in this file: statistics know it is all null
        }
        ParquetFile pf = source.files.get(rg.file());
        ParquetFile.Column column = pf.columns.get(c);
        RowGroup g = pf.meta.getRow_groups().get(rg.rowGroup());
        if (column.mapping() == null || column.leaf() >= g.getColumnsSize() || !g.getColumns().get(column.leaf()).isSetMeta_data()) {
            return false;
        }
        ColumnChunk cc = g.getColumns().get(column.leaf());
        long[] hashes = ParquetBloomFilters.hashes(lit.value(), column.mapping());
        if (hashes == null) {
            return false;
        }
        if (dict) {
            ParquetDictionaries.Read d = dictionary(rg, column, cc);
            return d != null && ParquetDictionaries.absent(d, hashes);
        }
        SplitBlockBloomFilter bf = cc.getMeta_data().isSetBloom_filter_offset() ? load(rg, column.leaf(), cc) : null;
        if (bf == null) {
            return false;
        }
        for (long h : hashes) {
            if (bf.mightContain(h)) {
                return false;
            }
        }
        return true;
    }

    private ParquetDictionaries.Read dictionary(RowGroupRef rg, ParquetFile.Column column, ColumnChunk cc) {
        if (!ParquetDictionaries.fullyDictionaryEncoded(cc.getMeta_data())) {
            return null;
        }
        return dictionaries.computeIfAbsent(column.leaf(), k -> {
            try {
                FileChannel ch = channel(rg.file());
                ParquetDictionaries.Read r = ParquetDictionaries.read(ch, channelSize, cc.getMeta_data(), column.mapping().physical(),
                        column.mapping().typeLength());
                if (r != null) {
                    dictionaryBytes += r.bytes();
                }
                return Optional.ofNullable(r);
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // a dictionary that cannot be read is not used
            }
        }).orElse(null);
    }

    private SplitBlockBloomFilter load(RowGroupRef rg, int leaf, ColumnChunk cc) {
        return filters.computeIfAbsent(leaf, k -> {
            try {
                FileChannel ch = channel(rg.file());
                ParquetBloomFilters.Read r = ParquetBloomFilters.read(ch, channelSize, cc.getMeta_data());
                if (r == null) {
                    return Optional.empty();
                }
                bloomBytes += r.bytes();
                filtersRead++;
                return Optional.of(r.filter());
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // a filter that cannot be read is not used
            }
        }).orElse(null);
    }

    private FileChannel channel(int file) throws IOException {
        if (channelFile != file) {
            closeChannel();
            channel = FileChannel.open(source.files.get(file).path, StandardOpenOption.READ);
            channelFile = file;
            channelSize = channel.size();
        }
        return channel;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel ch = channel;
            channel = null;
            channelFile = -1;
            ch.close();
        }
    }

    /** Bytes of bloom filters read so far (headers and bitsets). */
    public long bloomBytesRead() {
        return bloomBytes;
    }

    /** Bytes of dictionary pages read so far (headers and bodies). */
    public long dictionaryBytesRead() {
        return dictionaryBytes;
    }

    /** Bloom filters read so far. */
    public long filtersRead() {
        return filtersRead;
    }

    @Override
    public void close() {
        try {
            closeChannel();
        } catch (IOException e) {
            // a read-only channel: nothing to lose
        }
    }
}
