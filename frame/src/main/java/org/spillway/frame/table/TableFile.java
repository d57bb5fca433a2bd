package org.spillway.frame.table;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.spillway.frame.io.parquet.DeletedRows;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/**
 * One data file of a {@link TableSnapshot}, as the table's metadata (a Delta log's {@code add}, an Iceberg
 * manifest entry, a Hudi file slice) describes it: nothing of the file itself has been read.
 *
 * @param path            the Parquet file
 * @param recordCount     its rows, deleted ones included, by the metadata; -1 when the metadata does not say
 * @param partitionValues one storage value per partition column of the snapshot (conventions of
 *                        {@link org.spillway.frame.io.parquet.ParquetSource#ofFiles}; null for null)
 * @param stats           one entry per file column of the snapshot: bounds and null count by the metadata,
 *                        in the conventions of {@link org.spillway.spill.chunk.ChunkStats} (bounds must hold
 *                        every value of the file; they may be looser), {@link ColumnStats#UNKNOWN} where the
 *                        metadata has none or they cannot be trusted; null when nothing is known
 * @param deletes         the rows the table format deleted from the file, or null for none
 */
public record TableFile(Path path, long recordCount, Object[] partitionValues, List<ColumnStats> stats, Deletes deletes) {
    /** Checks the parts and copies the arrays and lists. */
    public TableFile {
        Objects.requireNonNull(path, "path");
        partitionValues = partitionValues == null ? new Object[0] : partitionValues.clone();
        stats = stats == null ? null : List.copyOf(stats);
    }

    /** A file of which the metadata says nothing but where it is (and its partition values). */
    public static TableFile of(Path path, Object[] partitionValues) {
        return new TableFile(path, -1, partitionValues, null, null);
    }

    @Override
    public Object[] partitionValues() {
        return partitionValues.clone();
    }

    /** The partition value of partition column {@code k}. */
    public Object partitionValue(int k) {
        return partitionValues[k];
    }

    /** The file's deleted rows, loaded now if they were not yet; null when it has none. */
    public DeletedRows deletedRows() {
        return deletes == null ? null : deletes.rows();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableFile f && path.equals(f.path) && recordCount == f.recordCount
                && java.util.Arrays.equals(partitionValues, f.partitionValues) && Objects.equals(stats, f.stats) && deletes == f.deletes;
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return "TableFile(" + path + ", " + recordCount + " rows" + (deletes == null ? "" : ", with deletes") + ")";
    }

    /**
     * The rows deleted from one file: their number where the metadata says it, and the rows themselves,
     * loaded on first use only (so a scan never loads the deletions of a file it prunes) and then kept.
     * Thread-safe.
     */
    public static final class Deletes {
        private final long cardinality;
        private Supplier<DeletedRows> loader;
        private DeletedRows rows;

        private Deletes(long cardinality, Supplier<DeletedRows> loader, DeletedRows rows) {
            this.cardinality = cardinality;
            this.loader = loader;
            this.rows = rows;
        }

        /** Deletions loaded by {@code loader} when first needed; {@code cardinality} their number by the metadata, or -1. */
        public static Deletes lazy(long cardinality, Supplier<DeletedRows> loader) {
            return new Deletes(cardinality, Objects.requireNonNull(loader, "loader"), null);
        }

        /** Deletions already loaded (null: none). */
        public static Deletes of(DeletedRows rows) {
            return rows == null ? null : new Deletes(rows.cardinality(), null, rows);
        }

        /** How many rows are deleted, by the metadata (without loading them); -1 when unknown. */
        public long cardinality() {
            return cardinality;
        }

        /** The deleted rows, loaded now if they were not yet. */
        public synchronized DeletedRows rows() {
            if (loader != null) {
                rows = loader.get();
                loader = null;
            }
            return rows;
        }

        /** True once the rows have been loaded (for tests: a pruned file's deletions never are). */
        public synchronized boolean loaded() {
            return loader == null;
        }
    }
}
