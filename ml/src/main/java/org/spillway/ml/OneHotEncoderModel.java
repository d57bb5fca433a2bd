package org.spillway.ml;

import static org.spillway.frame.Functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;

/**
 * The categories an {@link OneHotEncoder} learned, per column: {@link #transform} replaces each
 * input column (or adds its output column) with int32 slot codes marked one-hot, lazily.
 */
public final class OneHotEncoderModel implements Model, ModelIO.Persistable, RowTransformer {
    /**
     * One encoded column.
     *
     * @param input      the input column
     * @param output     the output column
     * @param strings    whether the input holds strings (else integers or bools)
     * @param categories the categories seen when fitting, in slot order
     */
    public record Column(String input, String output, boolean strings, List<String> categories) {
        /** Freezes the categories. */
        public Column {
            categories = List.copyOf(categories);
        }
    }

    private final List<Column> columns;
    private final boolean dropLast;
    private final String handleInvalid;
    /** The code table of each column, built once (it is immutable and read by many threads). */
    private final List<CategoryCodes> codes;

    /** A model from learned categories. */
    public OneHotEncoderModel(List<Column> columns, boolean dropLast, String handleInvalid) {
        this.columns = List.copyOf(columns);
        this.dropLast = dropLast;
        this.handleInvalid = handleInvalid;
        List<CategoryCodes> cc = new ArrayList<>();
        for (Column c : this.columns) {
            cc.add(codes(c));
        }
        this.codes = List.copyOf(cc);
    }

    /** The encoded columns. */
    public List<Column> columns() {
        return columns;
    }

    /** The categories of input column {@code input}, in slot order. */
    public List<String> categories(String input) {
        for (Column c : columns) {
            if (c.input.equals(input)) {
                return c.categories;
            }
        }
        throw new MlException("OneHotEncoderModel has no column '" + input + "'; it encodes " + columns.stream().map(Column::input).toList());
    }

    /** The slots of column {@code c}: the categories kept, plus "__unknown__" when unseen values get their own. */
    List<String> slots(Column c) {
        List<String> slots = new ArrayList<>(c.categories);
        boolean keep = handleInvalid.equals("keep");
        if (keep && !dropLast) {
            slots.add(OneHotEncoder.UNKNOWN);
        } else if (!keep && dropLast) {
            slots.removeLast();
        }
        return slots;
    }

    private CategoryCodes codes(Column c) {
        List<String> slots = slots(c);
        Map<String, Integer> codes = new HashMap<>();
        for (int i = 0; i < c.categories.size(); i++) {
            codes.put(c.categories.get(i), i < slots.size() && slots.get(i).equals(c.categories.get(i)) ? i : -1);
        }
        boolean keep = handleInvalid.equals("keep");
        int missing = keep ? (dropLast ? -1 : c.categories.size()) : CategoryCodes.ERROR;
        return new CategoryCodes(c.input, c.strings, codes, missing, FeatureMeta.oneHot(slots), "OneHotEncoderModel");
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        DataFrame out = frame;
        for (int i = 0; i < columns.size(); i++) {
            out = out.withColumn(columns.get(i).output, udf(codes.get(i)));
        }
        return out;
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (!row.containsKey(c.input)) {
                throw new MlException("The row has no column '" + c.input + "' to encode (it has " + row.keySet() + ")");
            }
            out.put(c.output, codes.get(i).code(row.get(c.input)));
        }
        return out;
    }

    @Override
    public RowKernel compile(RowLayout layout) {
        int n = columns.size();
        int[] in = new int[n];
        int[] out = new int[n];
        CategoryCodes[] table = codes.toArray(CategoryCodes[]::new);
        for (int i = 0; i < n; i++) {
            // column by column, as transform's withColumn calls: a later column may read an earlier one's output
            in[i] = layout.read(columns.get(i).input, "OneHotEncoderModel");
            out[i] = layout.write(columns.get(i).output);
        }
        return row -> {
            for (int i = 0; i < n; i++) {
                row[out[i]] = table[i].code(row[in[i]]);
            }
        };
    }

    /** Loads a model saved with {@link #save}. */
    public static OneHotEncoderModel load(String path) {
        return Models.load(path, OneHotEncoderModel.class);
    }

    @Override
    public String modelType() {
        return "OneHotEncoderModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("dropLast", dropLast);
        out.put("handleInvalid", handleInvalid);
        ArrayNode arr = out.putArray("columns");
        for (Column c : columns) {
            ObjectNode o = arr.addObject();
            o.put("input", c.input);
            o.put("output", c.output);
            o.put("type", c.strings ? "string" : "integer");
            ArrayNode cats = o.putArray("categories");
            c.categories.forEach(cats::add);
        }
    }

    /** Reads what {@link #writeJson} wrote. */
    public static OneHotEncoderModel readJson(JsonNode in) {
        List<Column> cols = new ArrayList<>();
        for (JsonNode o : in.path("columns")) {
            List<String> cats = new ArrayList<>();
            o.path("categories").forEach(v -> cats.add(v.asText()));
            boolean strings = o.path("type").asText().equals("string");
            if (!strings) {
                for (String s : cats) {
                    try {
                        Categories.parseKey(s);
                    } catch (NumberFormatException e) {
                        throw new MlException("column '" + o.path("input").asText() + "' has integer categories, but '" + s
                                + "' is not an integer");
                    }
                }
            }
            cols.add(new Column(o.path("input").asText(), o.path("output").asText(), strings, cats));
        }
        if (cols.isEmpty()) {
            throw new MlException("a OneHotEncoderModel needs a non-empty \"columns\" array");
        }
        String h = in.path("handleInvalid").asText("keep");
        if (!h.equals("keep") && !h.equals("error")) {
            throw new MlException("handleInvalid must be \"keep\" or \"error\", not '" + h + "'");
        }
        return new OneHotEncoderModel(cols, in.path("dropLast").asBoolean(true), h);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("OneHotEncoderModel[");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            sb.append(i > 0 ? ", " : "").append(c.input).append(": ").append(c.categories.size()).append(" categories");
        }
        return sb.append(']').toString();
    }
}
