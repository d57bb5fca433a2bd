package org.spillway.frame.hudi;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.DeletedRows;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.table.TableFile;
import org.spillway.frame.table.TableSnapshot;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * The snapshot view of a merge-on-read table: each file group's base file merged with the records of its
 * log files written after it (committed, at or before the instant), as Hudi 1.x merges them: per record
 * key the record with the greatest ordering value ({@code hoodie.table.precombine.field}) wins under
 * {@code EVENT_TIME_ORDERING}, ties and {@code COMMIT_TIME_ORDERING} going to the later write; a record with
 * {@code _hoodie_is_deleted = true} deletes its key, and so does a delete block's entry (unless, under
 * event-time ordering, the record it meets has a greater ordering value; a delete without one always
 * deletes). Log blocks rolled back by a command block are skipped.
 *
 * <p>Base rows that lose to a log record are left out by position (as deletion vectors are), so base
 * files are still scanned lazily; the log records themselves, and the key and ordering columns of each
 * base file that has log records, are held on the heap. Refused, naming the file: Parquet or HFile data
 * blocks, delete blocks of Hudi 0.x tables (table versions up to 6) or before block version 3, and
 * custom merge modes or payload classes (read those with
 * {@link HudiTable#readOptimized()}).
 */
final class HudiMergeOnRead {
    private static final String KEY = "_hoodie_record_key";
    private static final String IS_DELETED = "_hoodie_is_deleted";

    private HudiMergeOnRead() {
    }

    /** A winning log record: its values by field name, and whether it deletes its key. */
    private record LogRecord(Map<String, Object> values, boolean delete) {
    }

    static DataFrame snapshot(Spillway sw, HudiTimeline tl, String instant, HudiFileIndex.Slices slices, Schema schema, String spec) {
        String refusal = null;
        String mode = mergeMode(tl);
        String precombine = tl.property("hoodie.table.precombine.field");
        String ordering = precombine == null || precombine.isBlank() ? null : precombine;
        boolean eventTime = mode.equals("EVENT_TIME_ORDERING");
        if (!eventTime && !mode.equals("COMMIT_TIME_ORDERING")) {
            refusal = mode;
        }
        if (refusal == null && eventTime && (ordering == null || schema.indexOf(ordering) < 0)) {
            refusal = "event-time ordering without an ordering column in the files";
        }
        if (refusal == null && schema.indexOf(KEY) < 0) {
            refusal = "no " + KEY + " column (hoodie.populate.meta.fields=false)";
        }
        Map<String, HudiFileIndex.BaseFile> bases = new HashMap<>();
        for (HudiFileIndex.BaseFile b : slices.baseFiles()) {
            bases.put(b.groupKey(), b);
        }
        // the log records of each file group, merged among themselves in write order
        Map<String, Map<String, LogRecord>> byGroup = new LinkedHashMap<>();
        Map<String, List<HudiLogFiles.Block>> blocksByGroup = new LinkedHashMap<>();
        Set<String> rolledBack = new HashSet<>();
        for (HudiLogFiles.LogFile f : HudiLogFiles.list(tl)) {
            if (slices.replaced().contains(f.groupKey())) {
                continue;
            }
            HudiFileIndex.BaseFile base = bases.get(f.groupKey());
            for (HudiLogFiles.Block b : HudiLogFiles.blocks(tl, f)) {
                String t = b.instant();
                if (t == null || t.compareTo(instant) > 0 || base != null && t.compareTo(base.instant()) <= 0 || !tl.isCommitted(t)) {
                    continue;
                }
                if (refusal != null) {
                    throw new HudiException("Hudi table " + tl.table + " at instant " + instant + ": the log file " + f.path()
                            + " holds records, but Spillway does not merge log files under " + refusal + "; readOptimized() reads the base files");
                }
                if (b.type() == HudiLogFiles.COMMAND_BLOCK) {
                    rolledBack.add(b.header().get(HudiLogFiles.TARGET_INSTANT_TIME));
                } else if (b.type() == HudiLogFiles.AVRO_DATA_BLOCK || b.type() == HudiLogFiles.DELETE_BLOCK && tl.tableVersion >= 8) {
                    blocksByGroup.computeIfAbsent(f.groupKey(), k -> new ArrayList<>()).add(b);
                } else {
                    throw new HudiException("Hudi table " + tl.table + " at instant " + instant + ": the log file " + f.path() + " has a "
                            + b.typeName() + " block (instant " + t + "), which Spillway does not read yet; readOptimized() reads the base files");
                }
            }
        }
        for (Map.Entry<String, List<HudiLogFiles.Block>> e : blocksByGroup.entrySet()) {
            Map<String, LogRecord> records = new LinkedHashMap<>();
            for (HudiLogFiles.Block b : e.getValue()) {
                if (rolledBack.contains(b.instant())) {
                    continue;
                }
                if (b.type() == HudiLogFiles.DELETE_BLOCK) {
                    for (HudiLogFiles.Delete d : HudiLogFiles.deletes(tl, b)) {
                        Map<String, Object> values = new HashMap<>();
                        values.put(KEY, d.recordKey());
                        if (ordering != null) {
                            values.put(ordering, naturalOrder(d.orderingValue()) ? null
                                    : convert(tl, Map.of(ordering, d.orderingValue()), schema, b).get(ordering));
                        }
                        records.merge(d.recordKey(), new LogRecord(values, true), (old, neu) -> wins(neu, old, eventTime, ordering) ? neu : old);
                    }
                    continue;
                }
                for (Map<String, Object> r : HudiLogFiles.records(tl, b)) {
                    Map<String, Object> values = convert(tl, r, schema, b);
                    LogRecord rec = new LogRecord(values, Boolean.TRUE.equals(r.get(IS_DELETED)));
                    records.merge(String.valueOf(values.get(KEY)), rec, (old, neu) -> wins(neu, old, eventTime, ordering) ? neu : old);
                }
            }
            byGroup.put(e.getKey(), records);
        }
        // base rows that lose to a log record are deleted by position; log records that lose to their base row are dropped
        List<TableFile> files = new ArrayList<>();
        for (HudiFileIndex.BaseFile b : slices.baseFiles()) {
            Map<String, LogRecord> records = byGroup.get(b.groupKey());
            DeletedRows deleted = records == null || records.isEmpty() ? null : mergeBase(sw, b, records, schema, eventTime ? ordering : null, spec);
            // a file group's records all have its partition's values: its base file is pruned by them as copy-on-write files are
            files.add(new TableFile(b.path(), -1, new Object[0], HudiTable.pathStats(tl, b, schema), TableFile.Deletes.of(deleted)));
        }
        List<Object[]> logRows = new ArrayList<>();
        for (Map<String, LogRecord> records : byGroup.values()) {
            for (LogRecord r : records.values()) {
                if (!r.delete()) {
                    Object[] row = new Object[schema.size()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = r.values().get(schema.field(c).name());
                    }
                    logRows.add(row);
                }
            }
        }
        DataFrame logs = sw.createDataFrame(schema, logRows);
        if (files.isEmpty()) {
            return logs;
        }
        DataFrame base = sw.readTable(new TableSnapshot(spec, schema, null, null, new Schema(List.of()), files, null));
        return logRows.isEmpty() ? base : base.union(logs);
    }

    /**
     * How records of one key merge: {@code hoodie.record.merge.mode} (Hudi 1.x), else as Hudi 1.x infers it
     * from the payload class of older tables: {@code EVENT_TIME_ORDERING} for {@code DefaultHoodieRecordPayload}
     * and {@code EventTimeAvroPayload}, {@code COMMIT_TIME_ORDERING} for {@code OverwriteWithLatestAvroPayload}
     * (0.x's default); any other mode or payload is named, and refused.
     */
    static String mergeMode(HudiTimeline tl) {
        String mode = tl.property("hoodie.record.merge.mode");
        if (mode != null && !mode.isBlank()) {
            return mode.equals("EVENT_TIME_ORDERING") || mode.equals("COMMIT_TIME_ORDERING") ? mode : "the record merge mode " + mode;
        }
        String payload = tl.property("hoodie.compaction.payload.class");
        String simple = payload == null || payload.isBlank() ? "OverwriteWithLatestAvroPayload" : payload.substring(payload.lastIndexOf('.') + 1);
        return switch (simple) {
            case "DefaultHoodieRecordPayload", "EventTimeAvroPayload" -> "EVENT_TIME_ORDERING";
            case "OverwriteWithLatestAvroPayload" -> "COMMIT_TIME_ORDERING";
            default -> "the payload class " + payload;
        };
    }

    /**
     * {@code fileSchema} with the columns of the table's schema at {@code instant} (the {@code schema} of the
     * newest commit's metadata) that the base files lack, as a merge-on-read table has them while they are
     * only in log files; left out: partition fields the files drop, and nested types.
     */
    static Schema withLogColumns(HudiTimeline tl, String instant, Schema fileSchema, List<String> partitionFields) {
        String schemaText = null;
        List<HudiTimeline.Instant> commits = tl.dataCommits();
        for (int i = commits.size() - 1; i >= 0 && schemaText == null; i--) {
            if (commits.get(i).requestedTime().compareTo(instant) <= 0
                    && HudiFileIndex.metadata(tl, commits.get(i)).get("extraMetadata") instanceof Map<?, ?> extra
                    && extra.get("schema") instanceof String text && !text.isBlank()) {
                schemaText = text;
            }
        }
        if (schemaText == null) {
            return fileSchema;
        }
        List<org.spillway.spill.Field> fields = new ArrayList<>(fileSchema.fields());
        try {
            for (com.fasterxml.jackson.databind.JsonNode f : HudiAvro.parseSchema(schemaText).path("fields")) {
                String name = f.path("name").asText();
                DataType type = avroType(f.path("type"));
                if (fileSchema.indexOf(name) < 0 && !partitionFields.contains(name) && type != null) {
                    fields.add(new org.spillway.spill.Field(name, type));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new HudiException("Hudi table " + tl.table + ": the table schema in the metadata of its commits at or before " + instant
                    + " is unreadable: " + e.getMessage(), e);
        }
        return new Schema(fields);
    }

    /** The column type of an Avro field type (a nullable union's other branch), or null for types Spillway does not read. */
    private static DataType avroType(com.fasterxml.jackson.databind.JsonNode t) {
        if (t.isArray()) {
            com.fasterxml.jackson.databind.JsonNode other = null;
            for (com.fasterxml.jackson.databind.JsonNode b : t) {
                if (!b.asText().equals("null")) {
                    if (other != null) {
                        return null;
                    }
                    other = b;
                }
            }
            return other == null ? null : avroType(other);
        }
        String logical = t.path("logicalType").asText("");
        String base = t.isTextual() ? t.asText() : t.path("type").asText("");
        return switch (logical) {
            case "date" -> DataType.DATE;
            case "timestamp-millis", "timestamp-micros" -> DataType.TIMESTAMP;
            case "local-timestamp-millis", "local-timestamp-micros" -> DataType.TIMESTAMP_NTZ;
            case "decimal" -> DataType.decimal(t.path("precision").asInt(), t.path("scale").asInt(0));
            default -> switch (base) {
                case "string" -> DataType.STRING;
                case "int" -> DataType.INT32;
                case "long" -> DataType.INT64;
                case "float", "double" -> DataType.FLOAT64;
                case "boolean" -> DataType.BOOL;
                case "bytes", "fixed" -> DataType.BINARY;
                default -> null;
            };
        };
    }

    /**
     * Compares one base file's rows with the log records of its file group: returns the positions of the
     * base rows a log record replaces, and removes from {@code records} the log records their base row beats.
     */
    private static DeletedRows mergeBase(Spillway sw, HudiFileIndex.BaseFile b, Map<String, LogRecord> records, Schema schema, String ordering,
                                         String spec) {
        ParquetSource one = ParquetSource.ofFiles(spec, List.of(b.path()), schema, new Schema(List.of()), List.<Object[]>of(new Object[0]))
                .withRowIndex();
        List<String> cols = new ArrayList<>(List.of(KEY, ParquetSource.ROW_INDEX));
        if (ordering != null) {
            cols.add(ordering);
        }
        List<Long> positions = new ArrayList<>();
        for (Row r : sw.readParquet(one).select(cols.toArray(String[]::new)).rows()) {
            LogRecord log = records.get(String.valueOf(r.get(0)));
            if (log == null) {
                continue;
            }
            if (ordering != null && !(log.delete() && log.values().get(ordering) == null) && compare(log.values().get(ordering), r.get(2)) < 0) {
                records.remove(String.valueOf(r.get(0)));
            } else {
                positions.add(((Number) r.get(1)).longValue());
            }
        }
        long[] sorted = positions.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? null : new Positions(sorted);
    }

    /** Deleted rows as sorted positions. */
    private record Positions(long[] sorted) implements DeletedRows {
        @Override
        public long cardinality() {
            return sorted.length;
        }

        @Override
        public int keep(long start, int n, int[] keep) {
            int k = 0;
            int next = Arrays.binarySearch(sorted, start);
            next = next < 0 ? -next - 1 : next;
            for (int i = 0; i < n; i++) {
                if (next < sorted.length && sorted[next] == start + i) {
                    next++;
                } else {
                    keep[k++] = i;
                }
            }
            return k;
        }
    }

    /**
     * True if {@code neu} (written later) replaces {@code old}: always under commit-time ordering, and for a
     * delete in the natural order (no ordering value); else if its ordering value is not smaller.
     */
    private static boolean wins(LogRecord neu, LogRecord old, boolean eventTime, String ordering) {
        if (!eventTime || neu.delete() && neu.values().get(ordering) == null || old.delete() && old.values().get(ordering) == null) {
            return true;
        }
        return compare(neu.values().get(ordering), old.values().get(ordering)) >= 0;
    }

    /** True for a delete's ordering value that means "the natural order" (none, or Hudi's default 0). */
    private static boolean naturalOrder(Object v) {
        return v == null || v instanceof Number n && n.longValue() == 0 && !(v instanceof Double || v instanceof Float);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
        }
        return ((Comparable) a).compareTo(b);
    }

    /** A log record's values as the table schema's storage values (as {@code createDataFrame} takes them). */
    private static Map<String, Object> convert(HudiTimeline tl, Map<String, Object> r, Schema schema, HudiLogFiles.Block b) {
        Map<String, Object> out = new HashMap<>();
        for (int c = 0; c < schema.size(); c++) {
            String name = schema.field(c).name();
            Object v = r.get(name);
            DataType t = schema.type(c);
            try {
                out.put(name, v == null ? null : switch (t.kind()) {
                    case STRING -> v.toString();
                    case INT32 -> ((Number) v).intValue();
                    case INT64 -> ((Number) v).longValue();
                    case FLOAT64 -> ((Number) v).doubleValue();
                    case DATE -> v instanceof Number n ? LocalDate.ofEpochDay(n.longValue()) : v;
                    case DECIMAL, DECIMAL128 -> ((BigDecimal) v).setScale(t.scale());
                    default -> v;
                });
            } catch (ClassCastException | ArithmeticException e) {
                throw new HudiException("Hudi table " + tl.table + ": the log file " + b.file().path() + " (instant " + b.instant() + ") holds "
                        + v.getClass().getSimpleName() + " values for column '" + name + "' of type " + t, e);
            }
        }
        return out;
    }
}
