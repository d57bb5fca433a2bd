package org.spillway.frame.testkit;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.internal.data.DefaultColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Delta Kernel (the Delta Lake project's own Java library, {@code io.delta:delta-kernel-*}, test scope only) as
 * the test oracle for Spillway's Delta Lake reader and writer: it reads a table's snapshot at any version the way
 * Delta's reference implementation does (partition values filled in, deletion vectors applied, column mapping
 * resolved), and writes blind appends (creating the table on the first one) that Spillway's reader must read.
 * Kernel 4.4 writes neither deletion vectors nor data into a table with column mapping; {@link #deleteRows} writes
 * deletion vectors itself (and Kernel's read checks them), a column-mapped table can only be created empty.
 *
 * <p>Values come back in the normal form of {@link DuckOracle#normalise(Object)}, except that decimals stay
 * exact: integral numbers (byte, short, integer, long) are {@link Long}s, float and double are {@link Double}s,
 * decimals are {@link BigDecimal}s at the column's scale, dates are {@link LocalDate}s, timestamps are
 * {@link Instant}s, timestamp_ntz values are {@link LocalDateTime}s, binary values are lower-case hex strings,
 * strings and booleans stay as they are. Nested values: a struct becomes a {@code List} of its fields, an array a
 * {@code List}, a map a {@code LinkedHashMap}, each value normalised the same way.
 *
 * <p>The order of the rows of {@link #read(Path)} is Kernel's (data file by data file, each in file order), which
 * no one defines: compare as multisets.
 *
 * <p>Tables are local directories ({@link Path}s). Kernel's default engine runs on Hadoop's local file system
 * (Hadoop 3.5.0: the 3.4 line fails on JDK 25), which leaves {@code .crc} side files next to what it writes.
 */
public final class DeltaKernelOracle {
    static final Engine ENGINE = createEngine();
    private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    private DeltaKernelOracle() {
    }

    private static Engine createEngine() {
        // Kernel logs every snapshot and commit at INFO; keep warnings (slf4j-simple reads these when it creates a logger)
        for (String logger : List.of("io.delta", "org.apache.hadoop", "org.apache.parquet")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
        // "Cannot find a complete checkpoint" on every snapshot of a table without checkpoints
        System.setProperty("org.slf4j.simpleLogger.log.io.delta.kernel.internal.snapshot.SnapshotManager", "error");
        return DefaultEngine.create(hadoopConf());
    }

    private static org.apache.hadoop.conf.Configuration hadoopConf() {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        // a fresh local file system per use: no state shared between tests through Hadoop's FileSystem cache
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    /**
     * One column of a table to create: a name and a type among {@code long}, {@code integer} (or {@code int}),
     * {@code short}, {@code byte}, {@code string}, {@code double}, {@code float}, {@code boolean}, {@code date},
     * {@code timestamp}, {@code timestamp_ntz}, {@code decimal(p,s)} and {@code binary}.
     *
     * @param name     the column's name
     * @param type     its Delta type, as above
     * @param nullable whether it may hold nulls
     */
    public record Column(String name, String type, boolean nullable) {
        /** A nullable column. */
        public Column(String name, String type) {
            this(name, type, true);
        }
    }

    /**
     * The schema of a table to create or append to: its columns in order and the names of its partition columns.
     *
     * @param columns          the columns, in table order
     * @param partitionColumns the names of the partition columns (none for an unpartitioned table)
     */
    public record TableSchema(List<Column> columns, List<String> partitionColumns) {
        /** Checks that every partition column is a column. */
        public TableSchema {
            columns = List.copyOf(columns);
            partitionColumns = List.copyOf(partitionColumns);
            for (String p : partitionColumns) {
                if (columns.stream().noneMatch(c -> c.name().equals(p))) {
                    throw new IllegalArgumentException("partition column " + p + " is not a column of " + columns);
                }
            }
        }

        /** An unpartitioned schema from {@code "name type"} pairs, e.g. {@code of("id long", "price decimal(10,2)")}. */
        public static TableSchema of(String... columns) {
            List<Column> cols = new ArrayList<>(columns.length);
            for (String c : columns) {
                String s = c.strip();
                int sp = s.indexOf(' ');
                if (sp < 0) {
                    throw new IllegalArgumentException("expected \"name type\": " + c);
                }
                cols.add(new Column(s.substring(0, sp), s.substring(sp + 1).strip()));
            }
            return new TableSchema(cols, List.of());
        }

        /** This schema partitioned by the given columns. */
        public TableSchema partitionedBy(String... names) {
            return new TableSchema(columns, Arrays.asList(names));
        }

        /** The schema as Kernel's {@link StructType}. */
        public StructType toStructType() {
            StructType st = new StructType();
            for (Column c : columns) {
                st = st.add(c.name(), deltaType(c.type()), c.nullable());
            }
            return st;
        }
    }

    /**
     * A table's protocol: the reader and writer versions and, from versions 3 and 7 on, the table features.
     *
     * @param minReaderVersion the minimum reader version
     * @param minWriterVersion the minimum writer version
     * @param readerFeatures   the reader features (empty below reader version 3)
     * @param writerFeatures   the writer features (empty below writer version 7)
     */
    public record Protocol(int minReaderVersion, int minWriterVersion, Set<String> readerFeatures, Set<String> writerFeatures) {
    }

    /**
     * One data file of a snapshot (an {@code add} action still in force).
     *
     * @param path            the file's absolute path (a URI such as {@code file:/tmp/t/part-...parquet})
     * @param size            its size in bytes
     * @param partitionValues its partition values as the log holds them (text; null for a null value)
     * @param deletionVector  whether a deletion vector hides some of its rows
     * @param stats           the {@code stats} JSON of the add action, or null if there is none
     */
    public record DataFile(String path, long size, Map<String, String> partitionValues, boolean deletionVector, String stats) {
    }

    /** Kernel's type for a type name of {@link Column}. */
    public static DataType deltaType(String type) {
        String t = type.strip().toLowerCase(Locale.ROOT);
        Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
            return new DecimalType(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        return switch (t) {
            case "long", "bigint" -> LongType.LONG;
            case "integer", "int" -> IntegerType.INTEGER;
            case "short", "smallint" -> ShortType.SHORT;
            case "byte", "tinyint" -> ByteType.BYTE;
            case "string" -> StringType.STRING;
            case "double" -> DoubleType.DOUBLE;
            case "float" -> FloatType.FLOAT;
            case "boolean" -> BooleanType.BOOLEAN;
            case "date" -> DateType.DATE;
            case "timestamp" -> TimestampType.TIMESTAMP;
            case "timestamp_ntz" -> TimestampNTZType.TIMESTAMP_NTZ;
            case "binary" -> BinaryType.BINARY;
            default -> throw new IllegalArgumentException("unknown Delta type for the oracle: " + type);
        };
    }

    // ------------------------------------------------------------------ snapshots

    static String tablePath(Path table) {
        return table.toAbsolutePath().normalize().toString();
    }

    static Snapshot snapshot(Path table, Long version) {
        Table t = Table.forPath(ENGINE, tablePath(table));
        try {
            return version == null ? t.getLatestSnapshot(ENGINE) : t.getSnapshotAsOfVersion(ENGINE, version);
        } catch (TableNotFoundException e) {
            throw new IllegalArgumentException("no Delta table at " + table + " (no commit in " + table.resolve("_delta_log") + ")", e);
        }
    }

    /** The latest version of the table, i.e. of its newest commit. */
    public static long latestVersion(Path table) {
        return snapshot(table, null).getVersion();
    }

    /** The column names of the table at {@code version}, in schema order (partition columns included). */
    public static List<String> columnNames(Path table, long version) {
        return snapshot(table, version).getSchema().fieldNames();
    }

    /** The partition columns of the table at {@code version}. */
    public static List<String> partitionColumns(Path table, long version) {
        return snapshot(table, version).getPartitionColumnNames();
    }

    /** The table's schema at {@code version} as Kernel's {@link StructType}. */
    public static StructType schema(Path table, long version) {
        return snapshot(table, version).getSchema();
    }

    /** The table's schema at {@code version}: the {@code schemaString} of its metadata action, as the log holds it. */
    public static String schemaJson(Path table, long version) {
        return snapshot(table, version).getMetadata().getSchemaString();
    }

    /** The table's properties ({@code metaData.configuration}) at {@code version}. */
    public static Map<String, String> tableProperties(Path table, long version) {
        return Map.copyOf(snapshot(table, version).getTableProperties());
    }

    /** The table's protocol at {@code version}. */
    public static Protocol protocol(Path table, long version) {
        io.delta.kernel.internal.actions.Protocol p = snapshot(table, version).getProtocol();
        return new Protocol(p.getMinReaderVersion(), p.getMinWriterVersion(),
                Collections.unmodifiableSet(new TreeSet<>(p.getReaderFeatures())),
                Collections.unmodifiableSet(new TreeSet<>(p.getWriterFeatures())));
    }

    /** The table's reader features at {@code version} (empty below reader version 3). */
    public static Set<String> readerFeatures(Path table, long version) {
        return protocol(table, version).readerFeatures();
    }

    /** The table's writer features at {@code version} (empty below writer version 7). */
    public static Set<String> writerFeatures(Path table, long version) {
        return protocol(table, version).writerFeatures();
    }

    /** The data files of the snapshot at {@code version}, with their statistics (in no defined order). */
    public static List<DataFile> dataFiles(Path table, long version) {
        Scan scan = snapshot(table, version).getScanBuilder().build();
        List<DataFile> out = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(ENGINE, true)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> rows = files.next().getRows()) {
                    while (rows.hasNext()) {
                        Row scanFile = rows.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
                        Row add = scanFile.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
                        int statsAt = add.getSchema().indexOf("stats");
                        String stats = statsAt < 0 || add.isNullAt(statsAt) ? null : add.getString(statsAt);
                        out.add(new DataFile(status.getPath(), status.getSize(),
                                Collections.unmodifiableMap(new LinkedHashMap<>(InternalScanFileUtils.getPartitionValues(scanFile))),
                                InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile) != null, stats));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Kernel writes a classic (single-file Parquet) checkpoint of {@code version}. */
    public static void checkpoint(Path table, long version) {
        try {
            Table.forPath(ENGINE, tablePath(table)).checkpoint(ENGINE, version);
        } catch (Exception e) {
            throw new IllegalStateException("Kernel cannot checkpoint " + table + " at version " + version + ": " + e, e);
        }
    }

    /** Every row of the latest snapshot (see {@link #read(Path, long)}). */
    public static List<List<Object>> read(Path table) {
        return read(snapshot(table, null));
    }

    /**
     * Every row of the snapshot at {@code version}, deletion vectors applied, columns in schema order, values in
     * the normal form of this class's description; rows in Kernel's order, which is not defined.
     */
    public static List<List<Object>> read(Path table, long version) {
        return read(snapshot(table, version));
    }

    private static List<List<Object>> read(Snapshot snapshot) {
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(ENGINE);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
        List<List<Object>> out = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(ENGINE)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> scanFileRows = scanFiles.next().getRows()) {
                    while (scanFileRows.hasNext()) {
                        Row scanFile = scanFileRows.next();
                        FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
                        CloseableIterator<ColumnarBatch> physical = ENGINE.getParquetHandler()
                                .readParquetFiles(singleton(file), physicalSchema, Optional.empty())
                                .map(FileReadResult::getData);
                        try (CloseableIterator<FilteredColumnarBatch> data =
                                Scan.transformPhysicalData(ENGINE, scanState, scanFile, physical)) {
                            while (data.hasNext()) {
                                addRows(data.next(), out);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static <T> CloseableIterator<T> singleton(T t) {
        return io.delta.kernel.internal.util.Utils.singletonCloseableIterator(t);
    }

    /** Adds the selected rows of {@code batch} to {@code out}. */
    static void addRows(FilteredColumnarBatch batch, List<List<Object>> out) {
        ColumnarBatch data = batch.getData();
        Optional<ColumnVector> selection = batch.getSelectionVector();
        int n = data.getSize();
        int m = data.getSchema().length();
        for (int i = 0; i < n; i++) {
            if (selection.isPresent()) {
                ColumnVector s = selection.get();
                if (s.isNullAt(i) || !s.getBoolean(i)) {
                    continue; // deleted by a deletion vector
                }
            }
            List<Object> row = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                row.add(value(data.getColumnVector(j), i));
            }
            out.add(row);
        }
    }

    /** Row {@code i} of {@code v} in normal form. */
    static Object value(ColumnVector v, int i) {
        if (v.isNullAt(i)) {
            return null;
        }
        DataType t = v.getDataType();
        return switch (t) {
            case LongType x -> v.getLong(i);
            case IntegerType x -> (long) v.getInt(i);
            case ShortType x -> (long) v.getShort(i);
            case ByteType x -> (long) v.getByte(i);
            case DoubleType x -> v.getDouble(i);
            case FloatType x -> (double) v.getFloat(i);
            case BooleanType x -> v.getBoolean(i);
            case StringType x -> v.getString(i);
            case DecimalType x -> v.getDecimal(i);
            case DateType x -> LocalDate.ofEpochDay(v.getInt(i));
            case TimestampType x -> Instant.EPOCH.plus(v.getLong(i), ChronoUnit.MICROS);
            case TimestampNTZType x -> LocalDateTime.ofEpochSecond(Math.floorDiv(v.getLong(i), 1_000_000L),
                    (int) Math.floorMod(v.getLong(i), 1_000_000L) * 1000, ZoneOffset.UTC);
            case BinaryType x -> HexFormat.of().formatHex(v.getBinary(i));
            case StructType s -> {
                List<Object> fields = new ArrayList<>(s.length());
                for (int j = 0; j < s.length(); j++) {
                    fields.add(value(v.getChild(j), i));
                }
                yield fields;
            }
            case ArrayType a -> {
                ArrayValue arr = v.getArray(i);
                List<Object> elems = new ArrayList<>(arr.getSize());
                for (int j = 0; j < arr.getSize(); j++) {
                    elems.add(value(arr.getElements(), j));
                }
                yield elems;
            }
            case MapType mt -> {
                MapValue map = v.getMap(i);
                Map<Object, Object> entries = new LinkedHashMap<>();
                for (int j = 0; j < map.getSize(); j++) {
                    entries.put(value(map.getKeys(), j), value(map.getValues(), j));
                }
                yield entries;
            }
            default -> String.valueOf(t) + "@" + i; // a type the oracle does not know (variant, geospatial)
        };
    }

    // ------------------------------------------------------------------ writes

    /**
     * Appends {@code rows} to the table as one commit (a blind append), creating the table with {@code schema} if
     * it does not exist yet. Each row holds one value per column of {@code schema}, in its order: a {@link Number}
     * for the numeric types, a {@link BigDecimal} (or any number, converted exactly) for a decimal, a
     * {@link LocalDate} for a date, an {@link Instant} or {@link OffsetDateTime} for a timestamp, a
     * {@link LocalDateTime} for a timestamp_ntz, a {@code byte[]} (or hex string) for binary, or null.
     *
     * @return the version of the new commit
     */
    public static long appendRows(Path table, TableSchema schema, List<List<Object>> rows) {
        return appendRows(table, schema, rows, Map.of());
    }

    /**
     * {@link #appendRows(Path, TableSchema, List)}, with table properties (e.g.
     * {@code delta.columnMapping.mode=name}) set when this call creates the table; ignored otherwise.
     */
    public static long appendRows(Path table, TableSchema schema, List<List<Object>> rows, Map<String, String> tableProperties) {
        StructType structType = schema.toStructType();
        Table t = Table.forPath(ENGINE, tablePath(table));
        boolean exists = Files.isDirectory(table.resolve("_delta_log"));
        TransactionBuilder builder = t.createTransactionBuilder(ENGINE, "spillway-tests", exists ? Operation.WRITE : Operation.CREATE_TABLE);
        if (!exists) {
            builder = builder.withSchema(ENGINE, structType).withPartitionColumns(ENGINE, schema.partitionColumns());
            if (!tableProperties.isEmpty()) {
                builder = builder.withTableProperties(ENGINE, tableProperties);
            }
        }
        Transaction txn = builder.build(ENGINE);
        StructType tableSchema = txn.getSchema(ENGINE);
        if (!tableSchema.fieldNames().equals(structType.fieldNames())) {
            throw new IllegalArgumentException("the table at " + table + " has columns " + tableSchema.fieldNames()
                    + ", not " + structType.fieldNames());
        }
        Row txnState = txn.getTransactionState(ENGINE);
        List<String> partitionColumns = txn.getPartitionColumns(ENGINE);

        // one group of rows per partition (a single group for an unpartitioned table), in order of first appearance
        Map<List<Object>, List<List<Object>>> groups = new LinkedHashMap<>();
        for (List<Object> row : rows) {
            if (row.size() != structType.length()) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " values for " + structType.length() + " columns");
            }
            List<Object> key = new ArrayList<>(partitionColumns.size());
            for (String p : partitionColumns) {
                key.add(row.get(structType.indexOf(p)));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }

        List<Row> actions = new ArrayList<>();
        try {
            for (Map.Entry<List<Object>, List<List<Object>>> g : groups.entrySet()) {
                Map<String, Literal> partitionValues = new LinkedHashMap<>();
                for (int k = 0; k < partitionColumns.size(); k++) {
                    String p = partitionColumns.get(k);
                    partitionValues.put(p, literal(tableSchema.get(p).getDataType(), g.getKey().get(k)));
                }
                FilteredColumnarBatch batch = batch(tableSchema, g.getValue());
                CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(
                        ENGINE, txnState, singleton(batch), partitionValues);
                DataWriteContext context = Transaction.getWriteContext(ENGINE, txnState, partitionValues);
                CloseableIterator<DataFileStatus> written = ENGINE.getParquetHandler()
                        .writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns());
                try (CloseableIterator<Row> adds = Transaction.generateAppendActions(ENGINE, txnState, written, context)) {
                    while (adds.hasNext()) {
                        actions.add(adds.next());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CloseableIterable<Row> iterable = CloseableIterable.inMemoryIterable(
                io.delta.kernel.internal.util.Utils.toCloseableIterator(actions.iterator()));
        return txn.commit(ENGINE, iterable).getVersion();
    }

    // ------------------------------------------------------------------ deletion vectors

    /**
     * Deletes the rows that match {@code where} (given a row as {@link #read(Path)} returns it) by deletion vectors,
     * as Spark's {@code DELETE} does on a table with deletion vectors: one commit that, for each data file with a
     * matching row, removes the file and adds it again with a deletion vector of all its deleted rows (those
     * deleted before included). Kernel writes no deletion vectors, so this writes them itself (Delta protocol,
     * "Deletion Vector Format": a portable RoaringBitmapArray), either on disk, all in one new
     * {@code deletion_vector_<uuid>.bin} file in the table's directory, or inline in the log (Z85 text);
     * {@link #read(Path)} (Kernel) is then the check that they are right.
     *
     * <p>The table must support deletion vectors: create it with {@code delta.enableDeletionVectors=true}.
     *
     * @param inline whether the deletion vectors go inline into the log rather than into a file
     * @return the version of the new commit, or the current version if no row matched (no commit then)
     */
    public static long deleteRows(Path table, Predicate<List<Object>> where, boolean inline) {
        return DeltaKernelDeletes.deleteRows(table, where, inline);
    }

    /** A batch of {@code rows} with the table's (logical) schema. */
    private static FilteredColumnarBatch batch(StructType schema, List<List<Object>> rows) {
        ColumnVector[] vectors = new ColumnVector[schema.length()];
        for (int j = 0; j < vectors.length; j++) {
            DataType type = schema.at(j).getDataType();
            Object[] values = new Object[rows.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = internal(type, rows.get(i).get(j), schema.at(j));
            }
            vectors[j] = new ValueVector(type, values);
        }
        return new FilteredColumnarBatch(new DefaultColumnarBatch(rows.size(), schema, vectors), Optional.empty());
    }

    /**
     * A value as Kernel's column vectors hold it: Long, Integer, Short, Byte, Double, Float, Boolean, String,
     * BigDecimal at the column's scale, days (Integer) for a date, microseconds (Long) for timestamps, byte[].
     */
    private static Object internal(DataType type, Object v, StructField field) {
        if (v == null) {
            if (!field.isNullable()) {
                throw new IllegalArgumentException("null in non-nullable column " + field.getName());
            }
            return null;
        }
        try {
            return switch (type) {
                case LongType x -> ((Number) v).longValue();
                case IntegerType x -> Math.toIntExact(((Number) v).longValue());
                case ShortType x -> (short) Math.toIntExact(((Number) v).longValue());
                case ByteType x -> (byte) Math.toIntExact(((Number) v).longValue());
                case DoubleType x -> ((Number) v).doubleValue();
                case FloatType x -> ((Number) v).floatValue();
                case BooleanType x -> (Boolean) v;
                case StringType x -> (String) v;
                case DecimalType d -> {
                    BigDecimal b = v instanceof BigDecimal bd ? bd : new BigDecimal(v.toString());
                    b = b.setScale(d.getScale(), RoundingMode.UNNECESSARY);
                    if (b.precision() > d.getPrecision()) {
                        throw new IllegalArgumentException(b + " does not fit " + d);
                    }
                    yield b;
                }
                case DateType x -> Math.toIntExact(((LocalDate) v).toEpochDay());
                case TimestampType x -> micros(v instanceof OffsetDateTime o ? o.toInstant() : (Instant) v);
                case TimestampNTZType x -> micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC));
                case BinaryType x -> v instanceof byte[] b ? b : HexFormat.of().parseHex((String) v);
                default -> throw new IllegalArgumentException("the oracle does not write " + type);
            };
        } catch (ClassCastException | ArithmeticException e) {
            throw new IllegalArgumentException("value " + v + " (" + v.getClass().getSimpleName() + ") for column "
                    + field.getName() + " of type " + type, e);
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** A partition value as a Kernel literal of the column's type. */
    private static Literal literal(DataType type, Object v) {
        if (v == null) {
            return Literal.ofNull(type);
        }
        StructField f = new StructField("partition", type, true);
        Object x = internal(type, v, f);
        return switch (type) {
            case LongType t -> Literal.ofLong((Long) x);
            case IntegerType t -> Literal.ofInt((Integer) x);
            case ShortType t -> Literal.ofShort((Short) x);
            case ByteType t -> Literal.ofByte((Byte) x);
            case DoubleType t -> Literal.ofDouble((Double) x);
            case FloatType t -> Literal.ofFloat((Float) x);
            case BooleanType t -> Literal.ofBoolean((Boolean) x);
            case StringType t -> Literal.ofString((String) x);
            case DecimalType d -> Literal.ofDecimal((BigDecimal) x, d.getPrecision(), d.getScale());
            case DateType t -> Literal.ofDate((Integer) x);
            case TimestampType t -> Literal.ofTimestamp((Long) x);
            case TimestampNTZType t -> Literal.ofTimestampNtz((Long) x);
            case BinaryType t -> Literal.ofBinary((byte[]) x);
            default -> throw new IllegalArgumentException("the oracle does not partition by " + type);
        };
    }

    /** A column vector over values already in Kernel's internal form ({@link #internal}). */
    private record ValueVector(DataType type, Object[] values) implements ColumnVector {
        @Override
        public DataType getDataType() {
            return type;
        }

        @Override
        public int getSize() {
            return values.length;
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isNullAt(int rowId) {
            return values[rowId] == null;
        }

        @Override
        public boolean getBoolean(int rowId) {
            return (Boolean) values[rowId];
        }

        @Override
        public byte getByte(int rowId) {
            return (Byte) values[rowId];
        }

        @Override
        public short getShort(int rowId) {
            return (Short) values[rowId];
        }

        @Override
        public int getInt(int rowId) {
            return (Integer) values[rowId];
        }

        @Override
        public long getLong(int rowId) {
            return (Long) values[rowId];
        }

        @Override
        public float getFloat(int rowId) {
            return (Float) values[rowId];
        }

        @Override
        public double getDouble(int rowId) {
            return (Double) values[rowId];
        }

        @Override
        public byte[] getBinary(int rowId) {
            return (byte[]) values[rowId];
        }

        @Override
        public String getString(int rowId) {
            return (String) values[rowId];
        }

        @Override
        public BigDecimal getDecimal(int rowId) {
            return (BigDecimal) values[rowId];
        }
    }
}
