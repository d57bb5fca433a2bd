package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * How a learner's feature columns map to coefficient positions: a plain numeric column (int32,
 * int64, float64 or bool) is one feature; a one-hot column ({@link FeatureMeta}) is one feature per
 * category slot; hashed columns of one space share that space's buckets. The features are never
 * materialised as a wide matrix: a one-hot or hashed row touches one coefficient per column.
 *
 * <p>A layout is fixed when a learner is fitted and saved with its model, so that
 * {@link #check(Schema)} can tell whether a frame to transform holds the same features.
 */
public final class FeatureLayout {
    /** What a feature column is. */
    public enum Kind {
        /** A numeric column: one feature, its value. */
        NUMERIC,
        /** One-hot category slots: {@code size} features, one of them 1. */
        ONEHOT,
        /** Hashed buckets of a categorical column: one of the space's buckets is 1. */
        HASHED,
        /** A numeric column at one bucket of a hashed space. */
        HASHED_NUMERIC
    }

    /**
     * One feature column.
     *
     * @param column     the column name
     * @param kind       its kind
     * @param offset     the first coefficient position it uses (for {@code HASHED_NUMERIC}: its position)
     * @param size       positions used from {@code offset} (1 for numeric; the slots; the space's buckets)
     * @param categories the slot categories of a one-hot column, else empty
     * @param space      the hashed space, else null
     */
    public record Block(String column, Kind kind, int offset, int size, List<String> categories, String space) {
        /** Freezes the categories. */
        public Block {
            categories = List.copyOf(categories);
        }

        /** True for the kinds read as a value (numeric, hashed numeric), false for slot codes. */
        public boolean isValue() {
            return kind == Kind.NUMERIC || kind == Kind.HASHED_NUMERIC;
        }
    }

    private final List<Block> blocks;
    private final int dimension;
    private final Map<String, int[]> spaces; // space -> {offset, size}

    private FeatureLayout(List<Block> blocks, int dimension, Map<String, int[]> spaces) {
        this.blocks = List.copyOf(blocks);
        this.dimension = dimension;
        this.spaces = spaces;
    }

    /**
     * The layout of {@code columns} of {@code schema}, in that order.
     *
     * @throws MlException naming the column when one is missing, is a string or date not encoded
     *                     first, or its encoding metadata does not fit its type
     */
    public static FeatureLayout of(Schema schema, List<String> columns) {
        if (columns.isEmpty()) {
            throw new MlException("No feature columns: the frame has only " + schema.names()
                    + "; name the features with featuresCols(...)");
        }
        List<Block> blocks = new ArrayList<>();
        Map<String, int[]> spaces = new LinkedHashMap<>();
        int next = 0;
        for (String c : columns) {
            int i = schema.indexOf(c);
            if (i < 0) {
                throw new ColumnNotFoundException(c, schema.names());
            }
            Field f = schema.field(i);
            String kind = FeatureMeta.kind(f);
            if (kind == null) {
                checkNumeric(f);
                blocks.add(new Block(c, Kind.NUMERIC, next++, 1, List.of(), null));
                continue;
            }
            switch (kind) {
                case FeatureMeta.ONEHOT -> {
                    checkCodes(f);
                    int size = FeatureMeta.size(f);
                    List<String> cats = FeatureMeta.categories(f);
                    if (cats.size() != size) {
                        throw new MlException("Column '" + c + "' has " + size + " one-hot slots but " + cats.size() + " categories");
                    }
                    blocks.add(new Block(c, Kind.ONEHOT, next, size, cats, null));
                    next += size;
                }
                case FeatureMeta.HASHED, FeatureMeta.HASHED_NUMERIC -> {
                    String space = Objects.requireNonNull(f.metadata().get(FeatureMeta.SPACE), "space");
                    int size = FeatureMeta.size(f);
                    int[] sp = spaces.get(space);
                    if (sp == null) {
                        sp = new int[] {next, size};
                        spaces.put(space, sp);
                        next += size;
                    } else if (sp[1] != size) {
                        throw new MlException("Column '" + c + "' hashes into space '" + space + "' of " + size
                                + " buckets, but another column uses " + sp[1] + " buckets for it");
                    }
                    if (kind.equals(FeatureMeta.HASHED)) {
                        checkCodes(f);
                        blocks.add(new Block(c, Kind.HASHED, sp[0], size, List.of(), space));
                    } else {
                        checkNumeric(f);
                        int index = FeatureMeta.index(f);
                        if (index < 0 || index >= size) {
                            throw new MlException("Column '" + c + "' has bucket " + index + " outside its space of " + size);
                        }
                        blocks.add(new Block(c, Kind.HASHED_NUMERIC, sp[0] + index, 1, List.of(), space));
                    }
                }
                default -> throw new MlException("Column '" + c + "' has an unknown feature kind '" + kind + "'");
            }
        }
        return new FeatureLayout(blocks, next, spaces);
    }

    private static void checkNumeric(Field f) {
        switch (f.type().kind()) {
            case INT32, INT64, FLOAT64, BOOL -> {
            }
            case DECIMAL, DECIMAL128 -> throw new MlException("Feature column '" + f.name() + "' is " + f.type()
                    + ": cast it to float64 first (col(\"" + f.name() + "\").cast(DataType.FLOAT64))");
            case STRING -> throw new MlException("Feature column '" + f.name() + "' holds strings: encode it first with "
                    + "OneHotEncoder (few categories) or FeatureHasher (many), or leave it out with featuresCols(...)");
            default -> throw new MlException("Feature column '" + f.name() + "' is " + f.type()
                    + ", not numeric: derive a number from it (e.g. col(\"" + f.name() + "\").cast(DataType.INT64)) "
                    + "or leave it out with featuresCols(...)");
        }
    }

    private static void checkCodes(Field f) {
        if (f.type() != DataType.INT32) {
            throw new MlException("Column '" + f.name() + "' is marked as encoded (" + FeatureMeta.kind(f) + ") but is "
                    + f.type() + ", not int32");
        }
    }

    /** The feature columns, in order. */
    public List<Block> blocks() {
        return blocks;
    }

    /** The number of coefficient positions (features after expansion). */
    public int dimension() {
        return dimension;
    }

    /** The feature columns' names. */
    public List<String> columns() {
        return blocks.stream().map(Block::column).toList();
    }

    /** Blocks read as values ({@link Block#isValue()}). */
    public List<Block> valueBlocks() {
        return blocks.stream().filter(Block::isValue).toList();
    }

    /** Blocks read as slot codes (one-hot, hashed). */
    public List<Block> codeBlocks() {
        return blocks.stream().filter(b -> !b.isValue()).toList();
    }

    /** The name of feature position {@code j}: the column, {@code column=category}, or {@code space[bucket]}. */
    public String featureName(int j) {
        for (Map.Entry<String, int[]> e : spaces.entrySet()) {
            int[] sp = e.getValue();
            if (j >= sp[0] && j < sp[0] + sp[1]) {
                return e.getKey() + "[" + (j - sp[0]) + "]";
            }
        }
        for (Block b : blocks) {
            if (b.kind == Kind.NUMERIC && b.offset == j) {
                return b.column;
            }
            if (b.kind == Kind.ONEHOT && j >= b.offset && j < b.offset + b.size) {
                return b.column + "=" + b.categories.get(j - b.offset);
            }
        }
        throw new IndexOutOfBoundsException("feature " + j + " of " + dimension);
    }

    /** The name of every feature position (for hashed spaces, one per bucket). */
    public String[] featureNames() {
        String[] out = new String[dimension];
        for (Map.Entry<String, int[]> e : spaces.entrySet()) {
            int[] sp = e.getValue();
            for (int k = 0; k < sp[1]; k++) {
                out[sp[0] + k] = e.getKey() + "[" + k + "]";
            }
        }
        for (Block b : blocks) {
            if (b.kind == Kind.NUMERIC) {
                out[b.offset] = b.column;
            } else if (b.kind == Kind.ONEHOT) {
                for (int k = 0; k < b.size; k++) {
                    out[b.offset + k] = b.column + "=" + b.categories.get(k);
                }
            }
        }
        return out;
    }

    /**
     * Checks that {@code schema} holds these features with the same encodings (before a model
     * transforms a frame); the error names the column and says what differs.
     */
    public void check(Schema schema) {
        FeatureLayout other;
        try {
            other = of(schema, columns());
        } catch (MlException e) {
            throw new MlException("The frame does not hold the features the model was trained on: " + e.getMessage()
                    + " (apply the same encoders first, e.g. transform with the whole PipelineModel)", e);
        }
        for (int i = 0; i < blocks.size(); i++) {
            Block want = blocks.get(i);
            Block got = other.blocks.get(i);
            if (want.kind != got.kind || want.size != got.size || !want.categories.equals(got.categories)) {
                throw new MlException("Column '" + want.column + "' was a " + describe(want) + " feature when the model was "
                        + "trained but is a " + describe(got) + " feature here; apply the same fitted encoders first");
            }
        }
    }

    private static String describe(Block b) {
        return switch (b.kind) {
            case NUMERIC -> "numeric";
            case ONEHOT -> "one-hot (" + b.size + " slots)";
            case HASHED -> "hashed (" + b.size + " buckets in '" + b.space + "')";
            case HASHED_NUMERIC -> "hashed numeric (space '" + b.space + "')";
        };
    }

    /** Writes the layout as JSON (inside a model file). */
    public void writeJson(ObjectNode out) {
        ArrayNode arr = out.putArray("blocks");
        for (Block b : blocks) {
            ObjectNode o = arr.addObject();
            o.put("column", b.column);
            o.put("kind", b.kind.name());
            o.put("offset", b.offset);
            o.put("size", b.size);
            if (!b.categories.isEmpty()) {
                ArrayNode cats = o.putArray("categories");
                b.categories.forEach(cats::add);
            }
            if (b.space != null) {
                o.put("space", b.space);
            }
        }
        out.put("dimension", dimension);
        ObjectNode sp = out.putObject("spaces");
        spaces.forEach((name, v) -> sp.putArray(name).add(v[0]).add(v[1]));
    }

    /** Reads a layout written by {@link #writeJson}. */
    public static FeatureLayout readJson(JsonNode in) {
        JsonNode arr = in.get("blocks");
        if (arr == null || !arr.isArray()) {
            throw new MlException("the feature layout has no \"blocks\" array");
        }
        List<Block> blocks = new ArrayList<>();
        Map<String, int[]> spaces = new LinkedHashMap<>();
        for (JsonNode o : arr) {
            List<String> cats = new ArrayList<>();
            o.path("categories").forEach(c -> cats.add(c.asText()));
            Kind kind = Kind.valueOf(o.get("kind").asText());
            String space = o.hasNonNull("space") ? o.get("space").asText() : null;
            Block b = new Block(o.get("column").asText(), kind, o.get("offset").asInt(), o.get("size").asInt(), cats, space);
            blocks.add(b);
        }
        in.path("spaces").fields().forEachRemaining(e -> spaces.put(e.getKey(),
                new int[] {e.getValue().get(0).asInt(), e.getValue().get(1).asInt()}));
        int dim = in.get("dimension").asInt();
        for (Block b : blocks) {
            if (b.kind == Kind.HASHED_NUMERIC && !spaces.containsKey(b.space)) {
                throw new MlException("the feature layout's hashed numeric column '" + b.column + "' names no hashed space");
            }
            if (b.offset < 0 || b.offset + (b.kind == Kind.HASHED_NUMERIC ? 1 : b.size) > dim) {
                throw new MlException("the feature layout's column '" + b.column + "' lies outside its " + dim + " features");
            }
        }
        return new FeatureLayout(blocks, dim, spaces);
    }

    @Override
    public String toString() {
        return "FeatureLayout" + columns() + " (" + dimension + " features)";
    }
}
