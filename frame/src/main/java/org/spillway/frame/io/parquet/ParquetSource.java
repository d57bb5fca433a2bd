package org.spillway.frame.io.parquet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.RowGroup;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;
import org.spillway.spill.memory.MemoryBudget;

/**
 * The Parquet files of a path, glob or directory, with their footers read: the unified schema
 * (Hive-style {@code key=value/} directories become columns), the row groups and their statistics.
 * Immutable and thread-safe; opening reads only footers.
 *
 * <p><b>Files.</b> A directory means every {@code *.parquet} file below it, recursively; a glob
 * ({@code data/*.parquet}, {@code data/**}{@code /*.parquet}) the files it matches. Either way the
 * files are read in path order, and hidden or metadata names ({@code .crc}, {@code _SUCCESS},
 * {@code _delta_log/}, anything starting with {@code .} or {@code _}) are skipped.
 *
 * <p><b>Schema unification.</b> The schema is the union of the files' columns by name, in the order
 * they are first seen, followed by the partition columns. A column missing from a file reads as
 * nulls in that file's rows. int32 in one file and int64 in another read as int64 (float and double
 * are float64 anyway); any other disagreement on a column's type fails with a
 * {@link ParquetFormatException} naming both files, the column and both types.
 *
 * <p><b>Partitions.</b> Directories {@code key=value} between the root (the directory given, or the
 * fixed directory part of a glob) and a file become columns. A key's type is inferred from all its
 * values: int32 if all are integers that fit, else int64, else float64 if all are numbers, else date
 * if all are ISO dates ({@code 2024-01-31}), else string; {@code __HIVE_DEFAULT_PARTITION__} is null,
 * and so is a key in the rows of a file whose path lacks it. A key that is also a column of the
 * files fails opening. Names and values are unescaped ({@code %2F} is {@code /}).
 *
 * <p><b>Unsupported columns.</b> A column whose type Spillway cannot represent yet (see
 * {@link ParquetTypes}: decimals, unannotated binary, nested lists/maps/structs, ...) does not fail
 * opening: it is left out of {@link #schema()} (if any file holds it with such a type) and listed
 * by {@link #unsupportedColumns()} (and {@link #describe()}), so the other columns can be read.
 */
public final class ParquetSource {
    static final String HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";

    private final String spec;
    final List<ParquetFile> files;
    private final List<Path> paths;
    private final Schema schema;
    final int fileColumns;
    /** Per file: for each schema column of the files, the index into that file's columns or -1. */
    final int[][] columnOf;
    /** Per file: the partition columns' values (storage values, null for null). */
    final Object[][] partitionValues;
    private final List<RowGroupRef> rowGroups;
    private final long rows;
    private final List<String> unsupported;
    private final java.util.Set<String> bloomColumns;
    private final java.util.Set<String> dictionaryColumns;
    /** Per file, the rows a table format deleted (null for none); null when no file has any. */
    private DeletedRows[] deletedRows;
    private long[][] rowGroupStarts;
    /** The schema index of {@link #FILE_INDEX} (then {@link #ROW_INDEX}), or -1 (see {@link #withRowIndex()}). */
    int virtualStart = -1;

    /** The virtual column of {@link #withRowIndex()}: the index of a row's file in {@link #files()} (int64). */
    public static final String FILE_INDEX = "__spillway_file";
    /** The virtual column of {@link #withRowIndex()}: a row's index within its file, from 0 (int64). */
    public static final String ROW_INDEX = "__spillway_row";

    private ParquetSource(String spec, List<ParquetFile> files, Schema schema, int fileColumns, int[][] columnOf,
                          Object[][] partitionValues, List<String> unsupported) {
        this.spec = spec;
        this.files = files;
        List<Path> ps = new ArrayList<>();
        for (ParquetFile f : files) {
            ps.add(f.path);
        }
        this.paths = List.copyOf(ps);
        this.schema = schema;
        this.fileColumns = fileColumns;
        this.columnOf = columnOf;
        this.partitionValues = partitionValues;
        this.unsupported = List.copyOf(unsupported);
        List<RowGroupRef> rgs = new ArrayList<>();
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            List<RowGroup> groups = files.get(f).meta.getRow_groups();
            if (groups == null) {
                continue;
            }
            for (int g = 0; g < groups.size(); g++) {
                RowGroup rg = groups.get(g);
                if (rg.getNum_rows() <= 0) {
                    continue;
                }
                long bytes = 0;
                for (ColumnChunk cc : rg.getColumns()) {
                    if (cc.isSetMeta_data()) {
                        bytes += cc.getMeta_data().getTotal_compressed_size();
                    }
                }
                rgs.add(new RowGroupRef(f, g, rg.getNum_rows(), bytes));
                total += rg.getNum_rows();
            }
        }
        this.rowGroups = List.copyOf(rgs);
        this.rows = total;
        this.bloomColumns = columnsWhere(files, schema, fileColumns, columnOf, ColumnMetaData::isSetBloom_filter_offset);
        this.dictionaryColumns = columnsWhere(files, schema, fileColumns, columnOf, ParquetDictionaries::fullyDictionaryEncoded);
    }

    /** The file columns of which some column chunk's metadata passes {@code test}, in schema order. */
    private static java.util.Set<String> columnsWhere(List<ParquetFile> files, Schema schema, int fileColumns, int[][] columnOf,
                                                      java.util.function.Predicate<ColumnMetaData> test) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (int f = 0; f < files.size(); f++) {
            List<RowGroup> groups = files.get(f).meta.getRow_groups();
            for (int c = 0; c < fileColumns && groups != null; c++) {
                int j = columnOf[f][c];
                if (j < 0) {
                    continue;
                }
                int leaf = files.get(f).columns.get(j).leaf();
                for (RowGroup rg : groups) {
                    if (leaf < rg.getColumnsSize() && rg.getColumns().get(leaf).isSetMeta_data()
                            && test.test(rg.getColumns().get(leaf).getMeta_data())) {
                        out.add(schema.field(c).name());
                        break;
                    }
                }
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /**
     * A source over the data files of a table snapshot (Delta, Iceberg, ...): the schema is the table's,
     * not the footers'. Each column of {@code fileSchema} is read from the file column of its name
     * (absent from a file: null there; a file column of a narrower type is widened as {@link #open}
     * does; any other type is an error naming the file and column). The columns of
     * {@code partitionSchema} follow, with each file's {@code partitionValues} (storage values: Integer
     * for int32 and date, Long for int64, timestamps and decimals up to 18 digits, Double, Boolean,
     * String; null for null).
     *
     * @param spec            what the source reads, for {@code explain()} and errors (e.g. the table path)
     * @param files           the data files, in read order
     * @param fileSchema      the columns stored in the files
     * @param partitionSchema the columns whose values come from {@code partitionValues}
     * @param partitionValues per file, one value per partition column
     */
    public static ParquetSource ofFiles(String spec, List<Path> files, Schema fileSchema, Schema partitionSchema,
                                        List<Object[]> partitionValues) {
        return ofFiles(spec, files, fileSchema, partitionSchema, partitionValues, null);
    }

    /**
     * {@link #ofFiles(String, List, Schema, Schema, List)} with the rows each file has deleted
     * ({@code deletedRows} one entry per file, null for a file without deletions; or null for none).
     */
    public static ParquetSource ofFiles(String spec, List<Path> files, Schema fileSchema, Schema partitionSchema,
                                        List<Object[]> partitionValues, List<DeletedRows> deletedRows) {
        return ofFiles(spec, files, fileSchema, null, null, partitionSchema, partitionValues, deletedRows);
    }

    /**
     * {@link #ofFiles(String, List, Schema, Schema, List, List)} for a table whose files name columns
     * differently from its schema (Delta's and Iceberg's column mapping): the column {@code c} of
     * {@code fileSchema} is read from the file column with the Parquet {@code field_id}
     * {@code fieldIds.get(c)} when that is non-null and the file has field ids, else from the file
     * column named {@code physicalNames.get(c)}; a column found neither way reads as nulls in that
     * file (a column added after the file was written, or renamed to a dropped column's old name).
     *
     * @param physicalNames per column of {@code fileSchema}, its name in the files (null: the schema's names)
     * @param fieldIds      per column of {@code fileSchema}, its Parquet field id or null (null: match by name)
     */
    public static ParquetSource ofFiles(String spec, List<Path> files, Schema fileSchema, List<String> physicalNames,
                                        List<Integer> fieldIds, Schema partitionSchema, List<Object[]> partitionValues,
                                        List<DeletedRows> deletedRows) {
        return ofFiles(spec, files, null, fileSchema, physicalNames, null, fieldIds, partitionSchema, partitionValues, deletedRows);
    }

    /**
     * {@link #ofFiles(String, List, Schema, List, List, Schema, List, List)} where a file matched by name may name the
     * column {@code c} by one of {@code otherNames.get(c)} instead of its physical name (Iceberg's name mapping lists
     * every name a field had: files imported before and after a rename use different ones).
     *
     * @param otherNames per column of {@code fileSchema}, further names it may have in a file (null: none)
     */
    public static ParquetSource ofFiles(String spec, List<Path> files, Schema fileSchema, List<String> physicalNames,
                                        List<List<String>> otherNames, List<Integer> fieldIds, Schema partitionSchema,
                                        List<Object[]> partitionValues, List<DeletedRows> deletedRows) {
        return ofFiles(spec, files, null, fileSchema, physicalNames, otherNames, fieldIds, partitionSchema, partitionValues,
                deletedRows);
    }

    /**
     * {@link #ofFiles(String, List, Schema, List, List, Schema, List, List)} taking the files' footers from
     * {@code footers} (null: read them all now), which reads each footer it lacks and keeps it for later sources.
     */
    public static ParquetSource ofFiles(String spec, List<Path> files, ParquetFooters footers, Schema fileSchema,
                                        List<String> physicalNames, List<Integer> fieldIds, Schema partitionSchema,
                                        List<Object[]> partitionValues, List<DeletedRows> deletedRows) {
        return ofFiles(spec, files, footers, fileSchema, physicalNames, null, fieldIds, partitionSchema, partitionValues,
                deletedRows);
    }

    /** The general form: footers shared (or null), other names per column (or null), field ids (or null). */
    public static ParquetSource ofFiles(String spec, List<Path> files, ParquetFooters footers, Schema fileSchema,
                                        List<String> physicalNames, List<List<String>> otherNames, List<Integer> fieldIds,
                                        Schema partitionSchema,
                                        List<Object[]> partitionValues, List<DeletedRows> deletedRows) {
        if (physicalNames != null && physicalNames.size() != fileSchema.size()
                || fieldIds != null && fieldIds.size() != fileSchema.size()
                || otherNames != null && otherNames.size() != fileSchema.size()) {
            throw new IllegalArgumentException(fileSchema.size() + " columns but " + (physicalNames == null ? "-" : physicalNames.size())
                    + " physical names, " + (otherNames == null ? "-" : otherNames.size()) + " lists of other names and "
                    + (fieldIds == null ? "-" : fieldIds.size()) + " field ids");
        }
        ParquetSource src = ofFilesWithoutDeletions(spec, files, footers, fileSchema, physicalNames, otherNames, fieldIds,
                partitionSchema,
                partitionValues);
        if (deletedRows != null && deletedRows.stream().anyMatch(java.util.Objects::nonNull)) {
            if (deletedRows.size() != files.size()) {
                throw new IllegalArgumentException(files.size() + " files but " + deletedRows.size() + " deletion entries");
            }
            src.deletedRows = deletedRows.toArray(DeletedRows[]::new);
        }
        return src;
    }

    private static ParquetSource ofFilesWithoutDeletions(String spec, List<Path> files, ParquetFooters footers, Schema fileSchema,
                                                         List<String> physicalNames, List<List<String>> otherNames,
                                                         List<Integer> fieldIds, Schema partitionSchema,
                                                         List<Object[]> partitionValues) {
        if (partitionValues.size() != files.size()) {
            throw new IllegalArgumentException(files.size() + " files but " + partitionValues.size() + " partition value rows");
        }
        List<ParquetFile> opened = new ArrayList<>();
        for (Path p : files) {
            opened.add(footers == null ? ParquetFile.open(p) : footers.get(p));
        }
        int fileColumns = fileSchema.size();
        int[][] columnOf = new int[opened.size()][fileColumns];
        for (int f = 0; f < opened.size(); f++) {
            ParquetFile pf = opened.get(f);
            boolean byId = fieldIds != null && pf.columns.stream().anyMatch(col -> col.element().isSetField_id());
            for (int c = 0; c < fileColumns; c++) {
                columnOf[f][c] = -1;
                String name = physicalNames == null ? fileSchema.field(c).name() : physicalNames.get(c);
                Integer id = byId ? fieldIds.get(c) : null;
                List<String> others = id != null || otherNames == null || otherNames.get(c) == null ? List.of() : otherNames.get(c);
                int found = -1;
                for (int j = 0; j < pf.columns.size() && found < 0; j++) {
                    ParquetFile.Column col = pf.columns.get(j);
                    found = id != null ? col.element().isSetField_id() && col.element().getField_id() == id ? j : -1
                            : col.name().equals(name) ? j : -1;
                }
                for (int j = 0; j < pf.columns.size() && found < 0; j++) {
                    found = others.contains(pf.columns.get(j).name()) ? j : -1;
                }
                if (found >= 0) {
                    ParquetFile.Column col = pf.columns.get(found);
                    name = col.name();
                    DataType want = fileSchema.type(c);
                    if (col.mapping() == null || !ParquetTypes.widens(col.mapping().type(), want)
                            && !ParquetTypes.converts(col.mapping().type(), want)) {
                        throw new ParquetFormatException("Column '" + name + "' of '" + pf.path + "' is "
                                + (col.mapping() == null ? col.unsupported() : col.mapping().type()) + ", but " + spec
                                + " says " + want + ": the file does not belong to this table's schema");
                    }
                    columnOf[f][c] = found;
                }
            }
        }
        List<Field> fields = new ArrayList<>(fileSchema.fields());
        fields.addAll(partitionSchema.fields());
        Object[][] values = new Object[opened.size()][];
        for (int f = 0; f < opened.size(); f++) {
            values[f] = partitionValues.get(f).clone();
            if (values[f].length != partitionSchema.size()) {
                throw new IllegalArgumentException("file " + files.get(f) + ": " + values[f].length + " partition values for "
                        + partitionSchema.size() + " partition columns");
            }
        }
        return new ParquetSource(spec, opened, new Schema(fields), fileColumns, columnOf, values, List.of());
    }

    /** Opens a file, a glob ({@code data/*.parquet}) or a directory (all {@code *.parquet} below it). */
    public static ParquetSource open(String pathOrGlobOrDir) {
        ParquetFiles.Resolved r = ParquetFiles.resolve(pathOrGlobOrDir);
        List<ParquetFile> files = new ArrayList<>();
        for (Path p : r.files()) {
            files.add(ParquetFile.open(p));
        }
        // file columns
        record Seen(DataType type, Path file, DataType fileType) {
        }
        Map<String, Seen> seen = new LinkedHashMap<>();
        Map<String, String> unsupported = new LinkedHashMap<>();
        for (ParquetFile f : files) {
            for (ParquetFile.Column c : f.columns) {
                if (c.mapping() == null) {
                    unsupported.putIfAbsent(c.name(), c.name() + ": " + c.unsupported() + " (not yet supported)");
                    continue;
                }
                DataType t = c.mapping().type();
                Seen s = seen.get(c.name());
                if (s == null) {
                    seen.put(c.name(), new Seen(t, f.path, t));
                } else if (s.type != t) {
                    if (ParquetTypes.widens(s.type, t) || ParquetTypes.widens(t, s.type)) {
                        seen.put(c.name(), new Seen(ParquetTypes.widens(s.type, t) ? t : s.type, s.file, s.fileType));
                    } else {
                        throw new ParquetFormatException("Column '" + c.name() + "' is " + s.fileType + " in '" + s.file
                                + "' but " + t + " in '" + f.path + "': files read together must agree on column types "
                                + "(only int32 and int64 mix, as int64, and decimals of one scale, as the widest)");
                    }
                }
            }
        }
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, Seen> e : seen.entrySet()) {
            if (!unsupported.containsKey(e.getKey())) {
                fields.add(new Field(e.getKey(), e.getValue().type));
            }
        }
        int fileColumns = fields.size();
        // partitions
        List<Map<String, String>> parts = new ArrayList<>();
        Map<String, List<String>> keyValues = new LinkedHashMap<>();
        for (ParquetFile f : files) {
            Map<String, String> kv = partitions(r.root(), f.path);
            parts.add(kv);
            for (Map.Entry<String, String> e : kv.entrySet()) {
                keyValues.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        List<String> keys = new ArrayList<>(keyValues.keySet());
        DataType[] partTypes = new DataType[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            if (seen.containsKey(key) || unsupported.containsKey(key)) {
                throw new ParquetFormatException("The partition directory '" + key + "=...' names a column that file '"
                        + files.getFirst().path + "' (or another) also holds: rename the directory or the column");
            }
            partTypes[k] = inferType(keyValues.get(key));
            fields.add(new Field(key, partTypes[k]));
        }
        Schema schema = new Schema(fields);
        int[][] columnOf = new int[files.size()][fileColumns];
        Object[][] partitionValues = new Object[files.size()][keys.size()];
        for (int f = 0; f < files.size(); f++) {
            ParquetFile pf = files.get(f);
            for (int c = 0; c < fileColumns; c++) {
                columnOf[f][c] = -1;
                for (int j = 0; j < pf.columns.size(); j++) {
                    if (pf.columns.get(j).name().equals(schema.field(c).name())) {
                        columnOf[f][c] = j;
                        break;
                    }
                }
            }
            for (int k = 0; k < keys.size(); k++) {
                partitionValues[f][k] = parseValue(parts.get(f).get(keys.get(k)), partTypes[k]);
            }
        }
        return new ParquetSource(pathOrGlobOrDir, files, schema, fileColumns, columnOf, partitionValues,
                new ArrayList<>(unsupported.values()));
    }

    private static Map<String, String> partitions(Path root, Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null) {
            return out;
        }
        Path dir = file.getParent();
        if (dir == null) {
            return out;
        }
        Path rel = root.toString().isEmpty() ? dir : root.relativize(dir);
        for (Path part : rel) {
            String s = part.toString();
            int eq = s.indexOf('=');
            if (eq > 0) {
                String v = unescape(s.substring(eq + 1));
                out.put(unescape(s.substring(0, eq)), v.equals(HIVE_NULL) ? null : v);
            }
        }
        return out;
    }

    /** Undoes Hive's {@code %XX} escaping of a partition directory name (a plus stays a plus). */
    public static String unescapePath(String s) {
        return unescape(s);
    }

    /** Undoes Hive's {@code %XX} escaping (a plus stays a plus). */
    static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    static DataType inferType(List<String> values) {
        boolean allLong = true;
        boolean allInt = true;
        boolean allDouble = true;
        boolean allDate = true;
        for (String v : values) {
            if (v == null) {
                continue;
            }
            try {
                long x = Long.parseLong(v);
                allInt &= x == (int) x;
            } catch (NumberFormatException e) {
                allLong = false;
                allInt = false;
            }
            if (!allLong) {
                try {
                    double d = Double.parseDouble(v);
                    allDouble &= !v.isBlank() && v.strip().equals(v) && !Double.isNaN(d) && Character.isDigit(v.charAt(v.length() - 1));
                } catch (NumberFormatException e) {
                    allDouble = false;
                }
            }
            try {
                allDate &= v.length() == 10 && LocalDate.parse(v) != null;
            } catch (DateTimeParseException e) {
                allDate = false;
            }
        }
        if (allInt) {
            return DataType.INT32;
        }
        if (allLong) {
            return DataType.INT64;
        }
        if (allDouble) {
            return DataType.FLOAT64;
        }
        return allDate ? DataType.DATE : DataType.STRING;
    }

    private static Object parseValue(String v, DataType t) {
        if (v == null) {
            return null;
        }
        return switch (t.kind()) {
            case INT32 -> Integer.parseInt(v);
            case INT64 -> Long.parseLong(v);
            case FLOAT64 -> Double.parseDouble(v);
            case DATE -> (int) LocalDate.parse(v).toEpochDay();
            default -> v;
        };
    }

    /** The unified schema: the files' columns, then the partition columns. */
    public Schema schema() {
        return schema;
    }

    /** The files, in read order. */
    public List<Path> files() {
        return paths;
    }

    /**
     * This source with two more columns, {@link #FILE_INDEX} and {@link #ROW_INDEX}: where each row is
     * stored (for a table format's deletes, which address rows by file and position). Deleted rows
     * stay deleted.
     */
    public ParquetSource withRowIndex() {
        if (virtualStart >= 0) {
            return this;
        }
        List<Field> fields = new ArrayList<>(schema.fields());
        fields.add(new Field(FILE_INDEX, DataType.INT64));
        fields.add(new Field(ROW_INDEX, DataType.INT64));
        ParquetSource s = new ParquetSource(spec, files, new Schema(fields), fileColumns, columnOf, partitionValues, unsupported);
        s.deletedRows = deletedRows;
        s.virtualStart = schema.size();
        return s;
    }

    /** True if some file has deleted rows (see {@link DeletedRows}). */
    public boolean hasDeletedRows() {
        return deletedRows != null;
    }

    /** The deleted rows of file {@code file}, or null. */
    public DeletedRows deletedRows(int file) {
        return deletedRows == null ? null : deletedRows[file];
    }

    /** The number of rows of file {@code file} (deleted ones included). */
    public long fileRows(int file) {
        List<RowGroup> groups = files.get(file).meta.getRow_groups();
        return firstRowOfRowGroup(file, groups == null ? 0 : groups.size());
    }

    /** The index within its file of the first row of row group {@code rowGroup} of file {@code file}. */
    public synchronized long firstRowOfRowGroup(int file, int rowGroup) {
        if (rowGroupStarts == null) {
            rowGroupStarts = new long[files.size()][];
        }
        long[] starts = rowGroupStarts[file];
        if (starts == null) {
            List<RowGroup> groups = files.get(file).meta.getRow_groups();
            int n = groups == null ? 0 : groups.size();
            starts = new long[n + 1];
            for (int g = 0; g < n; g++) {
                starts[g + 1] = starts[g] + groups.get(g).getNum_rows();
            }
            rowGroupStarts[file] = starts;
        }
        return starts[rowGroup];
    }

    /** Every row group of every file, in row order. */
    public List<RowGroupRef> rowGroups() {
        return rowGroups;
    }

    /** Total rows, from the footers. */
    public long rows() {
        return rows;
    }

    /**
     * The fewest data pages among the column chunks of {@code projection} (positions in
     * {@link #schema()}) in the row group of at least {@code minBytes} uncompressed bytes: from the
     * offset index when the file has one, else by walking the page headers (small positional reads,
     * page bodies untouched), counting up to {@code cap}. {@code cap} when no such column chunk is
     * stored in the file; 1 when one cannot be walked. The scan splits a row group into row ranges
     * only as far as its big column chunks' pages allow.
     */
    public int dataPages(RowGroupRef rowGroup, int[] projection, long minBytes, int cap) {
        ParquetFile f = files.get(rowGroup.file());
        RowGroup rg = f.meta.getRow_groups().get(rowGroup.rowGroup());
        int min = cap;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f.path, java.nio.file.StandardOpenOption.READ)) {
            for (int p : projection) {
                if (p >= fileColumns || columnOf[rowGroup.file()][p] < 0) {
                    continue;
                }
                int leaf = f.columns.get(columnOf[rowGroup.file()][p]).leaf();
                if (leaf >= rg.getColumnsSize() || !rg.getColumns().get(leaf).isSetMeta_data()) {
                    return 1;
                }
                if (rg.getColumns().get(leaf).getMeta_data().getTotal_uncompressed_size() < minBytes) {
                    continue;
                }
                min = Math.min(min, PageIndex.dataPages(ch, rg.getColumns().get(leaf), min));
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 1;
        }
        return min;
    }

    /** The columns of {@link #schema()} that have a bloom filter in at least one row group, in schema order (see {@link EqualityPruner}). */
    public java.util.Set<String> bloomFilterColumns() {
        return bloomColumns;
    }

    /**
     * The columns of {@link #schema()} that are fully dictionary encoded (by the footer's encoding_stats) in at least one
     * row group, in schema order (see {@link EqualityPruner}).
     */
    public java.util.Set<String> dictionaryColumns() {
        return dictionaryColumns;
    }

    /**
     * The columns left out of {@link #schema()} because Spillway cannot represent their type yet,
     * each as {@code "name: TYPE (not yet supported)"}, e.g. {@code "price: DECIMAL(10,2) (not yet supported)"}.
     */
    public List<String> unsupportedColumns() {
        return unsupported;
    }

    /**
     * The row group's statistics for the columns {@code projection} (positions in {@link #schema()}),
     * in that order: bounds in the conventions of {@link ChunkStats}, exact for partition columns,
     * {@link ChunkStats.ColumnStats#UNKNOWN} where the file has none or they cannot be trusted.
     */
    public ChunkStats stats(RowGroupRef rowGroup, int[] projection) {
        int rgRows = (int) Math.min(Integer.MAX_VALUE, rowGroup.rows());
        ParquetFile f = files.get(rowGroup.file());
        RowGroup rg = f.meta.getRow_groups().get(rowGroup.rowGroup());
        List<ColumnStats> out = new ArrayList<>(projection.length);
        for (int p : projection) {
            if (virtualStart >= 0 && p >= virtualStart) {
                long first = firstRowOfRowGroup(rowGroup.file(), rowGroup.rowGroup()) + rowGroup.firstRow();
                out.add(p == virtualStart ? new ColumnStats(0, (long) rowGroup.file(), (long) rowGroup.file())
                        : new ColumnStats(0, first, first + rowGroup.rows() - 1));
                continue;
            }
            if (p >= fileColumns) {
                Object v = partitionValues[rowGroup.file()][p - fileColumns];
                out.add(v == null ? new ColumnStats(rgRows, null, null) : new ColumnStats(0, v, v));
                continue;
            }
            int c = columnOf[rowGroup.file()][p];
            if (c < 0) {
                out.add(new ColumnStats(rgRows, null, null));
                continue;
            }
            ParquetFile.Column col = f.columns.get(c);
            ColumnChunk cc = col.leaf() < rg.getColumnsSize() ? rg.getColumns().get(col.leaf()) : null;
            out.add(cc == null || !cc.isSetMeta_data() || converted(rowGroup.file(), p) ? ColumnStats.UNKNOWN
                    : ParquetStats.of(cc.getMeta_data(), col.mapping(), schema.type(p), rgRows, typeDefinedOrder(f, col.leaf())));
        }
        return ChunkStats.of(rgRows, out);
    }

    /**
     * True if column {@code p} of file {@code f} is stored in a narrower type and converted when read
     * ({@link ParquetTypes#converts}): its statistics, page index and bloom filter are in the file's type
     * and are not used for pruning.
     */
    boolean converted(int f, int p) {
        int j = p < fileColumns ? columnOf[f][p] : -1;
        if (j < 0) {
            return false;
        }
        ParquetTypes.Mapping m = files.get(f).columns.get(j).mapping();
        return m != null && ParquetTypes.converts(m.type(), schema.type(p));
    }

    /** True if the footer says the leaf's statistics follow the type-defined order (parquet-format's ColumnOrder). */
    private static boolean typeDefinedOrder(ParquetFile f, int leaf) {
        return f.meta.isSetColumn_orders() && leaf < f.meta.getColumn_ordersSize()
                && f.meta.getColumn_orders().get(leaf).isSetTYPE_ORDER();
    }

    /** A reader of the columns {@code projection}; one per worker (not thread-safe). */
    public ParquetRowGroupReader newReader(int[] projection, int chunkRows, MemoryBudget budget) {
        for (int p : projection) {
            if (p < 0 || p >= schema.size()) {
                throw new IndexOutOfBoundsException("Column position " + p + " is outside the schema of " + schema.size() + " columns");
            }
        }
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("chunkRows must be positive: " + chunkRows);
        }
        return new ParquetRowGroupReader(this, projection.clone(), chunkRows, budget);
    }

    /** A short description for {@code explain()}: path, files, row groups. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("parquet '").append(spec).append("': ").append(files.size()).append(files.size() == 1 ? " file, " : " files, ")
                .append(rowGroups.size()).append(rowGroups.size() == 1 ? " row group, " : " row groups, ")
                .append(rows).append(" rows");
        if (!unsupported.isEmpty()) {
            sb.append("; ").append(unsupported.size()).append(unsupported.size() == 1 ? " column skipped: " : " columns skipped: ")
                    .append(String.join(", ", unsupported));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
