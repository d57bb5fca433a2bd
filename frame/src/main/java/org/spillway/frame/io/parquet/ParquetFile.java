package org.spillway.frame.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.spillway.frame.io.ParquetFormatException;

/** One Parquet file's footer, read and checked: its top-level columns and row groups. */
final class ParquetFile {
    /**
     * A top-level column of the file.
     *
     * @param name    the column name
     * @param leaf    index of its column chunk in each row group (first leaf for groups)
     * @param element the schema element
     * @param mapping how it is decoded, or null when Spillway cannot represent it
     * @param maxDef  the maximum definition level (0 = required, 1 = optional)
     * @param unsupported what the column is when {@code mapping} is null (e.g. {@code DECIMAL(10,2)}), else null
     */
    record Column(String name, int leaf, SchemaElement element, ParquetTypes.Mapping mapping, int maxDef, String unsupported) {
    }

    final Path path;
    final FileMetaData meta;
    final List<Column> columns;

    private ParquetFile(Path path, FileMetaData meta, List<Column> columns) {
        this.path = path;
        this.meta = meta;
        this.columns = columns;
    }

    /** Reads and checks the footer of {@code path}. */
    static ParquetFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 12) {
                throw new ParquetFormatException("Not a Parquet file: '" + path + "' has " + size
                        + " bytes, fewer than a Parquet file's 12 bytes of magic and footer length");
            }
            ByteBuffer head = ByteBuffer.allocate(4);
            readFully(ch, head, 0);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, tail, size - 8);
            String headMagic = new String(head.array(), StandardCharsets.ISO_8859_1);
            String tailMagic = new String(tail.array(), 4, 4, StandardCharsets.ISO_8859_1);
            if (tailMagic.equals("PARE") || headMagic.equals("PARE")) {
                throw new ParquetFormatException("Cannot read '" + path + "': encrypted Parquet is not supported");
            }
            if (!headMagic.equals("PAR1") && !tailMagic.equals("PAR1")) {
                throw new ParquetFormatException("Not a Parquet file: '" + path + "' has no PAR1 magic at its start or end");
            }
            if (!headMagic.equals("PAR1")) {
                throw new ParquetFormatException("Not a Parquet file: '" + path + "' does not start with the PAR1 magic");
            }
            if (!tailMagic.equals("PAR1")) {
                throw new ParquetFormatException("Truncated or corrupt Parquet file: '" + path
                        + "' does not end with the PAR1 magic (was it fully written?)");
            }
            int footerLen = tail.getInt(0);
            if (footerLen <= 0 || footerLen > size - 12) {
                throw new ParquetFormatException("Corrupt Parquet file: '" + path + "' declares a footer of " + footerLen
                        + " bytes in a file of " + size + " bytes");
            }
            ByteBuffer footer = ByteBuffer.allocate(footerLen);
            readFully(ch, footer, size - 8 - footerLen);
            FileMetaData meta;
            try {
                meta = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
            } catch (IOException | RuntimeException e) {
                throw new ParquetFormatException("Corrupt Parquet footer in '" + path + "': " + e.getMessage(), e);
            }
            if (meta.isSetEncryption_algorithm()) {
                throw new ParquetFormatException("Cannot read '" + path + "': encrypted Parquet is not supported");
            }
            return new ParquetFile(path, meta, columns(path, meta));
        } catch (NoSuchFileException e) {
            throw new ParquetFormatException("No such file or directory: '" + path + "'", e);
        } catch (IOException e) {
            throw new ParquetFormatException("Cannot read '" + path + "': " + e, e);
        }
    }

    static void readFully(FileChannel ch, ByteBuffer bb, long pos) throws IOException {
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
        bb.flip();
    }

    private static List<Column> columns(Path path, FileMetaData meta) {
        List<SchemaElement> s = meta.getSchema();
        if (s == null || s.isEmpty()) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + path + "': no schema");
        }
        List<Column> out = new ArrayList<>();
        int[] pos = {1};
        int[] leaf = {0};
        int children = s.get(0).getNum_children();
        for (int c = 0; c < children; c++) {
            if (pos[0] >= s.size()) {
                throw new ParquetFormatException("Corrupt Parquet footer in '" + path + "': the schema ends early");
            }
            SchemaElement e = s.get(pos[0]);
            int firstLeaf = leaf[0];
            if (e.isSetNum_children() && e.getNum_children() > 0) {
                skipGroup(path, s, pos, leaf);
                String kind = e.isSetConverted_type() && e.getConverted_type() == ConvertedType.LIST ? "LIST"
                        : e.isSetConverted_type() && (e.getConverted_type() == ConvertedType.MAP
                        || e.getConverted_type() == ConvertedType.MAP_KEY_VALUE) ? "MAP"
                        : e.isSetLogicalType() && e.getLogicalType().isSetLIST() ? "LIST"
                        : e.isSetLogicalType() && e.getLogicalType().isSetMAP() ? "MAP" : "STRUCT";
                out.add(new Column(e.getName(), firstLeaf, e, null, 0, kind));
            } else {
                pos[0]++;
                leaf[0]++;
                ParquetTypes.Mapping m = ParquetTypes.map(e);
                int maxDef = e.isSetRepetition_type() && e.getRepetition_type() == FieldRepetitionType.REQUIRED ? 0 : 1;
                out.add(new Column(e.getName(), firstLeaf, e, m, maxDef, m == null ? ParquetTypes.describe(e) : null));
            }
        }
        return out;
    }

    private static void skipGroup(Path path, List<SchemaElement> s, int[] pos, int[] leaf) {
        SchemaElement e = s.get(pos[0]++);
        int n = e.isSetNum_children() ? e.getNum_children() : 0;
        if (n == 0) {
            leaf[0]++;
            return;
        }
        for (int i = 0; i < n; i++) {
            if (pos[0] >= s.size()) {
                throw new ParquetFormatException("Corrupt Parquet footer in '" + path + "': the schema ends early");
            }
            skipGroup(path, s, pos, leaf);
        }
    }
}
