package org.spillway.frame.testkit;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.deletionvectors.Base85Codec;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import org.roaringbitmap.RoaringBitmap;

/**
 * The deletion-vector writer of {@link DeltaKernelOracle#deleteRows}: Kernel reads deletion vectors but
 * cannot write them, so this writes them as Delta does (a {@code deletion_vector_<uuid>.bin} file or
 * inline Z85 text) and commits the remove and re-add through Kernel's log.
 */
final class DeltaKernelDeletes {
    private DeltaKernelDeletes() {
    }

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
    static long deleteRows(Path table, Predicate<List<Object>> where, boolean inline) {
        Snapshot snapshot = DeltaKernelOracle.snapshot(table, null);
        if (!snapshot.getProtocol().getReaderFeatures().contains("deletionVectors")) {
            throw new IllegalStateException("the table at " + table + " does not support deletion vectors"
                    + " (create it with delta.enableDeletionVectors=true)");
        }
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(DeltaKernelOracle.ENGINE);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
        ObjectMapper json = new ObjectMapper();
        long now = System.currentTimeMillis();
        List<String> actions = new ArrayList<>();
        ByteArrayOutputStream dvFile = new ByteArrayOutputStream();
        dvFile.write(1); // format version
        UUID dvFileId = UUID.randomUUID();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(DeltaKernelOracle.ENGINE, true)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> scanFileRows = scanFiles.next().getRows()) {
                    while (scanFileRows.hasNext()) {
                        Row scanFile = scanFileRows.next();
                        RoaringBitmap deleted = deletedRows(scanState, physicalSchema, scanFile, where);
                        if (deleted == null) {
                            continue; // no row of this file matches
                        }
                        byte[] bitmap = serialize(deleted);
                        ObjectNode dv = json.createObjectNode();
                        if (inline) {
                            dv.put("storageType", "i").put("pathOrInlineDv", Base85Codec.encodeBytes(bitmap));
                        } else {
                            dv.put("storageType", "u").put("pathOrInlineDv", Base85Codec.encodeUUID(dvFileId)).put("offset", dvFile.size());
                            DataOutputStream out = new DataOutputStream(dvFile);
                            out.writeInt(bitmap.length);
                            out.write(bitmap);
                            CRC32 crc = new CRC32();
                            crc.update(bitmap);
                            out.writeInt((int) crc.getValue());
                        }
                        dv.put("sizeInBytes", bitmap.length).put("cardinality", deleted.getLongCardinality());
                        actions.addAll(removeAndAdd(json, scanFile, dv, now));
                    }
                }
            }
            if (actions.isEmpty()) {
                return snapshot.getVersion();
            }
            if (!inline) {
                Files.write(table.resolve("deletion_vector_" + dvFileId + ".bin"), dvFile.toByteArray(), StandardOpenOption.CREATE_NEW);
            }
            ObjectNode commitInfo = json.createObjectNode();
            commitInfo.putObject("commitInfo").put("timestamp", now).put("operation", "DELETE")
                    .put("engineInfo", "spillway-tests").put("isBlindAppend", false)
                    .putObject("operationParameters").put("predicate", "[\"spillway test predicate\"]");
            actions.addFirst(json.writeValueAsString(commitInfo));
            long version = snapshot.getVersion() + 1;
            Path commit = table.resolve("_delta_log").resolve(String.format(Locale.ROOT, "%020d.json", version));
            Files.writeString(commit, String.join("\n", actions) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The row indexes of the file deleted once {@code where} is applied (old ones too), or null if none is new. */
    private static RoaringBitmap deletedRows(Row scanState, StructType physicalSchema, Row scanFile, Predicate<List<Object>> where)
            throws IOException {
        RoaringBitmap deleted = new RoaringBitmap();
        boolean matched = false;
        int rowIndex = 0;
        FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
        CloseableIterator<ColumnarBatch> physical = DeltaKernelOracle.ENGINE.getParquetHandler()
                .readParquetFiles(DeltaKernelOracle.singleton(file), physicalSchema, Optional.empty()).map(FileReadResult::getData);
        try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(DeltaKernelOracle.ENGINE, scanState, scanFile, physical)) {
            while (data.hasNext()) {
                FilteredColumnarBatch batch = data.next();
                List<List<Object>> rows = new ArrayList<>();
                DeltaKernelOracle.addRows(new FilteredColumnarBatch(batch.getData(), Optional.empty()), rows);
                Optional<ColumnVector> selection = batch.getSelectionVector();
                for (int i = 0; i < rows.size(); i++, rowIndex++) {
                    boolean live = selection.isEmpty() || !selection.get().isNullAt(i) && selection.get().getBoolean(i);
                    if (!live) {
                        deleted.add(rowIndex);
                    } else if (where.test(rows.get(i))) {
                        deleted.add(rowIndex);
                        matched = true;
                    }
                }
            }
        }
        return matched ? deleted : null;
    }

    /** A deletion vector's bitmap in the portable RoaringBitmapArray format (row indexes below 2^31 only). */
    private static byte[] serialize(RoaringBitmap rows) {
        rows.runOptimize();
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 4 + rows.serializedSizeInBytes()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1681511377); // magic number of the portable format
        b.putLong(1); // one 32-bit bitmap,
        b.putInt(0); // for the high 32 bits 0
        rows.serialize(b);
        return b.array();
    }

    /** The remove action of the scan file's add action and the add action again with {@code dv}, as JSON lines. */
    private static List<String> removeAndAdd(ObjectMapper json, Row scanFile, ObjectNode dv, long now) throws JsonProcessingException {
        Row add = scanFile.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
        StructType addSchema = add.getSchema();
        String path = add.getString(addSchema.indexOf("path"));
        long size = add.getLong(addSchema.indexOf("size"));
        Map<String, String> partitionValues = InternalScanFileUtils.getPartitionValues(scanFile);
        DeletionVectorDescriptor old = InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile);

        ObjectNode remove = json.createObjectNode();
        ObjectNode r = remove.putObject("remove").put("path", path).put("deletionTimestamp", now).put("dataChange", true)
                .put("extendedFileMetadata", true);
        r.set("partitionValues", json.valueToTree(partitionValues));
        r.put("size", size);
        if (old != null) {
            ObjectNode o = r.putObject("deletionVector").put("storageType", old.getStorageType())
                    .put("pathOrInlineDv", old.getPathOrInlineDv());
            old.getOffset().ifPresent(off -> o.put("offset", off));
            o.put("sizeInBytes", old.getSizeInBytes()).put("cardinality", old.getCardinality());
        }

        ObjectNode again = json.createObjectNode();
        ObjectNode a = again.putObject("add").put("path", path);
        a.set("partitionValues", json.valueToTree(partitionValues));
        a.put("size", size).put("modificationTime", add.getLong(addSchema.indexOf("modificationTime"))).put("dataChange", true);
        int statsAt = addSchema.indexOf("stats");
        if (statsAt >= 0 && !add.isNullAt(statsAt)) {
            ObjectNode stats = (ObjectNode) json.readTree(add.getString(statsAt));
            stats.put("tightBounds", false); // numRecords still counts every row of the file
            a.put("stats", json.writeValueAsString(stats));
        }
        a.set("deletionVector", dv);
        return List.of(json.writeValueAsString(remove), json.writeValueAsString(again));
    }
}
