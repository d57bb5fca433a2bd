package org.spillway.ml.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.ml.MlException;

/**
 * A search's checkpoint directory: {@code tuner.json} (the settings, written once), {@code trials.jsonl}
 * (one JSON line per finished trial, appended and forced to disk as each trial ends, so a killed run
 * loses at most the trials that were running) and whatever the caller stores beside them (the best
 * model). A torn last line (a kill during the append) is ignored on reading.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    /** The checkpoint in {@code dir} (created when first written). */
    public Checkpoint(Path dir) {
        this.dir = dir;
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** True if the directory holds a search's settings. */
    public boolean exists() {
        return Files.exists(dir.resolve("tuner.json"));
    }

    /** Writes the settings, atomically. */
    public void writeSettings(ObjectNode settings) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("tuner.json.tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(settings), StandardCharsets.UTF_8);
            move(tmp, dir.resolve("tuner.json"));
        } catch (IOException e) {
            throw new MlException("Cannot write the tuning checkpoint " + dir.resolve("tuner.json") + ": " + e.getMessage());
        }
    }

    /** Reads the settings. */
    public JsonNode readSettings() {
        Path f = dir.resolve("tuner.json");
        try {
            return JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MlException("Cannot read the tuning checkpoint " + f + ": " + e.getMessage());
        }
    }

    /** Appends a finished trial and forces it to disk. */
    public synchronized void append(TrialRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("trial", r.id());
        n.set("params", JSON.valueToTree(r.params()));
        n.put("status", r.status().name());
        n.put("metric", r.metric());
        n.put("iterations", r.iterations());
        ArrayNode h = n.putArray("history");
        r.history().forEach(h::add);
        if (r.error() != null) {
            n.put("error", r.error());
        }
        try {
            Files.createDirectories(dir);
            try (var ch = java.nio.channels.FileChannel.open(dir.resolve("trials.jsonl"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(java.nio.ByteBuffer.wrap((JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the tuning checkpoint in " + dir, e);
        }
    }

    /** The finished trials, in the order they finished (a torn last line is skipped). */
    public List<TrialRecord> trials() {
        Path f = dir.resolve("trials.jsonl");
        if (!Files.exists(f)) {
            return List.of();
        }
        List<TrialRecord> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    if (i == lines.size() - 1) {
                        break; // torn by a kill during the append
                    }
                    throw new MlException("Corrupt tuning checkpoint " + f + " at line " + (i + 1) + ": " + e.getMessage());
                }
                Map<String, Object> params = new LinkedHashMap<>();
                n.get("params").properties().forEach(e -> params.put(e.getKey(), value(e.getValue())));
                List<Double> hist = new ArrayList<>();
                n.get("history").forEach(v -> hist.add(v.asDouble()));
                out.add(new TrialRecord(n.get("trial").asInt(), params, TrialRecord.Status.valueOf(n.get("status").asText()),
                        n.get("metric").asDouble(), n.get("iterations").asInt(), hist, n.has("error") ? n.get("error").asText() : null));
            }
        } catch (IOException e) {
            throw new MlException("Cannot read the tuning checkpoint " + f + ": " + e.getMessage());
        }
        return out;
    }

    /** A JSON value as the Java value a sampler gives: Integer, Long, Double, Boolean or String. */
    public static Object value(JsonNode v) {
        if (v.isInt()) {
            return v.intValue();
        }
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.asText();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
