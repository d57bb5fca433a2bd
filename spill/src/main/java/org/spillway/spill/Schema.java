package org.spillway.spill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An ordered list of uniquely named {@link Field}s. Immutable. */
public final class Schema {
    private final List<Field> fields;
    private final Map<String, Integer> index;

    /** Creates a schema; names must be unique. */
    public Schema(List<Field> fields) {
        this.fields = List.copyOf(fields);
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < this.fields.size(); i++) {
            Integer prev = idx.put(this.fields.get(i).name(), i);
            if (prev != null) {
                throw new IllegalArgumentException("Duplicate column name '" + this.fields.get(i).name()
                        + "' at positions " + prev + " and " + i + ": rename one of them");
            }
        }
        this.index = Collections.unmodifiableMap(idx);
    }

    /** Creates a schema from fields. */
    public static Schema of(Field... fields) {
        return new Schema(Arrays.asList(fields));
    }

    /** The fields in order. */
    public List<Field> fields() {
        return fields;
    }

    /** Number of columns. */
    public int size() {
        return fields.size();
    }

    /** The i-th field. */
    public Field field(int i) {
        return fields.get(i);
    }

    /** The type of the i-th column. */
    public DataType type(int i) {
        return fields.get(i).type();
    }

    /** The position of the named column, or -1. */
    public int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    /** True if a column has this name. */
    public boolean contains(String name) {
        return index.containsKey(name);
    }

    /** The column names in order. */
    public List<String> names() {
        List<String> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            out.add(f.name());
        }
        return out;
    }

    /** A schema of the given column positions, in that order. */
    public Schema select(int... positions) {
        List<Field> out = new ArrayList<>(positions.length);
        for (int p : positions) {
            out.add(fields.get(p));
        }
        return new Schema(out);
    }

    /** True if both have the same names and types in the same order, whatever their metadata. */
    public boolean sameNamesAndTypes(Schema other) {
        if (other.size() != size()) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (!fields.get(i).sameNameAndType(other.fields.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schema s && s.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** One column per line, {@code name: type}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(f);
        }
        return sb.toString();
    }
}
