package org.spillway.frame.io.parquet;

/**
 * Rows of one row group of one file of a {@link ParquetSource}: a scan's morsel. By default the whole
 * row group ({@code firstRow} 0, {@code rows} the group's row count); a big row group is split by the
 * scan into row ranges ({@link #range}), each read on its own.
 *
 * @param file            index into {@link ParquetSource#files()}
 * @param rowGroup        the row group's index within its file
 * @param rows            number of rows of this reference (of the range, not of the whole group)
 * @param compressedBytes the size on disk (all columns) of the row group, or the range's share of it
 * @param firstRow        the first row of the range within the row group
 */
public record RowGroupRef(int file, int rowGroup, long rows, long compressedBytes, long firstRow) {

    /** A whole row group of {@code rows} rows. */
    public RowGroupRef(int file, int rowGroup, long rows, long compressedBytes) {
        this(file, rowGroup, rows, compressedBytes, 0);
    }

    /** The number of rows of this reference (same as {@link #rows()}). */
    public long rowCount() {
        return rows;
    }

    /**
     * Rows {@code [first, first + count)} of this reference's row group (relative to the row group,
     * within this reference), with the matching share of the compressed bytes.
     */
    public RowGroupRef range(long first, long count) {
        if (first < firstRow || count < 0 || first + count > firstRow + rows) {
            throw new IllegalArgumentException("rows [" + first + ", " + (first + count) + ") lie outside [" + firstRow + ", "
                    + (firstRow + rows) + ")");
        }
        long bytes = rows == 0 ? 0 : (long) ((double) compressedBytes * count / rows);
        return new RowGroupRef(file, rowGroup, count, bytes, first);
    }
}
