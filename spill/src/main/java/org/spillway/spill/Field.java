package org.spillway.spill;

import java.util.Map;
import java.util.Objects;

/**
 * A named, typed column of a {@link Schema}, with optional string metadata.
 *
 * <p>Metadata describes what a column <em>means</em> beyond its type, as Arrow's and Spark's field
 * metadata do; the ML module, for example, marks an int32 column as the category codes of a one-hot
 * encoding. It follows a column through selects, filters, sorts, limits and collects, and is dropped
 * by anything that computes a new column from it.
 *
 * @param name     the column name, unique within its schema
 * @param type     the column's type
 * @param metadata key/value pairs (unmodifiable, empty for most columns)
 */
public record Field(String name, DataType type, Map<String, String> metadata) {
    /** Checks the parts are present and freezes the metadata. */
    public Field {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Map.copyOf(metadata);
    }

    /** A field without metadata. */
    public Field(String name, DataType type) {
        this(name, type, Map.of());
    }

    /** This field with {@code metadata} instead of its own. */
    public Field withMetadata(Map<String, String> metadata) {
        return new Field(name, type, metadata);
    }

    /** The same name and type (metadata aside). */
    public boolean sameNameAndType(Field other) {
        return name.equals(other.name) && type == other.type;
    }

    @Override
    public String toString() {
        return name + ": " + type;
    }
}
