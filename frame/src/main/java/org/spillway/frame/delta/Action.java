package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One action of a Delta commit (one line of {@code _delta_log/NNN.json}, PROTOCOL.md "Actions"): how it
 * reads from and writes to JSON. Fields Spillway does not use are kept ({@link Other}, and unknown
 * keys of commitInfo) so that nothing another writer put in the log is lost by reading it.
 */
sealed interface Action {
    /** The action as a JSON line's object, e.g. {@code {"add": {...}}}. */
    ObjectNode toJson();

    /** {@code protocol}: the reader and writer versions, and table features from versions 3 and 7. */
    record Protocol(int minReaderVersion, int minWriterVersion, List<String> readerFeatures, List<String> writerFeatures)
            implements Action {
        @Override
        public ObjectNode toJson() {
            ObjectNode p = DeltaSchemas.JSON.createObjectNode();
            p.put("minReaderVersion", minReaderVersion);
            p.put("minWriterVersion", minWriterVersion);
            if (readerFeatures != null) {
                p.set("readerFeatures", DeltaSchemas.JSON.valueToTree(readerFeatures));
            }
            if (writerFeatures != null) {
                p.set("writerFeatures", DeltaSchemas.JSON.valueToTree(writerFeatures));
            }
            return wrap("protocol", p);
        }

        /** True if the table lists {@code feature} among its reader features. */
        boolean readerFeature(String feature) {
            return readerFeatures != null && readerFeatures.contains(feature);
        }

        /** True if the table lists {@code feature} among its writer features. */
        boolean writerFeature(String feature) {
            return writerFeatures != null && writerFeatures.contains(feature);
        }
    }

    /** {@code metaData}: the table's id, schema, partition columns and properties. */
    record Metadata(String id, String name, String description, String provider, Map<String, String> formatOptions,
                    String schemaString, List<String> partitionColumns, Map<String, String> configuration, Long createdTime)
            implements Action {
        @Override
        public ObjectNode toJson() {
            ObjectNode m = DeltaSchemas.JSON.createObjectNode();
            m.put("id", id);
            if (name != null) {
                m.put("name", name);
            }
            if (description != null) {
                m.put("description", description);
            }
            ObjectNode format = m.putObject("format");
            format.put("provider", provider);
            format.set("options", DeltaSchemas.JSON.valueToTree(formatOptions));
            m.put("schemaString", schemaString);
            m.set("partitionColumns", DeltaSchemas.JSON.valueToTree(partitionColumns));
            m.set("configuration", DeltaSchemas.JSON.valueToTree(configuration));
            if (createdTime != null) {
                m.put("createdTime", createdTime);
            }
            return wrap("metaData", m);
        }
    }

    /** A deletion vector's descriptor (PROTOCOL.md "Deletion Vector Descriptor Schema"). */
    record DeletionVector(String storageType, String pathOrInlineDv, Integer offset, int sizeInBytes, long cardinality) {
        /** The descriptor's identity within a table: storage type, path or inline data, and offset. */
        String uniqueId() {
            return storageType + pathOrInlineDv + (offset == null ? "" : "@" + offset);
        }

        ObjectNode toJson() {
            ObjectNode d = DeltaSchemas.JSON.createObjectNode();
            d.put("storageType", storageType);
            d.put("pathOrInlineDv", pathOrInlineDv);
            if (offset != null) {
                d.put("offset", offset);
            }
            d.put("sizeInBytes", sizeInBytes);
            d.put("cardinality", cardinality);
            return d;
        }

        static DeletionVector of(JsonNode n) {
            if (n == null || n.isNull() || n.isMissingNode()) {
                return null;
            }
            return new DeletionVector(n.path("storageType").asText(), n.path("pathOrInlineDv").asText(),
                    n.hasNonNull("offset") ? n.get("offset").asInt() : null, n.path("sizeInBytes").asInt(), n.path("cardinality").asLong());
        }
    }

    /** {@code add}: a data file (relative URI-encoded path, or absolute URI) joins the table. */
    record AddFile(String path, Map<String, String> partitionValues, long size, long modificationTime, boolean dataChange,
                   String stats, Map<String, String> tags, DeletionVector deletionVector) implements Action {
        @Override
        public ObjectNode toJson() {
            ObjectNode a = DeltaSchemas.JSON.createObjectNode();
            a.put("path", path);
            a.set("partitionValues", DeltaSchemas.JSON.valueToTree(partitionValues));
            a.put("size", size);
            a.put("modificationTime", modificationTime);
            a.put("dataChange", dataChange);
            if (stats != null) {
                a.put("stats", stats);
            }
            if (tags != null && !tags.isEmpty()) {
                a.set("tags", DeltaSchemas.JSON.valueToTree(tags));
            }
            if (deletionVector != null) {
                a.set("deletionVector", deletionVector.toJson());
            }
            return wrap("add", a);
        }

        /** The key of the file in a snapshot: its path and deletion vector. */
        String key() {
            return path + (deletionVector == null ? "" : "#" + deletionVector.uniqueId());
        }
    }

    /** {@code remove}: a data file leaves the table (a logical delete; the file stays until vacuum). */
    record RemoveFile(String path, Long deletionTimestamp, boolean dataChange, boolean extendedFileMetadata,
                      Map<String, String> partitionValues, Long size, DeletionVector deletionVector) implements Action {
        @Override
        public ObjectNode toJson() {
            ObjectNode r = DeltaSchemas.JSON.createObjectNode();
            r.put("path", path);
            if (deletionTimestamp != null) {
                r.put("deletionTimestamp", deletionTimestamp);
            }
            r.put("dataChange", dataChange);
            if (extendedFileMetadata) {
                r.put("extendedFileMetadata", true);
                r.set("partitionValues", DeltaSchemas.JSON.valueToTree(partitionValues));
                r.put("size", size);
            }
            if (deletionVector != null) {
                r.set("deletionVector", deletionVector.toJson());
            }
            return wrap("remove", r);
        }

        /** The key of the file it removes (path and deletion vector), as {@link AddFile#key()}. */
        String key() {
            return path + (deletionVector == null ? "" : "#" + deletionVector.uniqueId());
        }
    }

    /** {@code txn}: the last version an application committed (idempotent writes). */
    record Txn(String appId, long version, Long lastUpdated) implements Action {
        @Override
        public ObjectNode toJson() {
            ObjectNode t = DeltaSchemas.JSON.createObjectNode();
            t.put("appId", appId);
            t.put("version", version);
            if (lastUpdated != null) {
                t.put("lastUpdated", lastUpdated);
            }
            return wrap("txn", t);
        }
    }

    /** {@code commitInfo}: provenance (operation, parameters, metrics, timestamps), kept as JSON. */
    record CommitInfo(ObjectNode value) implements Action {
        @Override
        public ObjectNode toJson() {
            return wrap("commitInfo", value);
        }

        /** The in-commit timestamp, or null when the table does not record one. */
        Long inCommitTimestamp() {
            return value.hasNonNull("inCommitTimestamp") ? value.get("inCommitTimestamp").asLong() : null;
        }

        /** The operation, e.g. {@code WRITE}, {@code DELETE}, {@code MERGE}. */
        String operation() {
            return value.path("operation").asText(null);
        }
    }

    /** Any other action ({@code cdc}, {@code domainMetadata}, {@code checkpointMetadata}, ...), kept as JSON. */
    record Other(String key, JsonNode value) implements Action {
        @Override
        public ObjectNode toJson() {
            ObjectNode o = DeltaSchemas.JSON.createObjectNode();
            o.set(key, value);
            return o;
        }
    }

    private static ObjectNode wrap(String key, ObjectNode value) {
        ObjectNode o = DeltaSchemas.JSON.createObjectNode();
        o.set(key, value);
        return o;
    }

    /** The action of one JSON line's object. */
    static Action parse(JsonNode line) {
        if (!line.isObject() || line.size() != 1) {
            throw new IllegalArgumentException("an action must be an object with one key, not " + abbreviate(line.toString()));
        }
        var e = line.properties().iterator().next();
        JsonNode v = e.getValue();
        switch (e.getKey()) {
            case "add", "remove" -> require(e.getKey(), v, "path", JsonNode::isTextual);
            case "protocol" -> {
                require("protocol", v, "minReaderVersion", JsonNode::isIntegralNumber);
                require("protocol", v, "minWriterVersion", JsonNode::isIntegralNumber);
            }
            case "metaData" -> require("metaData", v, "schemaString", JsonNode::isTextual);
            case "txn" -> {
                require("txn", v, "appId", JsonNode::isTextual);
                require("txn", v, "version", JsonNode::isIntegralNumber);
            }
            default -> {
                // other actions are kept as they are (and ignored where unknown, as PROTOCOL.md asks)
            }
        }
        return switch (e.getKey()) {
            case "protocol" -> new Protocol(v.path("minReaderVersion").asInt(), v.path("minWriterVersion").asInt(),
                    strings(v.get("readerFeatures")), strings(v.get("writerFeatures")));
            case "metaData" -> new Metadata(v.path("id").asText(), v.path("name").asText(null), v.path("description").asText(null),
                    v.path("format").path("provider").asText("parquet"), stringMap(v.path("format").get("options")),
                    v.path("schemaString").asText(), strings(v.get("partitionColumns")), stringMap(v.get("configuration")),
                    v.hasNonNull("createdTime") ? v.get("createdTime").asLong() : null);
            case "add" -> new AddFile(v.path("path").asText(), stringMap(v.get("partitionValues")), v.path("size").asLong(),
                    v.path("modificationTime").asLong(), v.path("dataChange").asBoolean(true), v.path("stats").asText(null),
                    stringMap(v.get("tags")), DeletionVector.of(v.get("deletionVector")));
            case "remove" -> new RemoveFile(v.path("path").asText(), v.hasNonNull("deletionTimestamp") ? v.get("deletionTimestamp").asLong()
                    : null, v.path("dataChange").asBoolean(true), v.path("extendedFileMetadata").asBoolean(false),
                    stringMap(v.get("partitionValues")), v.hasNonNull("size") ? v.get("size").asLong() : null,
                    DeletionVector.of(v.get("deletionVector")));
            case "txn" -> new Txn(v.path("appId").asText(), v.path("version").asLong(),
                    v.hasNonNull("lastUpdated") ? v.get("lastUpdated").asLong() : null);
            case "commitInfo" -> new CommitInfo(v.isObject() ? (ObjectNode) v : DeltaSchemas.JSON.createObjectNode());
            default -> new Other(e.getKey(), v);
        };
    }

    /** Fails unless {@code action} has a field {@code field} of the right JSON type (a required field: Spillway would misread without it). */
    private static void require(String action, JsonNode v, String field, java.util.function.Predicate<JsonNode> type) {
        JsonNode f = v == null ? null : v.get(field);
        if (f == null || !type.test(f) || f.isTextual() && f.asText().isEmpty()) {
            throw new IllegalArgumentException("the " + action + " action has " + (f == null || f.isNull() ? "no" : "an invalid") + " '"
                    + field + "'" + (v == null ? "" : ": " + abbreviate(v.toString())));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || !n.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** A JSON object of strings (null values kept as null: a null partition value). */
    private static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            n.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        }
        return out;
    }
}
