package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.spillway.frame.io.ParquetFormatException;

/**
 * Reads a Parquet file row by row as plain Java records, nested columns included: the slow, general
 * path for small metadata files (Delta Lake checkpoints, Iceberg and Hudi metadata), not for data
 * (use {@code readParquet} for that: it decodes flat columns into vectors, fast, and leaves nested
 * ones out).
 *
 * <p>Each row is a {@code LinkedHashMap<String, Object>} of the file's top-level fields (or the
 * projected ones) in schema order. Values:
 * <ul>
 *   <li>a struct (group) is a {@code LinkedHashMap<String, Object>} of its fields in schema order;
 *       a null struct is null (a present struct whose fields are all null is a map of nulls);</li>
 *   <li>a LIST is an {@code ArrayList} (null elements kept): the 3-level form and the legacy 2-level
 *       and repeated forms, by the backward-compatibility rules of the format's
 *       {@code LogicalTypes.md};</li>
 *   <li>a MAP (or legacy MAP_KEY_VALUE) is a {@code LinkedHashMap<Object, Object>} in stored order
 *       (the last value wins for a repeated key; a map without a value field has null values);</li>
 *   <li>an unannotated repeated field is a list of its values (empty, never null, when it has none);</li>
 *   <li>primitives: Boolean; Integer for INT32; Long for INT64 (and UINT_32); Float / Double;
 *       String for UTF8/STRING, ENUM, JSON and UUID (canonical text); BigDecimal for DECIMAL;
 *       LocalDate for DATE; Instant for timestamps adjusted to UTC (and INT96); LocalDateTime for
 *       timestamps not adjusted to UTC; LocalTime for TIME; byte[] for other binary values.</li>
 * </ul>
 *
 * <p>Record assembly (Dremel repetition and definition levels to nested values) is parquet-column's
 * ({@link MessageColumnIO#getRecordReader}); the footer, the pages (data pages v1 and v2,
 * dictionaries, every codec Spillway reads, CRC32 checks) and the conversion of values are
 * Spillway's. Only the column chunks of the projected fields are read; row groups are read one at a
 * time and their pages one at a time, so {@link #forEach} holds one row, one page per projected
 * leaf column and the dictionaries, not the file.
 *
 * <p>Errors: a file that is not Parquet, truncated or corrupt (footer, page header, page, codec,
 * levels, values) gives a {@link ParquetFormatException} naming the file and, where known, the row
 * group, column and page offset. Thread-safe (no shared state).
 */
public final class ParquetRecords {
    private ParquetRecords() {
    }

    /** Every row of {@code file}, all fields. */
    public static List<Map<String, Object>> read(Path file) {
        return read(file, null);
    }

    /**
     * Every row of {@code file} with only the top-level fields named in {@code columns} (all fields
     * when null); names the file does not have are ignored (their keys are absent from the rows).
     */
    public static List<Map<String, Object>> read(Path file, Set<String> columns) {
        List<Map<String, Object>> rows = new ArrayList<>();
        forEach(file, columns, rows::add);
        return rows;
    }

    /**
     * Hands each row of {@code file} (projected on the top-level fields in {@code columns}, all when
     * null; unknown names ignored) to {@code action}, in file order, without keeping them. An
     * exception thrown by {@code action} stops the read and passes through unchanged.
     */
    public static void forEach(Path file, Set<String> columns, Consumer<? super Map<String, Object>> action) {
        ParquetFile pf = ParquetFile.open(file);
        RecordSchema schema = RecordSchema.of(file, pf.meta.getSchema());
        MessageType fileSchema = schema.type();
        MessageType requested = project(fileSchema, columns);
        Map<List<String>, Integer> leafIndex = new HashMap<>();
        List<ColumnDescriptor> leaves = fileSchema.getColumns();
        for (int i = 0; i < leaves.size(); i++) {
            leafIndex.put(List.of(leaves.get(i).getPath()), i);
        }
        List<RowGroup> groups = pf.meta.getRow_groups() == null ? List.of() : pf.meta.getRow_groups();
        MessageColumnIO io;
        try {
            io = new ColumnIOFactory(pf.meta.getCreated_by(), false).getColumnIO(requested, fileSchema, true);
        } catch (RuntimeException e) {
            throw new ParquetFormatException("Cannot read the schema of '" + file + "': " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (int g = 0; g < groups.size(); g++) {
                RowGroup rg = groups.get(g);
                long rows = rg.getNum_rows();
                if (rows < 0) {
                    throw new ParquetFormatException("Corrupt Parquet file '" + file + "': row group " + g + " has " + rows + " rows");
                }
                if (rows == 0) {
                    continue;
                }
                if (requested.getFieldCount() == 0 || requested.getColumns().isEmpty()) {
                    for (long i = 0; i < rows; i++) {
                        action.accept(emptyRow(requested));
                    }
                    continue;
                }
                readRowGroup(file, ch, size, g, rg, io, schema, requested, leafIndex, action);
            }
        } catch (NoSuchFileException e) {
            throw new ParquetFormatException("No such file or directory: '" + file + "'", e);
        } catch (IOException e) {
            throw new ParquetFormatException("Cannot read '" + file + "': " + e, e);
        }
    }

    /**
     * The schema of {@code file} as parquet-column's message type (converted from the footer's Thrift
     * schema; DECIMAL columns appear without their annotation).
     */
    public static MessageType schema(Path file) {
        ParquetFile pf = ParquetFile.open(file);
        return RecordSchema.of(file, pf.meta.getSchema()).type();
    }

    private static void readRowGroup(Path file, FileChannel ch, long size, int g, RowGroup rg, MessageColumnIO io,
            RecordSchema schema, MessageType requested, Map<List<String>, Integer> leafIndex, Consumer<? super Map<String, Object>> action) {
        long rows = rg.getNum_rows();
        RecordReader<Map<String, Object>> reader;
        try {
            RecordPages pages = new RecordPages(file.toString(), ch, size, g, rg, requested.getColumns(), leafIndex);
            reader = io.getRecordReader(pages, new RecordConverters.Materializer(requested, schema));
        } catch (ParquetFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ParquetFormatException("Cannot read row group " + g + " of '" + file + "': " + e, e);
        }
        for (long i = 0; i < rows; i++) {
            Map<String, Object> row;
            try {
                row = reader.read();
            } catch (ParquetFormatException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ParquetFormatException("Cannot read row " + i + " of row group " + g + " of '" + file + "': " + e, e);
            }
            if (row == null) {
                throw new ParquetFormatException("Cannot read row " + i + " of row group " + g + " of '" + file
                        + "': the column chunks end early");
            }
            action.accept(row);
        }
    }

    /** A row of the requested fields that have no columns (empty groups): all null. */
    private static Map<String, Object> emptyRow(MessageType requested) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Type t : requested.getFields()) {
            m.put(t.getName(), t.isRepetition(Type.Repetition.REPEATED) ? new ArrayList<>() : null);
        }
        return m;
    }

    private static MessageType project(MessageType schema, Set<String> columns) {
        if (columns == null) {
            return schema;
        }
        List<Type> keep = new ArrayList<>();
        for (Type t : schema.getFields()) {
            if (columns.contains(t.getName())) {
                keep.add(t);
            }
        }
        return new MessageType(schema.getName(), keep);
    }
}
