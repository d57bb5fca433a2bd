package org.spillway.frame.io.parquet;

import java.io.IOException;

import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.RowGroup;
import org.spillway.frame.Expr;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.PooledArena;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;

/**
 * Decodes row groups of a {@link ParquetSource} into chunks of the projected columns, one worker's
 * buffers reused across row groups. Not thread-safe: one per worker.
 *
 * <p>Only the column chunks of the projected columns are read, streamed page by page (positional
 * reads of a {@link FileChannel} of about a MiB ahead, kept open while consecutive row groups come
 * from the same file): a reader holds about the largest page plus a MiB per projected column, and the
 * dictionaries, never whole column chunks. Those read and decompression buffers are reserved from the
 * budget by the reader's {@link MemoryConsumer} ({@code ParquetScan#n}, "read buffers") while a row group is
 * read (grown as they grow; 1 MiB each, the memory policy's share for them), and each
 * emitted chunk's off-heap memory as {@code "ParquetScan"} (owned by the chunk, freed when it is
 * closed).
 */
public final class ParquetRowGroupReader implements AutoCloseable {
    private final ParquetSource source;
    private final int[] projection;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final Schema schema;
    private final ColumnBuffer[] buffers;
    private ColumnCursor[] cursors; // per projected column, for the file cursorFile
    private ColumnBuffer[] staging; // per projected column of cursorFile read in a narrower type and converted, else null
    private int cursorFile = -1;
    private FileChannel channel;
    private int channelFile = -1;
    private long channelSize;
    private long emittedRow; // the file row index of the first row of the chunk being handed out
    private int[] keep; // the rows of a chunk its table format did not delete (see kept)
    private long rowsDeleted; // by the table format, in the current read
    private MemoryConsumer consumer; // this reader's registration with the budget (ParquetScan#n), made on first read

    ParquetRowGroupReader(ParquetSource source, int[] projection, int chunkRows, MemoryBudget budget) {
        this.source = source;
        this.projection = projection;
        this.chunkRows = chunkRows;
        this.budget = budget;
        this.schema = source.schema().select(projection);
        this.buffers = new ColumnBuffer[projection.length];
        for (int i = 0; i < projection.length; i++) {
            buffers[i] = new ColumnBuffer(schema.type(i), chunkRows);
        }
    }

    /**
     * Reads one row group and hands each chunk (at most {@code chunkRows} rows, owned by the receiver)
     * to {@code out}, in row order. {@code filter} (may be null) lets the reader skip pages whose
     * page-index bounds exclude it; rows of read pages are not filtered here. {@code counters}
     * receives counts such as {@code parquet.pagesSkipped}.
     *
     * <p>Page index: when the file has a column index and offset index for columns of
     * {@code filter}, the row ranges whose pages' bounds exclude the filter (by
     * {@link org.spillway.frame.stats.StatsPruner}) are left out: only rows of the kept ranges
     * are emitted, every projected column aligned on them, and the data pages of the projected
     * columns that lie wholly outside the kept ranges are passed over by their header, neither
     * decompressed nor decoded (counted as {@code parquet.pagesSkipped}). Kept ranges may still hold
     * rows the filter drops; the plan filters them.
     *
     * <p>Row ranges: only rows {@code [firstRow, firstRow + rows)} of {@code rowGroup} are read (the
     * kept ranges of the page index are cut to them). The pages before {@code firstRow} are passed
     * over without reading their bodies: with the column's offset index by seeking straight to the
     * page holding {@code firstRow}, without one by walking the page headers from the start of the
     * column chunk (the dictionary page is always read). {@code parquet.rowGroupsRead} counts the row
     * groups (once, by the range starting at row 0), {@code parquet.morselsRead} every call.
     *
     * <p>Deleted rows: the rows of the file that its table format deleted ({@link ParquetSource#deletedRows}, by
     * their index in the file) are left out of the chunks (counted as {@code parquet.rowsDeleted}); a chunk whose rows
     * were all deleted is not handed out.
     */
    public void read(RowGroupRef rowGroup, Expr filter, ObjLongConsumer<String> counters, Consumer<Chunk> out) {
        int f = rowGroup.file();
        rowsDeleted = 0;
        ParquetFile pf = source.files.get(f);
        RowGroup rg = pf.meta.getRow_groups().get(rowGroup.rowGroup());
        long rows = rg.getNum_rows();
        long first = rowGroup.firstRow();
        long last = first + rowGroup.rows();
        String fileName = pf.path.toString();
        if (first < 0 || rowGroup.rows() < 0 || last > rows) {
            throw new ParquetFormatException("Cannot read rows [" + first + ", " + last + ") of '" + fileName + "', row group "
                    + rowGroup.rowGroup() + ": it has " + rows + " rows");
        }
        ColumnCursor[] cs = cursorsFor(f);
        ColumnMetaData[] metas = new ColumnMetaData[projection.length];
        ColumnChunk[] chunks = new ColumnChunk[projection.length];
        long held = 0;
        for (int i = 0; i < projection.length; i++) {
            if (cs[i] != null) {
                ParquetFile.Column col = pf.columns.get(source.columnOf[f][projection[i]]);
                List<ColumnChunk> ccs = rg.getColumns();
                if (col.leaf() >= ccs.size() || !ccs.get(col.leaf()).isSetMeta_data()) {
                    throw new ParquetFormatException("Cannot read column '" + col.name() + "' of '" + fileName + "', row group "
                            + rowGroup.rowGroup() + ": the footer has no metadata for its column chunk");
                }
                chunks[i] = ccs.get(col.leaf());
                metas[i] = chunks[i].getMeta_data();
                held += cs[i].bufferBytes();
            }
        }
        // the cursors' reused buffers, grown (and the reservation with them) as pages need
        if (consumer == null) {
            consumer = budget.register("ParquetScan");
        }
        Reservation io = consumer.reserve("read buffers", held);
        try {
            long pages = 0;
            if (hasFileColumn(cs)) {
                openChannel(f, pf);
            }
            for (int i = 0; i < projection.length; i++) {
                if (cs[i] != null) {
                    try {
                        cs[i].start(fileName, rowGroup.rowGroup(), metas[i], channel, channelSize, io);
                    } catch (IOException e) {
                        throw new ParquetFormatException("Cannot read column '" + schema.field(i).name() + "' of '" + fileName
                                + "', row group " + rowGroup.rowGroup() + ": " + e.getMessage(), e);
                    }
                }
            }
            long[] kept = null;
            if (filter != null && hasFileColumn(cs)) {
                try {
                    kept = PageIndex.keep(source, f, rg, rows, filter, channel);
                } catch (IOException | RuntimeException e) {
                    kept = null; // a page index that cannot be read is not used: every page is read
                }
            }
            boolean whole = first == 0 && last == rows;
            long[] ranges = PageIndex.intersect(kept == null ? new long[] {0, rows} : kept, first, last);
            if (ranges.length > 0 && (ranges[0] > 0 || ranges.length > 2 || kept != null)) {
                // rows to skip: seek by the offset index where the file has one
                for (int i = 0; i < projection.length; i++) {
                    if (cs[i] != null) {
                        long[][] ix = PageIndex.offsets(channel, chunks[i]);
                        if (ix != null) {
                            cs[i].offsetIndex(ix[0], ix[1]);
                        }
                    }
                }
            }
            long at = 0;
            long base = source.firstRowOfRowGroup(f, rowGroup.rowGroup());
            for (int k = 0; k < ranges.length; k += 2) {
                for (ColumnCursor c : cs) {
                    if (c != null) {
                        c.skip(ranges[k] - at);
                    }
                }
                emit(f, cs, base + ranges[k], ranges[k + 1] - ranges[k], out);
                at = ranges[k + 1];
            }
            if (kept != null && last == rows) {
                for (ColumnCursor c : cs) {
                    if (c != null) {
                        c.skip(rows - at); // the pages after the last kept range, without their bodies (counted)
                    }
                }
            }
            long skipped = 0;
            long read = 0;
            for (ColumnCursor c : cs) {
                if (c != null) {
                    pages += c.pagesRead;
                    skipped += c.pagesSkipped;
                    read += c.bytesRead();
                }
            }
            if (kept != null || !whole) {
                counters.accept("parquet.pagesSkipped", skipped);
            }
            if (first == 0) {
                counters.accept("parquet.rowGroupsRead", 1);
            }
            if (rowsDeleted > 0) {
                counters.accept("parquet.rowsDeleted", rowsDeleted);
                rowsDeleted = 0;
            }
            counters.accept("parquet.morselsRead", 1);
            counters.accept("parquet.pagesRead", pages);
            counters.accept("parquet.bytesRead", read);
        } finally {
            io.close();
            for (ColumnCursor c : cs) {
                if (c != null) {
                    c.trim();
                }
            }
        }
    }

    private void emit(int f, ColumnCursor[] cs, long fileRow, long rows, Consumer<Chunk> out) {
        long done = 0;
        while (done < rows) {
            int n = (int) Math.min(chunkRows, rows - done);
            Chunk c = decode(f, cs, fileRow + done, n);
            emittedRow = fileRow + done;
            if (c != null) {
                out.accept(c);
            }
            done += n;
        }
    }

    /**
     * The rows of {@code [fileRow, fileRow + n)} of file {@code f} that its table format did not delete (offsets from
     * {@code fileRow}, in {@link #keep}), and their number; {@code n} when none was deleted.
     */
    private int kept(int f, long fileRow, int n) {
        DeletedRows deleted = source.deletedRows(f);
        if (deleted == null) {
            return n;
        }
        if (keep == null || keep.length < n) {
            keep = new int[Math.max(n, chunkRows)];
        }
        int k = deleted.keep(fileRow, n, keep);
        rowsDeleted += n - k;
        return k;
    }

    /**
     * While {@link #read} hands a chunk to its consumer: the index within its file of the chunk's first
     * row (the chunk's rows are consecutive rows of the file).
     */
    public long emittedRow() {
        return emittedRow;
    }

    private static boolean hasFileColumn(ColumnCursor[] cs) {
        for (ColumnCursor c : cs) {
            if (c != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rows {@code [fileRow, fileRow + n)} of file {@code f} as a chunk, less the rows its table format deleted
     * ({@link ParquetSource#deletedRows}: dropped from the decoded buffers before they are copied off-heap); null when
     * every one of them was deleted.
     */
    private Chunk decode(int f, ColumnCursor[] cs, long fileRow, int n) {
        if (projection.length == 0) {
            int k = kept(f, fileRow, n);
            return k == 0 ? null : Chunk.empty(schema, k);
        }
        long bytes = 0;
        for (int i = 0; i < projection.length; i++) {
            ColumnBuffer b = buffers[i];
            b.reset();
            if (cs[i] != null && staging[i] != null) {
                staging[i].reset();
                cs[i].read(n, staging[i]);
                b.appendConverted(staging[i]);
            } else if (cs[i] != null) {
                cs[i].read(n, b);
            } else if (source.virtualStart >= 0 && projection[i] >= source.virtualStart) {
                if (projection[i] == source.virtualStart) {
                    b.appendConstant((long) f, n);
                } else {
                    b.appendSequence(fileRow, n);
                }
            } else if (projection[i] >= source.fileColumns) {
                b.appendConstant(source.partitionValues[f][projection[i] - source.fileColumns], n);
            } else {
                b.appendNulls(n);
            }
        }
        int k = kept(f, fileRow, n);
        if (k == 0) {
            return null;
        }
        for (int i = 0; i < projection.length; i++) {
            if (k < n) {
                buffers[i].keep(keep, k);
            }
            bytes += buffers[i].offHeapBytes();
        }
        PooledArena arena = budget.pool().allocate("ParquetScan", bytes);
        try {
            ColumnVector[] cols = new ColumnVector[projection.length];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = buffers[i].build(arena);
            }
            return new Chunk(schema, cols, arena, arena.reservation());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The cursors of file {@code f}'s projected columns (null for columns the file lacks), made when the file changes. */
    private ColumnCursor[] cursorsFor(int f) {
        if (cursorFile == f) {
            return cursors;
        }
        ParquetFile pf = source.files.get(f);
        ColumnCursor[] cs = new ColumnCursor[projection.length];
        staging = new ColumnBuffer[projection.length];
        for (int i = 0; i < projection.length; i++) {
            int p = projection[i];
            if (p < source.fileColumns && source.columnOf[f][p] >= 0) {
                ParquetFile.Column col = pf.columns.get(source.columnOf[f][p]);
                DataType fileType = col.mapping().type();
                boolean convert = ParquetTypes.converts(fileType, schema.type(i));
                staging[i] = convert ? new ColumnBuffer(fileType, chunkRows) : null;
                cs[i] = new ColumnCursor(col.name(), col.mapping(), convert ? fileType : schema.type(i), col.maxDef());
                if (cursors != null && cursors[i] != null) {
                    cs[i].adopt(cursors[i]);
                }
            }
        }
        cursors = cs;
        cursorFile = f;
        return cs;
    }

    private void openChannel(int f, ParquetFile pf) {
        if (channelFile == f && channel != null) {
            return;
        }
        closeChannel();
        try {
            channel = FileChannel.open(pf.path, StandardOpenOption.READ);
            channelSize = channel.size();
            channelFile = f;
        } catch (NoSuchFileException e) {
            throw new ParquetFormatException("No such file or directory: '" + pf.path + "' (it was there when the source was opened)", e);
        } catch (IOException e) {
            throw new ParquetFormatException("Cannot open '" + pf.path + "': " + e, e);
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
            channel = null;
            channelFile = -1;
        }
    }

    @Override
    public void close() {
        closeChannel();
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
        cursors = null;
        cursorFile = -1;
    }
}
