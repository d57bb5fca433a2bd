package org.spillway.frame.io.parquet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * parquet-column converters that assemble records into plain Java values: a struct (and the record
 * itself) as a {@code LinkedHashMap<String, Object>} in schema order, a LIST as an
 * {@code ArrayList} (the 3-level form and the legacy forms, by the backward-compatibility rules of
 * the format's LogicalTypes.md), a MAP or MAP_KEY_VALUE group as a {@code LinkedHashMap} (key and
 * value by position; no value field gives null values), an unannotated repeated field as a list of
 * its values, and primitives as {@link RecordValues} makes them. One converter per schema node, so
 * a converter is reused for every value of its node (record assembly is depth first: a node is
 * never open twice at once).
 */
final class RecordConverters {
    private RecordConverters() {
    }

    /** Where a converter hands its finished value (its parent's field, list or map entry). */
    @FunctionalInterface
    interface Sink {
        void accept(Object value);
    }

    /** Materializes each record as a {@code Map<String, Object>} of the requested top-level fields. */
    static final class Materializer extends RecordMaterializer<Map<String, Object>> {
        private final StructConverter root;
        private Map<String, Object> current;

        @SuppressWarnings("unchecked")
        Materializer(MessageType requested, RecordSchema schema) {
            this.root = new StructConverter(requested, schema, v -> current = (Map<String, Object>) v);
        }

        @Override
        public Map<String, Object> getCurrentRecord() {
            Map<String, Object> r = current;
            current = null;
            return r;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }

    /** The converter of a field of type {@code t} (its repetition is the caller's business). */
    static Converter build(Type t, RecordSchema schema, Sink sink) {
        if (t.isPrimitive()) {
            return new RecordValues(t.asPrimitiveType(), schema.decimalScale(t), sink);
        }
        GroupType g = t.asGroupType();
        LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
        boolean oneRepeated = g.getFieldCount() == 1 && g.getType(0).isRepetition(Type.Repetition.REPEATED);
        if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && oneRepeated) {
            return new ListConverter(g, schema, sink);
        }
        if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
                && oneRepeated && !g.getType(0).isPrimitive() && g.getType(0).asGroupType().getFieldCount() >= 1) {
            return new MapConverter(g, schema, sink);
        }
        return new StructConverter(g, schema, sink);
    }

    /**
     * A group's fields: each field's value (a list for a repeated field, empty until its values
     * arrive) collected between {@link #start()} and {@link #end()}.
     */
    static class StructConverter extends GroupConverter {
        private final String[] names;
        private final boolean[] repeated;
        private final Converter[] fields;
        private final Sink sink;
        final Object[] vals;

        StructConverter(GroupType g, RecordSchema schema, Sink sink) {
            int n = g.getFieldCount();
            this.vals = new Object[n];
            this.names = new String[n];
            this.repeated = new boolean[n];
            this.fields = new Converter[n];
            this.sink = sink;
            for (int i = 0; i < n; i++) {
                Type f = g.getType(i);
                int idx = i;
                names[i] = f.getName();
                repeated[i] = f.isRepetition(Type.Repetition.REPEATED);
                fields[i] = build(f, schema, repeated[i] ? v -> add(idx, v) : v -> vals[idx] = v);
            }
        }

        @SuppressWarnings("unchecked")
        private void add(int i, Object v) {
            ((List<Object>) vals[i]).add(v);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
        }

        @Override
        public void start() {
            for (int i = 0; i < vals.length; i++) {
                vals[i] = repeated[i] ? new ArrayList<>() : null;
            }
        }

        @Override
        public void end() {
            sink.accept(result());
        }

        /** The finished value: a map of the fields in schema order. */
        Object result() {
            Map<String, Object> m = LinkedHashMap.newLinkedHashMap(vals.length);
            for (int i = 0; i < vals.length; i++) {
                m.put(names[i], vals[i]);
            }
            return m;
        }
    }

    /** The repeated group of a legacy list whose single field is the element (rule 5): the element itself. */
    static final class ElementConverter extends StructConverter {
        ElementConverter(GroupType g, RecordSchema schema, Sink sink) {
            super(g, schema, sink);
        }

        @Override
        Object result() {
            return vals[0];
        }
    }

    /** A LIST-annotated group: its repeated field's values as an {@code ArrayList}. */
    static final class ListConverter extends GroupConverter {
        private final Converter element;
        private final Sink sink;
        private List<Object> current;

        ListConverter(GroupType g, RecordSchema schema, Sink sink) {
            this.sink = sink;
            Type r = g.getType(0);
            Sink add = v -> current.add(v);
            if (r.isPrimitive()) {
                element = build(r, schema, add); // rule 1: the repeated primitive is the element
            } else {
                GroupType rg = r.asGroupType();
                boolean whole = rg.getFieldCount() != 1 // rule 2
                        || rg.getType(0).isRepetition(Type.Repetition.REPEATED) // rule 3
                        || rg.getName().equals("array") || rg.getName().equals(g.getName() + "_tuple"); // rule 4
                element = whole ? build(rg, schema, add) : new ElementConverter(rg, schema, add); // else rule 5 (the 3-level form)
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return element;
        }

        @Override
        public void start() {
            current = new ArrayList<>();
        }

        @Override
        public void end() {
            List<Object> l = current;
            current = null;
            sink.accept(l);
        }
    }

    /** A MAP (or MAP_KEY_VALUE) group: its repeated key/value group's entries as a {@code LinkedHashMap}. */
    static final class MapConverter extends GroupConverter {
        private final EntryConverter entry;
        private final Sink sink;
        private Map<Object, Object> current;

        MapConverter(GroupType g, RecordSchema schema, Sink sink) {
            this.sink = sink;
            this.entry = new EntryConverter(g.getType(0).asGroupType(), schema);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return entry;
        }

        @Override
        public void start() {
            current = new LinkedHashMap<>();
        }

        @Override
        public void end() {
            Map<Object, Object> m = current;
            current = null;
            sink.accept(m);
        }

        /** One key/value pair: the key is the first field, the value the second (null without one). */
        private final class EntryConverter extends StructConverter {
            EntryConverter(GroupType g, RecordSchema schema) {
                super(g, schema, null);
            }

            @Override
            public void end() {
                current.put(vals[0], vals.length > 1 ? vals[1] : null);
            }
        }
    }
}
