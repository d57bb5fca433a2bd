package org.spillway.frame.delta;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.spillway.frame.Expr;
import org.spillway.frame.io.ParquetWriteOptions;

/**
 * Options of {@code DataFrame.writeDelta}: immutable; each {@code with...} returns a copy.
 *
 * <ul>
 *   <li>{@link #withMergeSchema(boolean)}: an append may add columns the table does not have (they are
 *       null in older rows); without it such an append is rejected and the table is unchanged.</li>
 *   <li>{@link #withOverwriteSchema(boolean)}: an {@link SaveMode#OVERWRITE} may replace the schema and
 *       partitioning.</li>
 *   <li>{@link #withPartitionBy(String...)}: the partition columns of a new table (an existing table
 *       keeps its own; naming others is an error).</li>
 *   <li>{@link #withTxn(String, long)}: an idempotent write: skipped if the table already holds a commit of
 *       {@code appId} with this version or a later one (Delta's {@code txnAppId}/{@code txnVersion}).</li>
 *   <li>{@link #withProperties(Map)}: table properties ({@code delta.*} and user keys) of a new table.</li>
 *   <li>{@link #withReplaceWhere(Expr)}: an {@link SaveMode#OVERWRITE} replaces only the rows matching the
 *       predicate (every row written must match it, else the write fails and the table is unchanged):
 *       the matching rows are deleted (deletion vectors or rewritten files, as {@code DeltaTable.delete})
 *       and the frame's rows added, in one commit.</li>
 *   <li>{@link #option(String, String)}: the same by Spark's option names ({@code mergeSchema},
 *       {@code overwriteSchema}, {@code txnAppId}/{@code txnVersion}, {@code delta.*} table properties);
 *       {@link #mergeSchema(boolean)}, {@link #partitionBy(String...)}, {@link #replaceWhere(Expr)} and
 *       {@link #txn(String, long)} are Spark-style aliases of the {@code with...} methods.</li>
 *   <li>{@link #withParquet(ParquetWriteOptions)}: codec, row group and page sizes of the data files
 *       (default: {@link ParquetWriteOptions#defaults()}, ZSTD).</li>
 * </ul>
 */
public final class DeltaWriteOptions {
    private static final DeltaWriteOptions DEFAULTS = new DeltaWriteOptions(false, false, List.of(), null, -1, Map.of(),
            ParquetWriteOptions.defaults(), null);

    private final boolean mergeSchema;
    private final boolean overwriteSchema;
    private final List<String> partitionBy;
    private final String txnAppId;
    private final long txnVersion;
    private final Map<String, String> properties;
    private final ParquetWriteOptions parquet;
    private final Expr replaceWhere;

    private DeltaWriteOptions(boolean mergeSchema, boolean overwriteSchema, List<String> partitionBy, String txnAppId,
                              long txnVersion, Map<String, String> properties, ParquetWriteOptions parquet, Expr replaceWhere) {
        this.replaceWhere = replaceWhere;
        this.mergeSchema = mergeSchema;
        this.overwriteSchema = overwriteSchema;
        this.partitionBy = List.copyOf(partitionBy);
        this.txnAppId = txnAppId;
        this.txnVersion = txnVersion;
        this.properties = Map.copyOf(properties);
        this.parquet = parquet;
    }

    /** No schema merging, no partitions, no transaction id, no properties, default Parquet options. */
    public static DeltaWriteOptions defaults() {
        return DEFAULTS;
    }

    /** With or without schema merging on append. */
    public DeltaWriteOptions withMergeSchema(boolean merge) {
        return new DeltaWriteOptions(merge, overwriteSchema, partitionBy, txnAppId, txnVersion, properties, parquet, replaceWhere);
    }

    /** With or without replacing the schema on overwrite. */
    public DeltaWriteOptions withOverwriteSchema(boolean overwrite) {
        return new DeltaWriteOptions(mergeSchema, overwrite, partitionBy, txnAppId, txnVersion, properties, parquet, replaceWhere);
    }

    /** The partition columns of a new table. */
    public DeltaWriteOptions withPartitionBy(String... columns) {
        return new DeltaWriteOptions(mergeSchema, overwriteSchema, List.of(columns), txnAppId, txnVersion, properties, parquet, replaceWhere);
    }

    /** An idempotent write as version {@code version} of application {@code appId} (version &gt;= 0). */
    public DeltaWriteOptions withTxn(String appId, long version) {
        Objects.requireNonNull(appId, "appId");
        if (version < 0) {
            throw new IllegalArgumentException("A transaction version must be 0 or more, not " + version);
        }
        return new DeltaWriteOptions(mergeSchema, overwriteSchema, partitionBy, appId, version, properties, parquet, replaceWhere);
    }

    /** Table properties of a new table. */
    public DeltaWriteOptions withProperties(Map<String, String> props) {
        return new DeltaWriteOptions(mergeSchema, overwriteSchema, partitionBy, txnAppId, txnVersion, props, parquet, replaceWhere);
    }

    /** The data files' Parquet options (their partitioning is set by the table). */
    public DeltaWriteOptions withParquet(ParquetWriteOptions options) {
        return new DeltaWriteOptions(mergeSchema, overwriteSchema, partitionBy, txnAppId, txnVersion, properties,
                Objects.requireNonNull(options, "options"), replaceWhere);
    }

    /**
     * Overwrite only the rows matching {@code predicate} (Delta's {@code replaceWhere}); only with
     * {@link SaveMode#OVERWRITE}. Null: overwrite everything.
     */
    public DeltaWriteOptions withReplaceWhere(Expr predicate) {
        return new DeltaWriteOptions(mergeSchema, overwriteSchema, partitionBy, txnAppId, txnVersion, properties, parquet, predicate);
    }

    /** Alias of {@link #withMergeSchema(boolean)}, as Spark's {@code option("mergeSchema", ...)}. */
    public DeltaWriteOptions mergeSchema(boolean merge) {
        return withMergeSchema(merge);
    }

    /** Alias of {@link #withPartitionBy(String...)}, as Spark's {@code partitionBy(...)}. */
    public DeltaWriteOptions partitionBy(String... columns) {
        return withPartitionBy(columns);
    }

    /** Alias of {@link #withReplaceWhere(Expr)}. */
    public DeltaWriteOptions replaceWhere(Expr predicate) {
        return withReplaceWhere(predicate);
    }

    /** Alias of {@link #withTxn(String, long)}. */
    public DeltaWriteOptions txn(String appId, long version) {
        return withTxn(appId, version);
    }

    /**
     * An option by Spark's name: {@code mergeSchema}, {@code overwriteSchema} ({@code true}/{@code false}),
     * {@code txnAppId} and {@code txnVersion} (give both), or a table property of a new table
     * ({@code delta.enableDeletionVectors}, {@code delta.enableChangeDataFeed}, {@code delta.columnMapping.mode},
     * ... and user keys). {@code replaceWhere} takes an {@link Expr}: use {@link #withReplaceWhere(Expr)}.
     */
    public DeltaWriteOptions option(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return switch (key) {
            case "mergeSchema" -> withMergeSchema(bool(key, value));
            case "overwriteSchema" -> withOverwriteSchema(bool(key, value));
            case "txnAppId" -> new DeltaWriteOptions(mergeSchema, overwriteSchema, partitionBy, value, txnVersion, properties, parquet,
                    replaceWhere);
            case "txnVersion" -> {
                long v;
                try {
                    v = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("txnVersion must be a number, not '" + value + "'", e);
                }
                if (v < 0) {
                    throw new IllegalArgumentException("A transaction version must be 0 or more, not " + v);
                }
                yield new DeltaWriteOptions(mergeSchema, overwriteSchema, partitionBy, txnAppId, v, properties, parquet, replaceWhere);
            }
            case "replaceWhere" -> throw new IllegalArgumentException("replaceWhere takes an expression: use withReplaceWhere(col(...)...)");
            default -> {
                Map<String, String> props = new java.util.LinkedHashMap<>(properties);
                props.put(key, value);
                yield withProperties(props);
            }
        };
    }

    private static boolean bool(String key, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
    }

    /** The predicate of an overwrite that replaces only matching rows, or null. */
    public Expr replaceWhere() {
        return replaceWhere;
    }

    /** Whether an append may add columns. */
    public boolean mergeSchema() {
        return mergeSchema;
    }

    /** Whether an overwrite may replace the schema. */
    public boolean overwriteSchema() {
        return overwriteSchema;
    }

    /** The partition columns for a new table. */
    public List<String> partitionBy() {
        return partitionBy;
    }

    /** The transaction's application id, or null. */
    public String txnAppId() {
        return txnAppId;
    }

    /** The transaction's version (-1 without a transaction id). */
    public long txnVersion() {
        return txnVersion;
    }

    /** Table properties of a new table. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The data files' Parquet options. */
    public ParquetWriteOptions parquet() {
        return parquet;
    }
}
