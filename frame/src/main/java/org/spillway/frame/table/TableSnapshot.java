package org.spillway.frame.table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import org.spillway.frame.Expr;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.frame.io.parquet.DeletedRows;
import org.spillway.frame.io.parquet.ParquetFooters;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/**
 * The data files of one version of a table (Delta, Iceberg, Hudi) as its metadata lists them, with the
 * table's schema: what every table format's read produces, and the one place that turns it into Parquet
 * scans. Nothing of the data files is read to make it; the schema is the table's, not the footers'.
 *
 * <p><b>Columns.</b> The snapshot's columns are {@code fileSchema} (read from the files: column {@code c}
 * by Parquet field id {@code fieldIds.get(c)} where the files have ids, else by the name
 * {@code physicalNames.get(c)}; see {@link ParquetSource#ofFiles}) followed by {@code partitionSchema}
 * (each file's {@link TableFile#partitionValues()}).
 *
 * <p><b>Pruning.</b> {@link #scan} drops, before opening it, each file for which the filter is false or
 * null on every row by the file's metadata: its {@link TableFile#stats()} and its partition values (exact
 * bounds), judged by {@link StatsPruner} as row groups and stored chunks are. Only the files left have
 * their footers read (once per snapshot: {@link ParquetFooters}) and their deletions loaded
 * ({@link TableFile.Deletes}); row groups and pages are then pruned by the footers as in any Parquet scan.
 *
 * <p>Thread-safe. Holds the footers it has read for as long as it is reachable (a frame over it keeps it).
 */
public final class TableSnapshot {
    private final String description;
    private final Schema fileSchema;
    private final List<String> physicalNames;
    private final List<Integer> fieldIds;
    private List<List<String>> otherNames;
    private final Schema partitionSchema;
    private final Schema schema;
    private final List<TableFile> files;
    private final Function<ParquetFormatException, RuntimeException> badFile;
    private final ParquetFooters footers = new ParquetFooters();
    /** The last source made, by the indices of its files: a frame counted, then collected, builds it once. */
    private volatile Opened last;

    private record Opened(int[] files, ParquetSource source) {
    }

    /**
     * A snapshot of {@code files}.
     *
     * @param description     what the snapshot is, for {@code explain()} and errors ("Delta table /x version 3")
     * @param fileSchema      the columns stored in the files
     * @param physicalNames   per column of {@code fileSchema}, its name in the files (null: the schema's names)
     * @param fieldIds        per column of {@code fileSchema}, its Parquet field id or null (null: match by name)
     * @param partitionSchema the columns whose values come from the metadata
     * @param files           the live data files, in read order
     * @param badFile         turns an error reading a file (not Parquet, a column of another type) into the
     *                        table format's exception (null: thrown as it is)
     */
    public TableSnapshot(String description, Schema fileSchema, List<String> physicalNames, List<Integer> fieldIds,
                         Schema partitionSchema, List<TableFile> files, Function<ParquetFormatException, RuntimeException> badFile) {
        this.description = Objects.requireNonNull(description, "description");
        this.fileSchema = fileSchema;
        this.physicalNames = physicalNames == null ? null : List.copyOf(physicalNames);
        this.fieldIds = fieldIds == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(fieldIds));
        this.partitionSchema = partitionSchema;
        List<Field> all = new ArrayList<>(fileSchema.fields());
        all.addAll(partitionSchema.fields());
        this.schema = new Schema(all);
        this.files = List.copyOf(files);
        this.badFile = badFile == null ? e -> e : badFile;
        for (TableFile f : this.files) {
            if (f.partitionValues().length != partitionSchema.size() || f.stats() != null && f.stats().size() != fileSchema.size()) {
                throw new IllegalArgumentException(f.path() + ": " + f.partitionValues().length + " partition values and "
                        + (f.stats() == null ? "no" : f.stats().size()) + " column statistics for " + partitionSchema.size()
                        + " partition columns and " + fileSchema.size() + " file columns");
            }
        }
    }

    /** The columns: {@link #fileSchema()}, then {@link #partitionSchema()}. */
    public Schema schema() {
        return schema;
    }

    /** The columns stored in the files. */
    public Schema fileSchema() {
        return fileSchema;
    }

    /** The columns whose values come from the metadata. */
    public Schema partitionSchema() {
        return partitionSchema;
    }

    /** Per file column, its name in the files (null: the schema's names). */
    /**
     * This snapshot with further names per column that files matched by name may use instead of the physical name
     * (Iceberg's name mapping; see {@link ParquetSource#ofFiles}); null: none. Call before the first {@link #source}.
     */
    public TableSnapshot withOtherNames(List<List<String>> names) {
        if (names != null && names.size() != fileSchema.size()) {
            throw new IllegalArgumentException(names.size() + " lists of other names for " + fileSchema.size() + " columns");
        }
        this.otherNames = names;
        return this;
    }

    public List<String> physicalNames() {
        return physicalNames;
    }

    /** Per file column, its Parquet field id (null: columns match by name). */
    public List<Integer> fieldIds() {
        return fieldIds;
    }

    /** The data files, in read order. */
    public List<TableFile> files() {
        return files;
    }

    /** What the snapshot is ("Delta table /x version 3"). */
    public String description() {
        return description;
    }

    /** The rows of all files by the metadata (deleted ones included), or -1 when some file's count is unknown. */
    public long rows() {
        long n = 0;
        for (TableFile f : files) {
            if (f.recordCount() < 0) {
                return -1;
            }
            n += f.recordCount();
        }
        return n;
    }

    /**
     * The rows of the snapshot by the metadata alone (record counts less the deleted rows' counts), or -1
     * when some file's record count or number of deleted rows is unknown. {@code count()} of an unfiltered
     * frame is answered from it, opening no file.
     */
    public long liveRows() {
        long n = 0;
        for (TableFile f : files) {
            if (f.recordCount() < 0 || f.deletes() != null && f.deletes().cardinality() < 0) {
                return -1;
            }
            n += f.recordCount() - (f.deletes() == null ? 0 : f.deletes().cardinality());
        }
        return n;
    }

    /**
     * A file's statistics over {@link #schema()}: the metadata's bounds for the file columns, the exact
     * partition values for the partition columns. When the record count is unknown (or above 2^31 - 1), the
     * row count of the result stands in for it and equals the null count of a null partition column, and a
     * file column's statistics are kept only where they have both bounds (nothing about them is then judged
     * against the row count).
     */
    public ChunkStats stats(TableFile f) {
        boolean exact = f.recordCount() >= 0 && f.recordCount() <= Integer.MAX_VALUE;
        int rows = exact ? (int) f.recordCount() : Integer.MAX_VALUE;
        List<ColumnStats> cols = new ArrayList<>(schema.size());
        for (int c = 0; c < fileSchema.size(); c++) {
            ColumnStats cs = f.stats() == null ? ColumnStats.UNKNOWN : f.stats().get(c);
            cols.add(exact || cs.min() != null && cs.max() != null && cs.nullCount() < rows ? cs : ColumnStats.UNKNOWN);
        }
        for (int k = 0; k < partitionSchema.size(); k++) {
            Object v = f.partitionValue(k);
            cols.add(v == null ? new ColumnStats(rows, null, null) : new ColumnStats(0, v, v));
        }
        return ChunkStats.of(rows, cols);
    }

    /** False when {@code filter} (over {@link #schema()}'s columns) is false or null on every row of {@code f} by its metadata. */
    public boolean mayMatch(TableFile f, Expr filter) {
        return filter == null || !StatsPruner.canSkip(filter, schema, stats(f));
    }

    /** The files that may hold a row passing {@code filter} (all for null), in order. */
    public List<TableFile> prune(Expr filter) {
        List<TableFile> out = new ArrayList<>();
        for (int i : survivors(filter)) {
            out.add(files.get(i));
        }
        return out;
    }

    private int[] survivors(Expr filter) {
        int[] keep = new int[files.size()];
        int n = 0;
        for (int i = 0; i < files.size(); i++) {
            if (mayMatch(files.get(i), filter)) {
                keep[n++] = i;
            }
        }
        return Arrays.copyOf(keep, n);
    }

    /** A Parquet source over all files (each footer read once per snapshot, all deletions loaded). */
    public ParquetSource source() {
        return source(files);
    }

    /** A Parquet source over {@code some} of the files, in that order: only their footers are read, only their deletions loaded. */
    public ParquetSource source(List<TableFile> some) {
        List<Path> paths = new ArrayList<>(some.size());
        List<Object[]> values = new ArrayList<>(some.size());
        List<DeletedRows> deleted = new ArrayList<>(some.size());
        for (TableFile f : some) {
            paths.add(f.path());
            values.add(f.partitionValues());
            deleted.add(f.deletedRows());
        }
        try {
            return ParquetSource.ofFiles(description, paths, footers, fileSchema, physicalNames, otherNames, fieldIds, partitionSchema,
                    values, deleted);
        } catch (ParquetFormatException e) {
            throw badFile.apply(e);
        }
    }

    /**
     * The source a scan filtered by {@code filter} (null: none) reads: the files that {@link #mayMatch} it.
     * Counts {@code table.filesSkipped} (by the metadata), {@code table.filesScanned} and
     * {@code table.footersRead} (footers read from disk now) into {@code counters}.
     */
    public ParquetSource scan(Expr filter, ObjLongConsumer<String> counters) {
        int[] keep = survivors(filter);
        counters.accept("table.filesSkipped", files.size() - keep.length);
        counters.accept("table.filesScanned", keep.length);
        Opened o = last;
        if (o != null && Arrays.equals(o.files(), keep)) {
            return o.source();
        }
        long before = footers.reads();
        List<TableFile> some = new ArrayList<>(keep.length);
        for (int i : keep) {
            some.add(files.get(i));
        }
        ParquetSource src = source(some);
        counters.accept("table.footersRead", footers.reads() - before);
        last = new Opened(keep, src);
        return src;
    }

    /** How many footers this snapshot has read from disk so far. */
    public long footersRead() {
        return footers.reads();
    }

    /** A short description for {@code explain()}: what, files and rows by the metadata. */
    public String describe() {
        long rows = rows();
        return String.format(Locale.ROOT, "%s: %,d %s, %s", description, files.size(), files.size() == 1 ? "file" : "files",
                rows < 0 ? "rows unknown until read" : String.format(Locale.ROOT, "%,d rows", rows));
    }

    @Override
    public String toString() {
        return describe();
    }
}
