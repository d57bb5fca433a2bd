package org.spillway.ml.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.ml.Model;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.RowTransformer;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * One version of one served model: the model, its input schema, the columns its {@code transform} adds (the
 * predictions), how it scores, and the batcher that queues its requests. Immutable but for the batcher.
 */
final class Deployment {
    final String name;
    final int version;
    final Model model;
    final Schema inputs;
    final List<Field> outputs;
    final Scoring scoring;
    final Batcher batcher;
    private final Spillway session;
    private final String[] outputNames;

    Deployment(String name, int version, Model model, Schema inputs, Scoring requested, Spillway session, ModelServer.Settings s,
               ServeMetrics metrics) {
        this.name = name;
        this.version = version;
        this.model = model;
        this.inputs = inputs;
        this.session = session;
        DataFrame empty = session.createDataFrame(inputs, List.of());
        try {
            Schema out = model.transform(empty).schema();
            List<Field> added = new ArrayList<>();
            for (Field f : out.fields()) {
                if (!inputs.contains(f.name())) {
                    added.add(new Field(f.name(), f.type()));
                }
            }
            if (added.isEmpty()) {
                throw new org.spillway.ml.MlException("The model '" + name + "' adds no column to its input " + inputs.names()
                        + "; there is nothing to serve");
            }
            this.outputs = List.copyOf(added);
        } finally {
            empty.unpersist();
        }
        this.outputNames = outputs.stream().map(Field::name).toArray(String[]::new);
        boolean rowPath = rowPath(model);
        if (requested == Scoring.ROWS && !rowPath) {
            throw new org.spillway.ml.MlException("Scoring.ROWS: the model '" + name + "' has a stage that cannot score a single row;"
                    + " use Scoring.FRAME");
        }
        this.scoring = requested;
        this.batcher = new Batcher(this, s, metrics);
    }

    private static boolean rowPath(Model m) {
        if (m instanceof PipelineModel p) {
            return p.stages().stream().allMatch(t -> t instanceof RowTransformer);
        }
        return m instanceof RowTransformer;
    }

    /** The output values of each row, in {@link #outputs} order. */
    List<Object[]> score(List<Object[]> rows) {
        return scoring == Scoring.ROWS ? scoreRows(rows) : scoreFrame(rows);
    }

    private List<Object[]> scoreFrame(List<Object[]> rows) {
        DataFrame in = session.createDataFrame(inputs, rows);
        try {
            List<Row> out = model.transform(in).select(outputNames).rows();
            List<Object[]> values = new ArrayList<>(out.size());
            for (Row r : out) {
                Object[] v = new Object[outputNames.length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = r.get(j);
                }
                values.add(v);
            }
            return values;
        } finally {
            in.unpersist();
        }
    }

    private List<Object[]> scoreRows(List<Object[]> rows) {
        List<Object[]> values = new ArrayList<>(rows.size());
        String[] names = inputs.names().toArray(String[]::new);
        for (Object[] row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int j = 0; j < names.length; j++) {
                m.put(names[j], row[j]);
            }
            Map<String, Object> out = model instanceof PipelineModel p ? p.transformRow(m) : ((RowTransformer) model).transformRow(m);
            Object[] v = new Object[outputNames.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = out.get(outputNames[j]);
            }
            values.add(v);
        }
        return values;
    }
}
