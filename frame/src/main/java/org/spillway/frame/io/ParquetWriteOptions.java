package org.spillway.frame.io;

/**
 * How {@code DataFrame.writeParquet} writes: codec, row-group and page sizes, dictionary encoding,
 * partition columns. Immutable; each {@code with} method returns a copy.
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

    private ParquetWriteOptions() {
    }

    /** The defaults. */
    public static ParquetWriteOptions defaults() {
        return new ParquetWriteOptions();
    }
}
