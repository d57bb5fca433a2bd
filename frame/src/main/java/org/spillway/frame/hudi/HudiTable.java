package org.spillway.frame.hudi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.table.TableFile;
import org.spillway.frame.table.TableSnapshot;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;

/**
 * An Apache Hudi table (a directory of Parquet base files in partition directories and a
 * {@code .hoodie/} timeline of instants), for reading any of its commits and the records changed after
 * one. Named as in the API; instants are Hudi's instant times ({@code yyyyMMddHHmmssSSS}, the
 * values of {@code _hoodie_commit_time}).
 *
 * <pre>{@code
 * var rides = sw.readHudi("lake/rides");                  // the latest commit
 * var ht = HudiTable.forPath(sw, "lake/rides");
 * List<String> commits = ht.commits();                     // completed instants, oldest first
 * ht.asOfCommit(commits.get(0)).show();                    // time travel
 * ht.changesSince(commits.get(0)).count();                 // incremental: _hoodie_commit_time after it
 * }</pre>
 *
 * <p>Reads copy-on-write tables of table versions 1 to 6 (Hudi 0.x: timeline files directly in
 * {@code .hoodie/}) and 8 (Hudi 1.x: {@code .hoodie/timeline/}, completed instants named
 * {@code <requestedTime>_<completionTime>.<action>}). At an instant, each file group reads its newest
 * base file written by a completed commit at or before it; pending (requested, inflight) commits,
 * file groups replaced by a replacecommit (insert_overwrite, delete_partition, clustering) and rolled
 * back writes are left out, and a base file the timeline names but the directory lacks is an error.
 * The rows are the base files' own columns, Hudi's meta columns ({@code _hoodie_commit_time},
 * {@code _hoodie_commit_seqno}, {@code _hoodie_record_key}, {@code _hoodie_partition_path},
 * {@code _hoodie_file_name}) first, as Spark's Hudi reader shows them; the schema is the newest base
 * file's. Partition columns are read from the files (Spark writes them there); a partition field the
 * files lack (a table written with {@code drop.partition.columns}) is read from the partition path, as
 * a string.
 *
 * <p>Merge-on-read tables read in their snapshot view, as Spark's default query does: each base file
 * merged with the Avro data blocks of its log files (see {@code HudiMergeOnRead}: the ordering field
 * decides under event-time ordering; log records are held on the heap). Log files Spillway cannot merge
 * yet (delete blocks of Hudi 0.x tables, Parquet data blocks, custom merge modes) are refused naming the file;
 * {@link #readOptimized()} reads such tables' base files only. {@link #changesSince} of a
 * merge-on-read table filters its snapshot view. Instants
 * compare by requested time (the time in {@code _hoodie_commit_time} and base file names), also in
 * version 8 tables, where Spark's incremental query counts by completion time: for commits that did
 * not overlap (one writer) the two agree.
 *
 * <p>Every call reads the timeline again: a handle sees later commits.
 */
public final class HudiTable {
    private static final String COMMIT_TIME = "_hoodie_commit_time";

    private final Spillway sw;
    private final Path path;

    private HudiTable(Spillway sw, Path path) {
        this.sw = sw;
        this.path = path;
    }

    /** The table at {@code path}; fails if there is no Hudi table there or Spillway does not read its type or version. */
    public static HudiTable forPath(Spillway sw, String path) {
        return forPath(sw, Path.of(path));
    }

    /** The table at {@code path}; fails if there is no Hudi table there or Spillway does not read its type or version. */
    public static HudiTable forPath(Spillway sw, Path path) {
        Path p = path.toAbsolutePath().normalize();
        HudiTimeline.load(p);
        return new HudiTable(sw, p);
    }

    /** True if {@code path} holds a Hudi table (a {@code .hoodie/hoodie.properties}). */
    public static boolean isHudiTable(String path) {
        return HudiTimeline.isTable(Path.of(path));
    }

    /** The table's directory. */
    public Path path() {
        return path;
    }

    /** The table type: {@code COPY_ON_WRITE} or {@code MERGE_ON_READ}. */
    public String tableType() {
        return HudiTimeline.load(path).tableType;
    }

    /** The table version of {@code hoodie.properties} (6 for Hudi 0.14/0.15, 8 for Hudi 1.x). */
    public int tableVersion() {
        return HudiTimeline.load(path).tableVersion;
    }

    /** The completed commits that change rows (commit, deltacommit, replacecommit) of the active timeline, oldest first. */
    public List<String> commits() {
        return HudiTimeline.load(path).dataCommits().stream().map(HudiTimeline.Instant::requestedTime).toList();
    }

    /** The newest completed commit; fails if the table has none. */
    public String latestCommit() {
        return latest(HudiTimeline.load(path));
    }

    /**
     * The columns of the latest commit: those of its newest base file (for a merge-on-read table, then the
     * columns of the table schema only log files have yet).
     */
    public Schema schema() {
        HudiTimeline tl = HudiTimeline.load(path);
        return scan(tl, latest(tl), null).schema();
    }

    /** The latest commit's rows, as a lazy frame (merge-on-read: the snapshot view, base files merged with log files). */
    public DataFrame toDF() {
        HudiTimeline tl = HudiTimeline.load(path);
        return read(tl, latest(tl), null);
    }

    /**
     * The rows as of {@code instant} (time travel): the newest completed commit at or before it. The
     * instant is an instant time ({@code yyyyMMddHHmmss} with or without milliseconds) or a time
     * {@code yyyy-MM-dd HH:mm:ss[.SSS]} as Hudi's {@code as.of.instant} takes; fails if it is before the
     * table's first commit.
     */
    public DataFrame asOfCommit(String instant) {
        HudiTimeline tl = HudiTimeline.load(path);
        return read(tl, checkAsOf(tl, normalize(instant)), null);
    }

    /**
     * The read-optimized view of the latest commit: the base files only (for a merge-on-read table, the
     * rows as of its last compaction plus the inserts written to base files; the same as {@link #toDF()}
     * for a copy-on-write table).
     */
    public DataFrame readOptimized() {
        HudiTimeline tl = HudiTimeline.load(path);
        return read(tl, latest(tl), null, true);
    }

    /** {@link #readOptimized()} as of {@code instant} (see {@link #asOfCommit}). */
    public DataFrame readOptimizedAsOf(String instant) {
        HudiTimeline tl = HudiTimeline.load(path);
        return read(tl, checkAsOf(tl, normalize(instant)), null, true);
    }

    /**
     * The incremental query: the latest version of every record written by a commit after
     * {@code instant} (rows whose {@code _hoodie_commit_time} is after it). Deleted records are not
     * reported. For a merge-on-read table: its snapshot view, filtered the same way (Hudi's own incremental
     * query of version 6 merge-on-read tables merges only the records written after the instant, so a late
     * update that loses to the stored row by the ordering field comes back there; not here).
     */
    public DataFrame changesSince(String instant) {
        HudiTimeline tl = HudiTimeline.load(path);
        return changesBetween(tl, normalize(instant), latest(tl));
    }

    /** {@link #changesSince} up to and including commit {@code endInstant}. */
    public DataFrame changesBetween(String beginInstant, String endInstant) {
        HudiTimeline tl = HudiTimeline.load(path);
        return changesBetween(tl, normalize(beginInstant), checkAsOf(tl, normalize(endInstant)));
    }

    private DataFrame changesBetween(HudiTimeline tl, String begin, String end) {
        return read(tl, end, begin);
    }

    private static String latest(HudiTimeline tl) {
        List<HudiTimeline.Instant> commits = tl.dataCommits();
        if (commits.isEmpty()) {
            throw new HudiException("Hudi table " + tl.table + " has no completed commit (timeline " + tl.timelineDir + ")");
        }
        return commits.getLast().requestedTime();
    }

    private static String checkAsOf(HudiTimeline tl, String instant) {
        List<HudiTimeline.Instant> commits = tl.dataCommits();
        if (commits.isEmpty()) {
            throw new HudiException("Hudi table " + tl.table + " has no completed commit (timeline " + tl.timelineDir + ")");
        }
        String first = commits.getFirst().requestedTime();
        String firstWrite = tl.firstActiveWrite();
        if (instant.compareTo(first) < 0 && (firstWrite == null || instant.compareTo(firstWrite) >= 0 || !hasArchive(tl))) {
            throw new HudiException("Hudi table " + tl.table + " has no commit at or before instant " + instant + ": its first commit is "
                    + first);
        }
        return instant;
    }

    private static boolean hasArchive(HudiTimeline tl) {
        Path dir = tl.layoutVersion == 2 ? tl.timelineDir.resolve("history") : tl.metaDir.resolve("archived");
        try (var s = java.nio.file.Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** An instant as Hudi's {@code as.of.instant} takes it: instant digits, or a formatted time, to instant digits. */
    static String normalize(String instant) {
        String s = instant == null ? "" : instant.trim();
        String digits = s.replaceAll("[-: T.]", "");
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() != 14 && digits.length() != 17) {
            throw new HudiException("'" + instant + "' is not a Hudi instant (yyyyMMddHHmmss[SSS] or yyyy-MM-dd HH:mm:ss[.SSS])");
        }
        return digits;
    }

    /** A snapshot's file slices, the newest base file's schema, the partition fields the files lack, and a description. */
    private record Plan(HudiFileIndex.Slices slices, Schema fileSchema, List<String> missing, String spec) {
    }

    private static Plan plan(HudiTimeline tl, String instant) {
        HudiFileIndex.Slices slices = HudiFileIndex.snapshot(tl, HudiFileIndex.listBaseFiles(tl), instant);
        List<HudiFileIndex.BaseFile> files = slices.baseFiles();
        if (files.isEmpty()) {
            throw new HudiException("Hudi table " + tl.table + " has no base file at instant " + instant
                    + (tl.tableType.equals("MERGE_ON_READ") ? " (its rows are only in log files: Spillway needs a base file for the schema)" : ""));
        }
        HudiFileIndex.BaseFile newest = files.getFirst();
        for (HudiFileIndex.BaseFile f : files) {
            if (f.instant().compareTo(newest.instant()) > 0) {
                newest = f;
            }
        }
        Schema fileSchema = footerSchema(tl, instant, newest);
        List<String> missing = missingPartitionFields(tl, fileSchema);
        if (tl.tableType.equals("MERGE_ON_READ")) {
            fileSchema = HudiMergeOnRead.withLogColumns(tl, instant, fileSchema, missing);
        }
        return new Plan(slices, fileSchema, missing, "Hudi table " + tl.table + " at instant " + instant);
    }

    /**
     * A snapshot's base files as a table snapshot (nothing of them read); {@code changesAfter} (or null) keeps only files
     * written after it. Files are pruned by their partition values: those read from the path (partition fields the files
     * lack) and, for the fields they store, the path's value as bounds where it is the value as written ({@link #pathStats}).
     */
    private TableSnapshot scan(HudiTimeline tl, String instant, String changesAfter) {
        Plan plan = plan(tl, instant);
        Schema fileSchema = plan.fileSchema();
        List<String> missing = plan.missing();
        List<Field> partFields = new ArrayList<>();
        for (String m : missing) {
            partFields.add(new Field(m, DataType.STRING));
        }
        List<TableFile> files = new ArrayList<>();
        for (HudiFileIndex.BaseFile f : plan.slices().baseFiles()) {
            if (changesAfter != null && f.instant().compareTo(changesAfter) <= 0) {
                continue;
            }
            files.add(new TableFile(f.path(), -1, partitionValues(tl, f, missing.size()), pathStats(tl, f, fileSchema), null));
        }
        String where = "Hudi table " + tl.table + " at instant " + instant;
        return new TableSnapshot(plan.spec() + (changesAfter == null ? "" : " (changes after " + changesAfter + ")"), fileSchema, null,
                null, new Schema(partFields), files, e -> new HudiException(where + ": " + e.getMessage(), e));
    }

    /**
     * Bounds of the partition columns the files store, from the file's partition path, or null: only where the path holds
     * each partition field's value as written (key generator SIMPLE or COMPLEX, no URL encoding; a hive-style
     * {@code name=} prefix must name the field), for string columns (and integers that parse), never for the default
     * partition (which also holds nulls and empty strings). Other columns are unknown.
     */
    static List<ChunkStats.ColumnStats> pathStats(HudiTimeline tl, HudiFileIndex.BaseFile f, Schema fileSchema) {
        String fields = tl.property("hoodie.table.partition.fields");
        String keygen = String.valueOf(tl.property("hoodie.table.keygenerator.type")) + " "
                + String.valueOf(tl.property("hoodie.table.keygenerator.class"));
        boolean plain = keygen.startsWith("SIMPLE ") || keygen.startsWith("COMPLEX ") || keygen.endsWith(".SimpleKeyGenerator")
                || keygen.endsWith(".ComplexKeyGenerator");
        if (fields == null || fields.isBlank() || !plain || "true".equalsIgnoreCase(tl.property("hoodie.datasource.write.partitionpath.urlencode"))) {
            return null;
        }
        String[] names = fields.split(",");
        String[] parts = f.partition().isEmpty() ? new String[0] : f.partition().split("/");
        if (parts.length != names.length) {
            return null;
        }
        List<ChunkStats.ColumnStats> out = new ArrayList<>(java.util.Collections.nCopies(fileSchema.size(), ChunkStats.ColumnStats.UNKNOWN));
        for (int i = 0; i < names.length; i++) {
            String name = names[i].contains(":") ? names[i].substring(0, names[i].indexOf(':')).trim() : names[i].trim();
            int c = fileSchema.indexOf(name);
            String v = parts[i];
            if (v.contains("=")) {
                if (!v.substring(0, v.indexOf('=')).equals(name)) {
                    return null;
                }
                v = v.substring(v.indexOf('=') + 1);
            }
            if (c < 0 || v.equals("__HIVE_DEFAULT_PARTITION__") || v.equals("default") || v.indexOf('%') >= 0) {
                continue;
            }
            Object value = switch (fileSchema.type(c).kind()) {
                case STRING -> v;
                case INT32 -> parse(v, true);
                case INT64 -> parse(v, false);
                default -> null;
            };
            if (value != null) {
                out.set(c, new ChunkStats.ColumnStats(0, value, value));
            }
        }
        return out;
    }

    /** An integer partition value as written by {@code toString}, or null. */
    private static Object parse(String v, boolean int32) {
        try {
            long x = Long.parseLong(v);
            if (!Long.toString(x).equals(v)) {
                return null;
            }
            return int32 ? (x == (int) x ? (Object) (int) x : null) : (Object) x;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Schema footerSchema(HudiTimeline tl, String instant, HudiFileIndex.BaseFile file) {
        try {
            return ParquetSource.open(file.path().toString()).schema();
        } catch (RuntimeException e) {
            throw new HudiException("Hudi table " + tl.table + " at instant " + instant + ": cannot read the base file " + file.path()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The table's partition fields ({@code hoodie.table.partition.fields}) that its files do not store. */
    private static List<String> missingPartitionFields(HudiTimeline tl, Schema fileSchema) {
        String fields = tl.property("hoodie.table.partition.fields");
        List<String> out = new ArrayList<>();
        if (fields == null || fields.isBlank()) {
            return out;
        }
        for (String f : fields.split(",")) {
            String name = f.contains(":") ? f.substring(0, f.indexOf(':')).trim() : f.trim();
            if (!name.isEmpty() && fileSchema.indexOf(name) < 0) {
                out.add(name);
            }
        }
        return out;
    }

    private static Object[] partitionValues(HudiTimeline tl, HudiFileIndex.BaseFile f, int n) {
        if (n == 0) {
            return new Object[0];
        }
        String[] parts = f.partition().isEmpty() ? new String[0] : f.partition().split("/");
        if (parts.length != n) {
            throw new HudiException("Hudi table " + tl.table + ": the partition path '" + f.partition() + "' of " + f.path() + " does not hold "
                    + n + " partition values, and the files do not store the partition columns");
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            String v = parts[i].contains("=") ? parts[i].substring(parts[i].indexOf('=') + 1) : parts[i];
            out[i] = v.equals("__HIVE_DEFAULT_PARTITION__") || v.equals("default") ? null : v;
        }
        return out;
    }

    private DataFrame read(HudiTimeline tl, String instant, String changesAfter) {
        return read(tl, instant, changesAfter, false);
    }

    private DataFrame read(HudiTimeline tl, String instant, String changesAfter, boolean readOptimized) {
        if (tl.tableType.equals("MERGE_ON_READ") && !readOptimized) {
            Plan plan = plan(tl, instant);
            if (!plan.missing().isEmpty()) {
                throw new HudiException("Hudi table " + tl.table + ": its files lack the partition columns " + plan.missing()
                        + ", which Spillway's merge of log files does not fill in; readOptimized() reads the base files");
            }
            DataFrame df = HudiMergeOnRead.snapshot(sw, tl, instant, plan.slices(), plan.fileSchema(), plan.spec());
            return changesAfter == null ? df : df.filter(Functions.col(COMMIT_TIME).gt(changesAfter));
        }
        TableSnapshot src = scan(tl, instant, changesAfter);
        DataFrame df = sw.readTable(src);
        if (changesAfter != null) {
            if (src.schema().indexOf(COMMIT_TIME) < 0) {
                throw new HudiException("Hudi table " + tl.table + " has no " + COMMIT_TIME + " column (hoodie.populate.meta.fields=false): "
                        + "the incremental query needs it");
            }
            df = df.filter(Functions.col(COMMIT_TIME).gt(changesAfter));
        }
        return df;
    }
}
