package org.spillway.frame.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * One Iceberg table metadata file (spec "Table Metadata", JSON serialization in Appendix C): the format
 * version, schemas, partition specs, snapshots, the snapshot log and the properties. Found from a table
 * directory as Hadoop tables keep it ({@code metadata/version-hint.text} naming {@code vN.metadata.json};
 * without a hint the highest {@code vN.metadata.json}, else the highest {@code NNNNN-uuid.metadata.json}),
 * or given as the path of a metadata file. Reading costs one small JSON parse; nothing is cached.
 */
final class IcebergMetadata {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The highest format version Spillway reads. */
    static final int MAX_FORMAT_VERSION = 3;
    private static final Pattern HADOOP_NAME = Pattern.compile("v(\\d+)(\\.gz)?\\.metadata\\.json");
    private static final Pattern METASTORE_NAME = Pattern.compile("(\\d+)-[0-9a-fA-F-]+(\\.gz)?\\.metadata\\.json");

    /** A snapshot (spec "Snapshots"). */
    record Snapshot(long id, Long parentId, long sequenceNumber, long timestampMs, String manifestList, List<String> manifests,
                    Map<String, String> summary, Integer schemaId) {
        String operation() {
            return summary.get("operation");
        }
    }

    /** An entry of the snapshot log: from {@code timestampMs} on, {@code snapshotId} was current. */
    record LogEntry(long timestampMs, long snapshotId) {
    }

    /** The table's directory, as given (for messages). */
    final Path table;
    /** The metadata file read. */
    final Path file;
    final int formatVersion;
    final String location;
    final Map<Integer, JsonNode> schemas;
    final int currentSchemaId;
    final Map<Integer, JsonNode> specs;
    final Map<String, String> properties;
    final Long currentSnapshotId;
    final List<Snapshot> snapshots;
    final List<LogEntry> snapshotLog;

    private IcebergMetadata(Path table, Path file, JsonNode root) {
        this.table = table;
        this.file = file;
        if (!root.isObject()) {
            throw corrupt(table, file, "it is not a JSON object");
        }
        JsonNode fv = root.get("format-version");
        if (fv == null || !fv.canConvertToInt()) {
            throw corrupt(table, file, "it has no format-version");
        }
        this.formatVersion = fv.asInt();
        if (formatVersion < 1 || formatVersion > MAX_FORMAT_VERSION) {
            throw new IcebergException("Iceberg table " + table + ": the metadata file " + file + " has format version " + formatVersion
                    + "; Spillway reads format versions 1 to " + MAX_FORMAT_VERSION);
        }
        this.location = root.path("location").asText(null);
        Map<Integer, JsonNode> sch = new LinkedHashMap<>();
        if (root.has("schemas")) {
            for (JsonNode s : root.get("schemas")) {
                sch.put(s.path("schema-id").asInt(0), s);
            }
            this.currentSchemaId = required(root, "current-schema-id").asInt();
        } else {
            JsonNode s = required(root, "schema");
            sch.put(s.path("schema-id").asInt(0), s);
            this.currentSchemaId = s.path("schema-id").asInt(0);
        }
        if (!sch.containsKey(currentSchemaId)) {
            throw corrupt(table, file, "its current schema " + currentSchemaId + " is not among its schemas " + sch.keySet());
        }
        this.schemas = Collections.unmodifiableMap(sch);
        Map<Integer, JsonNode> sp = new LinkedHashMap<>();
        if (root.has("partition-specs")) {
            for (JsonNode s : root.get("partition-specs")) {
                sp.put(s.path("spec-id").asInt(0), s.path("fields"));
            }
        } else if (root.has("partition-spec")) {
            sp.put(0, root.get("partition-spec"));
        }
        this.specs = Collections.unmodifiableMap(sp);
        Map<String, String> props = new LinkedHashMap<>();
        root.path("properties").properties().forEach(e -> props.put(e.getKey(), e.getValue().asText()));
        this.properties = Collections.unmodifiableMap(props);
        JsonNode cur = root.get("current-snapshot-id");
        this.currentSnapshotId = cur == null || cur.isNull() || cur.asLong() == -1 ? null : cur.asLong();
        List<Snapshot> snaps = new ArrayList<>();
        for (JsonNode s : root.path("snapshots")) {
            Map<String, String> summary = new LinkedHashMap<>();
            s.path("summary").properties().forEach(e -> summary.put(e.getKey(), e.getValue().asText()));
            List<String> manifests = new ArrayList<>();
            s.path("manifests").forEach(m -> manifests.add(m.asText()));
            JsonNode parent = s.get("parent-snapshot-id");
            JsonNode schemaId = s.get("schema-id");
            snaps.add(new Snapshot(required(s, "snapshot-id").asLong(), parent == null || parent.isNull() ? null : parent.asLong(),
                    s.path("sequence-number").asLong(0), required(s, "timestamp-ms").asLong(), s.path("manifest-list").asText(null),
                    List.copyOf(manifests), Collections.unmodifiableMap(summary),
                    schemaId == null || schemaId.isNull() ? null : schemaId.asInt()));
        }
        snaps.sort(java.util.Comparator.comparingLong(Snapshot::sequenceNumber).thenComparingLong(Snapshot::timestampMs));
        this.snapshots = List.copyOf(snaps);
        List<LogEntry> log = new ArrayList<>();
        for (JsonNode e : root.path("snapshot-log")) {
            log.add(new LogEntry(required(e, "timestamp-ms").asLong(), required(e, "snapshot-id").asLong()));
        }
        this.snapshotLog = List.copyOf(log);
        if (currentSnapshotId != null && snapshot(currentSnapshotId) == null) {
            throw corrupt(table, file, "its current snapshot " + currentSnapshotId + " is not among its snapshots");
        }
    }

    private JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw corrupt(table, file, "a required field '" + field + "' is missing");
        }
        return v;
    }

    private static IcebergException corrupt(Path table, Path file, String why) {
        return new IcebergException("Iceberg table " + table + ": the metadata file " + file + " is corrupt: " + why);
    }

    /** The snapshot with {@code id}, or null. */
    Snapshot snapshot(long id) {
        for (Snapshot s : snapshots) {
            if (s.id() == id) {
                return s;
            }
        }
        return null;
    }

    /** The JSON schema a snapshot is read with: the snapshot's own where it names one, else the current one. */
    JsonNode schemaOf(Snapshot s) {
        if (s != null && s.schemaId() != null && schemas.containsKey(s.schemaId())) {
            return schemas.get(s.schemaId());
        }
        return schemas.get(currentSchemaId);
    }

    /** The metadata of the table at {@code path}: a table directory or a metadata file. */
    static IcebergMetadata load(Path path) {
        Path file = locate(path);
        Path table = Files.isDirectory(path) ? path : tableOf(file);
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz.metadata.json") || file.toString().endsWith(".gz")
                     ? new GZIPInputStream(raw) : raw) {
            return new IcebergMetadata(table, file, JSON.readTree(in));
        } catch (NoSuchFileException e) {
            throw new IcebergException("Iceberg table " + table + ": the metadata file " + file + " is missing", e);
        } catch (IOException e) {
            throw corrupt(table, file, "it is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** The table directory of a metadata file: the parent of its {@code metadata/} directory. */
    private static Path tableOf(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("metadata") && dir.getParent() != null
                ? dir.getParent() : dir;
    }

    /** The metadata file to read for {@code path}. */
    static Path locate(Path path) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new IcebergException("No Iceberg table at " + path + ": no such directory or metadata file");
        }
        Path meta = path.resolve("metadata");
        if (!Files.isDirectory(meta)) {
            throw new IcebergException("No Iceberg table at " + path + ": it has no metadata/ directory");
        }
        Path hint = meta.resolve("version-hint.text");
        if (Files.isRegularFile(hint)) {
            try {
                String text = Files.readString(hint).trim();
                long v = Long.parseLong(text);
                // a writer may have committed after writing the hint (HadoopTableOperations probes on as well)
                while (Files.exists(meta.resolve("v" + (v + 1) + ".metadata.json"))) {
                    v++;
                }
                Path f = meta.resolve("v" + v + ".metadata.json");
                if (Files.exists(f)) {
                    return f;
                }
                Path gz = meta.resolve("v" + v + ".gz.metadata.json");
                if (Files.exists(gz)) {
                    return gz;
                }
                throw new IcebergException("Iceberg table " + path + ": " + hint + " names version " + v + ", but the metadata file " + f
                        + " is missing");
            } catch (IOException | NumberFormatException e) {
                // an unreadable hint: fall back to listing, as Iceberg's HadoopTableOperations does
            }
        }
        Path best = null;
        long bestVersion = -1;
        boolean bestHadoop = false;
        try (var files = Files.list(meta)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                Matcher h = HADOOP_NAME.matcher(name);
                Matcher m = METASTORE_NAME.matcher(name);
                boolean hadoop = h.matches();
                if (!hadoop && !m.matches()) {
                    continue;
                }
                long v = Long.parseLong(hadoop ? h.group(1) : m.group(1));
                // Hadoop-style names win over metastore-style ones; within a style the highest version
                if (best == null || hadoop && !bestHadoop || hadoop == bestHadoop && v > bestVersion) {
                    best = f;
                    bestVersion = v;
                    bestHadoop = hadoop;
                }
            }
        } catch (IOException e) {
            throw new IcebergException("Iceberg table " + path + ": cannot list " + meta + ": " + e.getMessage(), e);
        }
        if (best == null) {
            throw new IcebergException("No Iceberg table at " + path + ": " + meta + " holds no *.metadata.json file");
        }
        return best;
    }

    /**
     * The local path of a file the metadata names (a manifest list, manifest, data or delete file).
     * A file under the table's recorded {@code location} is found under the directory read when the table
     * was moved there (copied from another directory or machine, downloaded from object storage, committed
     * as test data): the location is compared after normalising {@code file:} URIs and trailing slashes,
     * whatever its scheme ({@code s3://}, {@code hdfs://}, ...; {@code s3a:}/{@code s3n:} count as
     * {@code s3:}), and the rest of the path is taken under the table directory. Otherwise a {@code file:}
     * URI or a plain path (a relative one, as format v4 allows, against the table location); other schemes
     * are refused.
     */
    Path resolve(String location, String what) {
        Path moved = relocate(location, what);
        if (moved != null) {
            return moved;
        }
        if (location.startsWith("file:")) {
            return fileUri(location);
        }
        if (hasScheme(location)) {
            throw new IcebergException("Iceberg table " + table + ": " + what + " " + location + " is not on the local file system"
                    + (this.location == null ? "" : " and not under the table's location " + this.location)
                    + "; Spillway reads local paths and file: URIs, and files under the table's location from the directory read");
        }
        Path p = Path.of(location);
        return p.isAbsolute() ? p : location(what).resolve(location);
    }

    /**
     * A {@code file:} location ({@code file:/x}, {@code file:///x}, {@code file://localhost/x}) as a path, its characters
     * taken literally as Iceberg's file IO (Hadoop's, PyArrow's) takes them: not percent-decoded, so the partition
     * directory {@code data/cat=a%2Fb+c} that a writer URL-encoded a value into is that name on disk.
     */
    private static Path fileUri(String location) {
        String p = location.substring("file:".length());
        if (p.startsWith("//")) {
            String rest = p.substring(2);
            int slash = rest.indexOf('/');
            String host = slash < 0 ? rest : rest.substring(0, slash);
            if (host.isEmpty() || host.equalsIgnoreCase("localhost")) {
                p = slash < 0 ? "/" : rest.substring(slash);
            }
        }
        if (p.matches("^/[A-Za-z]:[/\\\\].*")) {
            p = p.substring(1); // file:///C:/x
        }
        return Path.of(p);
    }

    /** True for a URI with a scheme other than a Windows drive letter. */
    private static boolean hasScheme(String location) {
        return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !location.matches("^[a-zA-Z]:[\\\\/].*");
    }

    /** A local location ({@code file:} URI or absolute path) as a normalised absolute path, else null. */
    private static Path localPath(String location) {
        if (location.startsWith("file:")) {
            return fileUri(location).toAbsolutePath().normalize();
        }
        if (hasScheme(location)) {
            return null;
        }
        Path p = Path.of(location);
        return p.isAbsolute() ? p.normalize() : null;
    }

    /** A non-local location as {@code scheme://rest}, the scheme in lower case (s3a, s3n: s3), no trailing slashes. */
    private static String remote(String location) {
        int colon = location.indexOf(':');
        String scheme = location.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        scheme = switch (scheme) {
            case "s3a", "s3n" -> "s3";
            default -> scheme;
        };
        String rest = location.substring(colon + 1);
        rest = rest.startsWith("//") ? rest.substring(2) : rest;
        int end = rest.length();
        while (end > 0 && rest.charAt(end - 1) == '/') {
            end--;
        }
        return scheme + "://" + rest.substring(0, end);
    }

    /**
     * {@code location} under the table directory read, when it lies under the table's recorded location and
     * the table was moved (the recorded location is not the directory read); else null.
     */
    private Path relocate(String location, String what) {
        if (this.location == null || this.location.isBlank()) {
            return null;
        }
        Path root = table.toAbsolutePath().normalize();
        Path recorded = localPath(this.location);
        String rest;
        if (recorded != null) {
            Path p = localPath(location);
            if (recorded.equals(root) || p == null || !p.startsWith(recorded)) {
                return null;
            }
            rest = recorded.relativize(p).toString();
        } else if (hasScheme(this.location) && hasScheme(location) && !location.startsWith("file:")) {
            String base = remote(this.location);
            String r = remote(location);
            if (r.equals(base)) {
                rest = "";
            } else if (r.startsWith(base + "/")) {
                rest = r.substring(base.length() + 1).replaceFirst("^/+", "");
            } else {
                return null;
            }
        } else {
            return null;
        }
        Path moved = root.resolve(rest).normalize();
        if (!moved.startsWith(root)) {
            throw new IcebergException("Iceberg table " + table + ": " + what + " " + location + " leads out of the table's location "
                    + this.location);
        }
        return moved;
    }

    /** The table location as a local path (the directory read when the metadata names none usable, or the table was moved). */
    private Path location(String what) {
        Path recorded = this.location == null ? null : localPath(this.location);
        return recorded == null ? table : relocate(this.location, what) instanceof Path p ? p : recorded;
    }
}
