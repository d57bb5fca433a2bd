package org.spillway.frame.io.parquet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The schema of the rows a {@link ParquetRecordWriter} writes: top-level fields, each a primitive
 * (string, int32, int64, bool, float64, binary), a struct of fields, a list of an element or a map of
 * a key to a value, nested to any depth. Every field is optional (nullable) unless made
 * {@link Field#notNull()}; map keys are always required, as the format demands.
 *
 * <p>Example, a Delta checkpoint's {@code protocol} and {@code add} (shortened):
 * <pre>{@code
 * ParquetRecordSchema schema = ParquetRecordSchema.of(
 *     struct("protocol", int32("minReaderVersion"), int32("minWriterVersion"),
 *         list("readerFeatures", string("element")), list("writerFeatures", string("element"))),
 *     struct("add", string("path"), map("partitionValues", string("key"), string("value")),
 *         int64("size"), int64("modificationTime"), bool("dataChange"), string("stats")));
 * }</pre>
 *
 * <p>The Parquet layout ({@link ParquetRecordWriter}) is Spark's and parquet-java's: a struct is a
 * group; a list the standard 3-level form ({@code <name> (LIST)} / {@code repeated group list} /
 * {@code element}); a map {@code <name> (MAP)} / {@code repeated group key_value} / required {@code key}
 * and {@code value}. Immutable and thread-safe.
 */
public final class ParquetRecordSchema {
    /** The kind of a field. */
    public enum Kind {
        /** UTF-8 text: BYTE_ARRAY annotated STRING (UTF8); values are {@link String}s. */
        STRING,
        /** INT32; values are {@link Integer}s (any integral {@link Number} within range is accepted). */
        INT32,
        /** INT64; values are {@link Long}s (any integral {@link Number} is accepted). */
        INT64,
        /** BOOLEAN; values are {@link Boolean}s. */
        BOOL,
        /** DOUBLE; values are {@link Double}s (any {@link Number} is accepted). */
        FLOAT64,
        /** Unannotated BYTE_ARRAY; values are {@code byte[]}. */
        BINARY,
        /** A group of named fields; values are {@code Map<String, ?>} keyed by field name (a missing key is null). */
        STRUCT,
        /** A 3-level LIST; values are {@link List}s (null elements allowed unless the element is not null). */
        LIST,
        /** A MAP; values are {@link java.util.Map}s (keys not null; null values allowed unless the value is not null). */
        MAP;

        /** Whether this kind is a primitive (a leaf column). */
        public boolean primitive() {
            return this != STRUCT && this != LIST && this != MAP;
        }
    }

    /**
     * One field: a name, a kind, whether it may be null and, for nested kinds, its children (a
     * struct's fields, a list's {@code element}, a map's {@code key} and {@code value}).
     */
    public static final class Field {
        private final String name;
        private final Kind kind;
        private final boolean nullable;
        private final List<Field> children;

        private Field(String name, Kind kind, boolean nullable, List<Field> children) {
            this.name = Objects.requireNonNull(name, "name");
            this.kind = kind;
            this.nullable = nullable;
            this.children = List.copyOf(children);
        }

        /** The field's name. */
        public String name() {
            return name;
        }

        /** The field's kind. */
        public Kind kind() {
            return kind;
        }

        /** Whether the field may be null (OPTIONAL in Parquet); false for REQUIRED. */
        public boolean nullable() {
            return nullable;
        }

        /** A struct's fields, a list's element, a map's key and value; empty for primitives. */
        public List<Field> children() {
            return children;
        }

        /** This field, required (never null): written REQUIRED, and a null value fails the write. */
        public Field notNull() {
            return new Field(name, kind, false, children);
        }

        /** This field under another name. */
        public Field named(String newName) {
            return new Field(newName, kind, nullable, children);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Field f && name.equals(f.name) && kind == f.kind && nullable == f.nullable && children.equals(f.children);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, kind, nullable, children);
        }

        /** Spark-like text, e.g. {@code add: struct<path: string, size: int64 not null>}. */
        @Override
        public String toString() {
            return name + ": " + typeText();
        }

        private String typeText() {
            String t = switch (kind) {
                case STRUCT -> {
                    List<String> parts = new ArrayList<>();
                    children.forEach(c -> parts.add(c.toString()));
                    yield "struct<" + String.join(", ", parts) + ">";
                }
                case LIST -> "array<" + children.getFirst().typeText() + ">";
                case MAP -> "map<" + children.get(0).typeText() + ", " + children.get(1).typeText() + ">";
                default -> kind.name().toLowerCase(java.util.Locale.ROOT);
            };
            return nullable ? t : t + " not null";
        }
    }

    private final List<Field> fields;

    private ParquetRecordSchema(List<Field> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a Parquet schema needs at least one field");
        }
        checkNames(fields, "the schema");
        this.fields = List.copyOf(fields);
    }

    /** A schema of these top-level fields, in this order (at least one; names unique). */
    public static ParquetRecordSchema of(Field... fields) {
        return new ParquetRecordSchema(List.of(fields));
    }

    /** A schema of these top-level fields, in this order (at least one; names unique). */
    public static ParquetRecordSchema of(List<Field> fields) {
        return new ParquetRecordSchema(fields);
    }

    /** The top-level fields in order. */
    public List<Field> fields() {
        return fields;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParquetRecordSchema s && fields.equals(s.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        fields.forEach(f -> parts.add(f.toString()));
        return "struct<" + String.join(", ", parts) + ">";
    }

    /** A nullable UTF-8 string field. */
    public static Field string(String name) {
        return new Field(name, Kind.STRING, true, List.of());
    }

    /** A nullable 32-bit integer field. */
    public static Field int32(String name) {
        return new Field(name, Kind.INT32, true, List.of());
    }

    /** A nullable 64-bit integer field. */
    public static Field int64(String name) {
        return new Field(name, Kind.INT64, true, List.of());
    }

    /** A nullable boolean field. */
    public static Field bool(String name) {
        return new Field(name, Kind.BOOL, true, List.of());
    }

    /** A nullable double field. */
    public static Field float64(String name) {
        return new Field(name, Kind.FLOAT64, true, List.of());
    }

    /** A nullable binary (unannotated byte array) field. */
    public static Field binary(String name) {
        return new Field(name, Kind.BINARY, true, List.of());
    }

    /** A nullable struct of {@code fields} (at least one, names unique). */
    public static Field struct(String name, Field... fields) {
        return struct(name, List.of(fields));
    }

    /** A nullable struct of {@code fields} (at least one, names unique). */
    public static Field struct(String name, List<Field> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("struct '" + name + "' needs at least one field (Parquet has no empty groups)");
        }
        checkNames(fields, "struct '" + name + "'");
        return new Field(name, Kind.STRUCT, true, fields);
    }

    /** A nullable list of {@code element} (its name is replaced by {@code element}; nullable unless made not null). */
    public static Field list(String name, Field element) {
        return new Field(name, Kind.LIST, true, List.of(element.named("element")));
    }

    /**
     * A nullable map from {@code key} (named {@code key}, always required; a nested key is allowed
     * but unusual) to {@code value} (named {@code value}; nullable unless made not null).
     */
    public static Field map(String name, Field key, Field value) {
        return new Field(name, Kind.MAP, true, List.of(key.named("key").notNull(), value.named("value")));
    }

    private static void checkNames(List<Field> fields, String where) {
        Set<String> seen = new HashSet<>();
        for (Field f : fields) {
            Objects.requireNonNull(f, "field");
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException(where + " has two fields named '" + f.name() + "'");
            }
        }
    }
}
