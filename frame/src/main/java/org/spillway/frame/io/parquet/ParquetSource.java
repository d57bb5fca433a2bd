package org.spillway.frame.io.parquet;

import java.nio.file.Path;
import java.util.List;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.memory.MemoryBudget;

/**
 * The Parquet files of a path, glob or directory, with their footers read: the unified schema
 * (Hive-style {@code key=value/} directories become columns), the row groups and their statistics.
 * Immutable and thread-safe; opening reads only footers.
 */
public final class ParquetSource {
    private ParquetSource() {
    }

    /** Opens a file, a glob ({@code data/*.parquet}) or a directory (all {@code *.parquet} below it). */
    public static ParquetSource open(String pathOrGlobOrDir) {
        throw new UnsupportedOperationException("Parquet reading is being built");
    }

    /** The unified schema: the files' columns, then the partition columns. */
    public Schema schema() {
        throw new UnsupportedOperationException();
    }

    /** The files, in read order. */
    public List<Path> files() {
        throw new UnsupportedOperationException();
    }

    /** Every row group of every file, in row order. */
    public List<RowGroupRef> rowGroups() {
        throw new UnsupportedOperationException();
    }

    /** Total rows, from the footers. */
    public long rows() {
        throw new UnsupportedOperationException();
    }

    /**
     * The row group's statistics for the columns {@code projection} (positions in {@link #schema()}),
     * in that order: bounds in the conventions of {@link ChunkStats}, exact for partition columns,
     * {@link ChunkStats.ColumnStats#UNKNOWN} where the file has none or they cannot be trusted.
     */
    public ChunkStats stats(RowGroupRef rowGroup, int[] projection) {
        throw new UnsupportedOperationException();
    }

    /** A reader of the columns {@code projection}; one per worker (not thread-safe). */
    public ParquetRowGroupReader newReader(int[] projection, int chunkRows, MemoryBudget budget) {
        throw new UnsupportedOperationException();
    }

    /** A short description for {@code explain()}: path, files, row groups. */
    public String describe() {
        throw new UnsupportedOperationException();
    }
}
