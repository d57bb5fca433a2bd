package org.spillway.frame.io.parquet;

/**
 * One row group of one file of a {@link ParquetSource}: a scan's morsel.
 *
 * @param file            index into {@link ParquetSource#files()}
 * @param rowGroup        the row group's index within its file
 * @param rows            number of rows
 * @param compressedBytes the row group's size on disk (all columns)
 */
public record RowGroupRef(int file, int rowGroup, long rows, long compressedBytes) {
}
