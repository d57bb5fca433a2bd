package org.spillway.frame.hudi;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The log files of merge-on-read file groups, {@code .<fileId>_<instant>.log.<version>_<writeToken>}, and
 * their blocks (Hudi's log format version 1): the magic {@code #HUDI#}, the block size (int64), the format
 * version and block type (int32 each), a header of (int32 key, int32 length, UTF-8 value) entries, the
 * content (int64 length, bytes), a footer of the same form and the block's total length (int64). Avro data
 * blocks hold the records (an int32 block version, an int32 record count, then per record an int32 length and
 * the record in Avro's binary encoding, with the schema of the header's {@code SCHEMA}).
 */
final class HudiLogFiles {
    /** Block types, by their ordinal in Hudi's {@code HoodieLogBlockType}. */
    static final int COMMAND_BLOCK = 0;
    static final int DELETE_BLOCK = 1;
    static final int AVRO_DATA_BLOCK = 3;
    /** Header keys, by their ordinal in Hudi's {@code HeaderMetadataType}. */
    static final int INSTANT_TIME = 0;
    static final int TARGET_INSTANT_TIME = 1;
    static final int SCHEMA = 2;

    private static final Pattern LOG_FILE = Pattern.compile("\\.(.+)_(\\d+)\\.log\\.(\\d+)_(.+)");
    private static final byte[] MAGIC = "#HUDI#".getBytes(StandardCharsets.US_ASCII);
    private static final String[] BLOCK_NAMES = {"command", "delete", "corrupt", "Avro data", "HFile data", "Parquet data", "CDC data"};

    /** A log file: its partition path, file group id, instant of its name, version and path. */
    record LogFile(String partition, String fileId, String instant, int version, String writeToken, Path path) {
        String groupKey() {
            return partition + "/" + fileId;
        }
    }

    /** One block of a log file: its type, header and content. */
    record Block(LogFile file, int type, Map<Integer, String> header, byte[] content) {
        String instant() {
            return header.get(INSTANT_TIME);
        }

        String typeName() {
            return type >= 0 && type < BLOCK_NAMES.length ? BLOCK_NAMES[type] : "unknown (" + type + ")";
        }
    }

    private HudiLogFiles() {
    }

    /** The log files of the table's partitions, by file group, then instant, version and write token. */
    static List<LogFile> list(HudiTimeline tl) {
        List<LogFile> out = new ArrayList<>();
        for (Path dir : HudiFileIndex.partitionDirs(tl)) {
            String partition = tl.table.relativize(dir).toString().replace(java.io.File.separatorChar, '/');
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Matcher m = LOG_FILE.matcher(f.getFileName().toString());
                    if (m.matches() && Files.isRegularFile(f)) {
                        out.add(new LogFile(partition, m.group(1), m.group(2), Integer.parseInt(m.group(3)), m.group(4), f));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                throw new HudiException("Hudi table " + tl.table + ": cannot list the log files of " + dir + ": " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparing(LogFile::groupKey).thenComparing(LogFile::instant).thenComparingInt(LogFile::version)
                .thenComparing(LogFile::writeToken));
        return out;
    }

    /** The blocks of a log file, in order. */
    static List<Block> blocks(HudiTimeline tl, LogFile f) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f.path());
        } catch (IOException e) {
            throw new HudiException("Hudi table " + tl.table + ": cannot read the log file " + f.path() + ": " + e.getMessage(), e);
        }
        List<Block> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            while (in.remaining() > 0) {
                int start = in.position();
                for (byte b : MAGIC) {
                    if (in.get() != b) {
                        throw new HudiException("Hudi table " + tl.table + ": the log file " + f.path() + " has no block magic at byte " + start
                                + " (a corrupt or truncated block)");
                    }
                }
                in.getLong(); // block size
                int formatVersion = in.getInt();
                if (formatVersion != 1) {
                    throw new HudiException("Hudi table " + tl.table + ": the log file " + f.path() + " has log format version " + formatVersion
                            + "; Spillway reads version 1");
                }
                int type = in.getInt();
                Map<Integer, String> header = metadata(in);
                byte[] content = new byte[Math.toIntExact(in.getLong())];
                in.get(content);
                metadata(in); // footer
                in.getLong(); // the block's total length
                out.add(new Block(f, type, header, content));
            }
        } catch (java.nio.BufferUnderflowException | ArithmeticException | NegativeArraySizeException e) {
            throw new HudiException("Hudi table " + tl.table + ": the log file " + f.path() + " is truncated or corrupt", e);
        }
        return out;
    }

    private static Map<Integer, String> metadata(ByteBuffer in) {
        Map<Integer, String> out = new HashMap<>();
        int n = in.getInt();
        for (int i = 0; i < n; i++) {
            int key = in.getInt();
            byte[] v = new byte[in.getInt()];
            in.get(v);
            out.put(key, new String(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The Avro schema of a version 3 delete block's content ({@code HoodieDeleteRecordList} of Hudi 1.0): per
     * deleted record its key, partition path and ordering value, the latter wrapped in a one-field record
     * of its type.
     */
    private static final String DELETE_LIST_SCHEMA = """
            {"type":"record","name":"HoodieDeleteRecordList","namespace":"org.apache.hudi.avro.model","fields":[
             {"name":"deleteRecordList","type":{"type":"array","items":{"type":"record","name":"HoodieDeleteRecord","fields":[
              {"name":"recordKey","type":["null","string"]},
              {"name":"partitionPath","type":["null","string"]},
              {"name":"orderingVal","type":["null",
               {"type":"record","name":"BooleanWrapper","fields":[{"name":"value","type":"boolean"}]},
               {"type":"record","name":"IntWrapper","fields":[{"name":"value","type":"int"}]},
               {"type":"record","name":"LongWrapper","fields":[{"name":"value","type":"long"}]},
               {"type":"record","name":"FloatWrapper","fields":[{"name":"value","type":"float"}]},
               {"type":"record","name":"DoubleWrapper","fields":[{"name":"value","type":"double"}]},
               {"type":"record","name":"BytesWrapper","fields":[{"name":"value","type":"bytes"}]},
               {"type":"record","name":"StringWrapper","fields":[{"name":"value","type":"string"}]},
               {"type":"record","name":"DateWrapper","fields":[{"name":"value","type":"int"}]},
               {"type":"record","name":"DecimalWrapper","fields":[{"name":"value",
                "type":{"type":"bytes","logicalType":"decimal","precision":30,"scale":15}}]},
               {"type":"record","name":"TimeMicrosWrapper","fields":[{"name":"value","type":"long"}]},
               {"type":"record","name":"TimestampMicrosWrapper","fields":[{"name":"value","type":"long"}]}]}]}}}]}""";

    /** A deleted record of a delete block: its key and its ordering value (null or 0: the natural order, always deletes). */
    record Delete(String recordKey, Object orderingValue) {
    }

    /** The deleted records of a delete block (block version 3: Avro; older versions, Java-serialized, are refused). */
    @SuppressWarnings("unchecked")
    static List<Delete> deletes(HudiTimeline tl, Block b) {
        try {
            ByteBuffer in = ByteBuffer.wrap(b.content());
            int version = in.getInt();
            if (version < 3) {
                throw new HudiException("Hudi table " + tl.table + ": the log file " + b.file().path() + " has a delete block of version "
                        + version + " (Java-serialized keys), which Spillway does not read; readOptimized() reads the base files");
            }
            byte[] data = new byte[in.getInt()];
            in.get(data);
            Map<String, Object> list = (Map<String, Object>) HudiAvro.decode(HudiAvro.parseSchema(DELETE_LIST_SCHEMA), data);
            List<Delete> out = new ArrayList<>();
            for (Object o : (List<Object>) list.get("deleteRecordList")) {
                Map<String, Object> d = (Map<String, Object>) o;
                Object ord = d.get("orderingVal") instanceof Map<?, ?> w ? w.get("value") : null;
                out.add(new Delete((String) d.get("recordKey"), ord));
            }
            return out;
        } catch (RuntimeException e) {
            if (e instanceof HudiException h) {
                throw h;
            }
            throw new HudiException("Hudi table " + tl.table + ": a delete block (instant " + b.instant() + ") of the log file "
                    + b.file().path() + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** The records of an Avro data block, each as a map from field name to value (logical types decoded). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> records(HudiTimeline tl, Block b) {
        String schemaText = b.header().get(SCHEMA);
        if (schemaText == null) {
            throw new HudiException("Hudi table " + tl.table + ": a data block of the log file " + b.file().path() + " has no schema");
        }
        try {
            JsonNode schema = HudiAvro.parseSchema(schemaText);
            ByteBuffer in = ByteBuffer.wrap(b.content());
            int version = in.getInt();
            int count = version > 1 ? in.getInt() : Integer.MAX_VALUE;
            List<Map<String, Object>> out = new ArrayList<>();
            for (int i = 0; i < count && in.remaining() > 0; i++) {
                byte[] rec = new byte[in.getInt()];
                in.get(rec);
                out.add((Map<String, Object>) HudiAvro.decode(schema, rec));
            }
            return out;
        } catch (RuntimeException e) {
            throw new HudiException("Hudi table " + tl.table + ": a data block (instant " + b.instant() + ") of the log file " + b.file().path()
                    + " is corrupt: " + e.getMessage(), e);
        }
    }
}
