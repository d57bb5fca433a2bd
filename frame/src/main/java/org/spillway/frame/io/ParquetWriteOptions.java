package org.spillway.frame.io;

import java.util.List;
import java.util.Objects;

/**
 * How {@code DataFrame.writeParquet} writes: codec, row-group and page sizes, dictionary encoding,
 * partition columns, bloom filters. Immutable; each {@code with} method returns a copy.
 *
 * <p>The defaults ({@link #defaults()}):
 * <ul>
 *   <li>codec {@link Codec#ZSTD} at level 3: files markedly smaller than {@link Codec#SNAPPY} at a
 *       similar write speed and a read speed that is rarely the bottleneck; it is what Polars writes
 *       by default and what DuckDB recommends (see {@code frame/PARQUET.md} for numbers);</li>
 *   <li>compression level 3 for ZSTD (zstd's own default), 6 for GZIP; ignored by the other codecs;</li>
 *   <li>1,048,576 rows per row group (DuckDB's and Polars' order of magnitude: large enough for good
 *       compression and cheap footers, small enough to parallelise reading and to skip by statistics);</li>
 *   <li>data pages of about 1 MiB before compression (parquet-java's default);</li>
 *   <li>dictionary encoding on: every column but booleans is dictionary encoded in a row group
 *       whose dictionary stays under 1 MiB, and written plain otherwise;</li>
 *   <li>no partition columns;</li>
 *   <li>no bloom filters ({@link #withBloomFilter(String...)} adds them for chosen columns).</li>
 * </ul>
 */
public final class ParquetWriteOptions {
    /** Compression codecs Spillway writes. */
    public enum Codec {
        /** No compression. */
        UNCOMPRESSED,
        /** Snappy. */
        SNAPPY,
        /** Gzip (deflate). */
        GZIP,
        /** Zstandard. */
        ZSTD,
        /** LZ4 block format (Parquet's LZ4_RAW). */
        LZ4_RAW
    }

    /** Rows per row group unless {@link #withRowGroupRows(int)} says otherwise. */
    public static final int DEFAULT_ROW_GROUP_ROWS = 1 << 20;
    /** Uncompressed bytes per data page unless {@link #withPageSizeBytes(int)} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE_BYTES = 1 << 20;
    /** False positive probability of bloom filters unless {@link #withBloomFilter(double, String...)} says otherwise. */
    public static final double DEFAULT_BLOOM_FILTER_FPP = 0.01;

    private static final ParquetWriteOptions DEFAULTS = new ParquetWriteOptions(Codec.ZSTD, -1, DEFAULT_ROW_GROUP_ROWS,
            DEFAULT_PAGE_SIZE_BYTES, true, List.of(), List.of(), DEFAULT_BLOOM_FILTER_FPP, java.util.Map.of(), false);

    private final Codec codec;
    private final int compressionLevel; // -1: the codec's default
    private final int rowGroupRows;
    private final int pageSizeBytes;
    private final boolean dictionary;
    private final List<String> partitionBy;
    private final List<String> bloomFilter;
    private final double bloomFilterFpp;
    private final java.util.Map<String, Integer> fieldIds;
    private final boolean keepPartitionColumns;

    private ParquetWriteOptions(Codec codec, int compressionLevel, int rowGroupRows, int pageSizeBytes, boolean dictionary,
                                List<String> partitionBy, List<String> bloomFilter, double bloomFilterFpp,
                                java.util.Map<String, Integer> fieldIds, boolean keepPartitionColumns) {
        this.fieldIds = fieldIds;
        this.keepPartitionColumns = keepPartitionColumns;
        this.codec = codec;
        this.compressionLevel = compressionLevel;
        this.rowGroupRows = rowGroupRows;
        this.pageSizeBytes = pageSizeBytes;
        this.dictionary = dictionary;
        this.partitionBy = partitionBy;
        this.bloomFilter = bloomFilter;
        this.bloomFilterFpp = bloomFilterFpp;
    }

    /** The defaults: ZSTD level 3, 1,048,576-row row groups, 1 MiB pages, dictionary encoding, no partitions, no bloom filters. */
    public static ParquetWriteOptions defaults() {
        return DEFAULTS;
    }

    /** With another compression codec. */
    public ParquetWriteOptions withCodec(Codec codec) {
        Objects.requireNonNull(codec, "codec");
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, pageSizeBytes, dictionary, partitionBy, bloomFilter,
                bloomFilterFpp, fieldIds, keepPartitionColumns);
    }

    /**
     * With a compression level for {@link Codec#ZSTD} (1 to 22; negative levels are zstd's fast modes
     * down to -7) or {@link Codec#GZIP} (1 to 9); the other codecs have no levels and ignore it.
     */
    public ParquetWriteOptions withCompressionLevel(int level) {
        if (level < -7 || level > 22) {
            throw new IllegalArgumentException("compression level " + level + " is out of range: use 1 to 22 for zstd"
                    + " (or -7 to -1 for its fast modes), 1 to 9 for gzip");
        }
        return new ParquetWriteOptions(codec, level, rowGroupRows, pageSizeBytes, dictionary, partitionBy, bloomFilter,
                bloomFilterFpp, fieldIds, keepPartitionColumns);
    }

    /** With at most {@code rows} rows per row group (at least 1). */
    public ParquetWriteOptions withRowGroupRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows per row group must be at least 1, not " + rows);
        }
        return new ParquetWriteOptions(codec, compressionLevel, rows, pageSizeBytes, dictionary, partitionBy, bloomFilter,
                bloomFilterFpp, fieldIds, keepPartitionColumns);
    }

    /** With data pages of about {@code bytes} uncompressed bytes (at least 1; a page holds at least one value). */
    public ParquetWriteOptions withPageSizeBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("page size must be at least 1 byte, not " + bytes);
        }
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, bytes, dictionary, partitionBy, bloomFilter,
                bloomFilterFpp, fieldIds, keepPartitionColumns);
    }

    /** With dictionary encoding on (the default) or off (every page plain). */
    public ParquetWriteOptions withDictionary(boolean on) {
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, pageSizeBytes, on, partitionBy, bloomFilter,
                bloomFilterFpp, fieldIds, keepPartitionColumns);
    }

    /**
     * Partitioned by these columns, Hive style ({@code a=1/b=x/part-...parquet}); the columns are not
     * stored in the files. Only for directory targets. No columns: not partitioned.
     */
    public ParquetWriteOptions withPartitionBy(String... columns) {
        List<String> cols = List.of(columns);
        if (cols.stream().distinct().count() != cols.size()) {
            throw new IllegalArgumentException("partition columns repeat a name: " + cols);
        }
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, pageSizeBytes, dictionary, cols, bloomFilter,
                bloomFilterFpp, fieldIds, keepPartitionColumns);
    }

    /**
     * With a bloom filter for each of these columns in every row group, at a false positive probability
     * of {@value #DEFAULT_BLOOM_FILTER_FPP}; no columns: none (the default). Readers (Spillway, DuckDB,
     * Spark, parquet-java) skip the row groups whose filter says an equality's value is absent. A filter
     * is sized from the number of distinct values in its column chunk as parquet-java sizes it (about
     * 1.2 bytes per distinct value at 1%, a power of two from 32 bytes to 1 MiB) and written after the
     * page index, before the footer. Booleans get none; naming a column the frame does not have (or a
     * partition column, or a bool column) fails the write with an {@link IllegalArgumentException}.
     */
    public ParquetWriteOptions withBloomFilter(String... columns) {
        return withBloomFilter(DEFAULT_BLOOM_FILTER_FPP, columns);
    }

    /**
     * As {@link #withBloomFilter(String...)} with false positive probability {@code fpp} (above 0,
     * below 1): the share of absent values a filter lets through. Lower costs more bytes per distinct
     * value (parquet-java's sizing: 0.1% about 1.8 bytes, 1% about 1.2, 10% about 0.7; then rounded up to a power of two).
     */
    public ParquetWriteOptions withBloomFilter(double fpp, String... columns) {
        if (!(fpp > 0.0 && fpp < 1.0)) {
            throw new IllegalArgumentException("bloom filter false positive probability must be above 0 and below 1, not " + fpp);
        }
        List<String> cols = List.of(columns);
        if (cols.stream().distinct().count() != cols.size()) {
            throw new IllegalArgumentException("bloom filter columns repeat a name: " + cols);
        }
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, pageSizeBytes, dictionary, partitionBy, cols,
                fpp, fieldIds, keepPartitionColumns);
    }

    /**
     * With Parquet field ids ({@code SchemaElement.field_id}) for these columns, by name: the stable
     * column ids of table formats (Delta's column mapping in id mode, Iceberg), by which readers find a
     * column whatever its name. Columns not named get none (the default: no field ids).
     */
    public ParquetWriteOptions withFieldIds(java.util.Map<String, Integer> ids) {
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, pageSizeBytes, dictionary, partitionBy, bloomFilter,
                bloomFilterFpp, java.util.Map.copyOf(ids), keepPartitionColumns);
    }

    /**
     * With the partition columns also stored in the files ({@code true}), not only in the directory names (the
     * default, {@code false}). Table formats that read partition values from the files need it: Delta's
     * IcebergCompatV2 ("partition column values materialized"), so that Iceberg readers find them.
     */
    public ParquetWriteOptions withPartitionColumnsInFiles(boolean keep) {
        return new ParquetWriteOptions(codec, compressionLevel, rowGroupRows, pageSizeBytes, dictionary, partitionBy, bloomFilter,
                bloomFilterFpp, fieldIds, keep);
    }

    /** True if partition columns are stored in the files too (see {@link #withPartitionColumnsInFiles}). */
    public boolean partitionColumnsInFiles() {
        return keepPartitionColumns;
    }

    /** The Parquet field ids by column name (empty: none, the default). */
    public java.util.Map<String, Integer> fieldIds() {
        return fieldIds;
    }

    /** The columns that get bloom filters (empty: none, the default). */
    public List<String> bloomFilterColumns() {
        return bloomFilter;
    }

    /** The false positive probability of the bloom filters. */
    public double bloomFilterFpp() {
        return bloomFilterFpp;
    }

    /** The compression codec. */
    public Codec codec() {
        return codec;
    }

    /** The compression level in effect: the one set, else 3 for ZSTD, 6 for GZIP, 0 for codecs without levels. */
    public int compressionLevel() {
        if (compressionLevel != -1) {
            return compressionLevel;
        }
        return switch (codec) {
            case ZSTD -> 3;
            case GZIP -> 6;
            default -> 0;
        };
    }

    /** Maximum rows per row group. */
    public int rowGroupRows() {
        return rowGroupRows;
    }

    /** Target uncompressed bytes per data page. */
    public int pageSizeBytes() {
        return pageSizeBytes;
    }

    /** True if columns are dictionary encoded where the dictionary stays small. */
    public boolean dictionary() {
        return dictionary;
    }

    /** The partition columns, outermost first (empty: not partitioned). */
    public List<String> partitionBy() {
        return partitionBy;
    }

    @Override
    public String toString() {
        return "ParquetWriteOptions[codec=" + codec + ", level=" + compressionLevel() + ", rowGroupRows=" + rowGroupRows
                + ", pageSizeBytes=" + pageSizeBytes + ", dictionary=" + dictionary + ", partitionBy=" + partitionBy
                + ", bloomFilter=" + bloomFilter + (bloomFilter.isEmpty() ? "" : " at fpp " + bloomFilterFpp) + "]";
    }
}
