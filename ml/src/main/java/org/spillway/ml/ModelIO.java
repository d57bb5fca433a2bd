package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The JSON model format: one object with {@code "format": "spillway-model"}, a format
 * {@code "version"} (this library writes {@value #VERSION} and reads versions up to it), the model's
 * {@code "type"} and its fields under {@code "model"}. Files are written to a temporary sibling and
 * renamed, so a failed save never leaves a half-written model where a good one was.
 *
 * <p>For model implementations: a model class implements {@link Persistable} and its type is
 * registered with {@link #register}. The readers of this library's own models are registered by a
 * {@link Readers} found with {@link ServiceLoader} on first use, so this class, which every model
 * depends on, depends on none of them.
 */
public final class ModelIO {
    /** The format version written. */
    public static final int VERSION = 1;
    /** The value of the {@code "format"} field. */
    public static final String FORMAT = "spillway-model";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, Function<JsonNode, Model>> READERS = new ConcurrentHashMap<>();
    private static volatile boolean providersLoaded;

    private ModelIO() {
    }

    /** A model that can write itself as JSON. */
    public interface Persistable {
        /** The registered type name, e.g. {@code "LogisticRegressionModel"}. */
        String modelType();

        /** Writes the model's fields into {@code out}. */
        void writeJson(ObjectNode out);
    }

    /**
     * Registers the readers of a set of model types when a model is first read; listed in
     * {@code META-INF/services/org.spillway.ml.ModelIO$Readers} and found with {@link ServiceLoader}.
     */
    public interface Readers {
        /** Calls {@link ModelIO#register} for each model type it knows. */
        void registerAll();
    }

    /** Registers the reader of a model type (for models outside this library). */
    public static void register(String type, Function<JsonNode, Model> reader) {
        READERS.put(type, reader);
    }

    /** A new empty JSON object, for {@link Persistable#writeJson} implementations that nest objects. */
    public static ObjectNode newObject() {
        return JSON.createObjectNode();
    }

    /** The model as a JSON document (the content {@link #save} writes). */
    public static ObjectNode toJson(Model model) {
        if (!(model instanceof Persistable p)) {
            throw new MlException("A " + model.getClass().getSimpleName() + " cannot be saved: it does not implement ModelIO.Persistable");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("type", p.modelType());
        ObjectNode body = root.putObject("model");
        p.writeJson(body);
        return root;
    }

    /** Reads a model from a document written by {@link #toJson}; {@code source} names it in errors. */
    public static Model fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new MlException(source + " is not a Spillway model file (no \"format\": \"" + FORMAT + "\" field)");
        }
        int version = root.path("version").asInt(-1);
        if (version < 1) {
            throw new MlException(source + ": the model format version is missing or invalid");
        }
        if (version > VERSION) {
            throw new MlException(source + " was written in model format version " + version + ", newer than this library's "
                    + VERSION + "; load it with a newer Spillway");
        }
        String type = root.path("type").asText("");
        Function<JsonNode, Model> reader = readers().get(type);
        if (reader == null) {
            throw new MlException(source + ": unknown model type '" + type + "'; known types: " + readers().keySet());
        }
        JsonNode body = root.get("model");
        if (body == null || !body.isObject()) {
            throw new MlException(source + ": the \"model\" object is missing");
        }
        try {
            return reader.apply(body);
        } catch (MlException e) {
            throw new MlException(source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MlException(source + ": the " + type + " is corrupt (" + e + ")", e);
        }
    }

    /** Writes {@code model} to {@code path} as JSON, atomically. */
    public static void save(Model model, Path path) {
        ObjectNode doc = toJson(model);
        Path abs = path.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            JSON.writeValue(tmp.toFile(), doc);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; the message below says so
            }
            throw new MlException("Cannot save the model to " + abs + ": " + e.getMessage(), e);
        }
    }

    /** Reads a model saved by {@link #save}. */
    public static Model load(Path path) {
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MlException("Cannot load the model " + path + ": it is not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        } catch (IOException e) {
            throw new MlException("Cannot load the model " + path + ": " + e.getMessage(), e);
        }
        return fromJson(root, path.toString());
    }

    private static Map<String, Function<JsonNode, Model>> readers() {
        if (!providersLoaded) {
            synchronized (ModelIO.class) {
                if (!providersLoaded) {
                    for (Readers r : ServiceLoader.load(Readers.class, ModelIO.class.getClassLoader())) {
                        r.registerAll();
                    }
                    providersLoaded = true;
                }
            }
        }
        return READERS;
    }
}
