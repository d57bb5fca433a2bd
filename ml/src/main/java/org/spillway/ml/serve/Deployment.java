package org.spillway.ml.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.RowKernel;
import org.spillway.ml.RowLayout;
import org.spillway.ml.RowTransformer;
import org.spillway.ml.Transformer;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.BudgetExceededException;

/**
 * One version of one served model: the model, its input schema, the columns its {@code transform} adds (the
 * predictions), how it scores, and the batcher that queues its requests ({@link Scoring#FRAME}) or the count of
 * requests being scored on their own threads ({@link Scoring#ROWS}). Immutable but for the batcher and the count.
 *
 * <p>For {@link Scoring#ROWS} the model is compiled once, here: each stage's {@link RowKernel}
 * ({@link RowTransformer#compile}) over a {@link RowLayout} that starts with the input columns; a stage without a
 * compiled form is wrapped around its {@code transformRow} (a map per row, its output columns known from the
 * pipeline up to it run on an empty frame of the inputs). Scoring a row is then an array copy and the kernels in turn.
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
    private final int maxQueued;
    /** Requests being scored on their own threads ({@link Scoring#ROWS}). */
    private final AtomicInteger scoringNow = new AtomicInteger();
    // the compiled row path: kernels in stage order, the row width, the positions of the outputs
    private final RowKernel[] kernels;
    private final int width;
    private final int[] outputAt;

    Deployment(String name, int version, Model model, Schema inputs, Scoring requested, Spillway session, ModelServer.Settings s,
               ServeMetrics metrics) {
        this.name = name;
        this.version = version;
        this.model = model;
        this.inputs = inputs;
        this.session = session;
        this.maxQueued = s.maxQueuedRequests();
        this.outputs = List.copyOf(added(inputs, transformSchema(model, inputs)));
        if (outputs.isEmpty()) {
            throw new MlException("The model '" + name + "' adds no column to its input " + inputs.names() + "; there is nothing to serve");
        }
        this.outputNames = outputs.stream().map(Field::name).toArray(String[]::new);
        boolean rowPath = rowPath(model);
        if (requested == Scoring.ROWS && !rowPath) {
            throw new MlException("Scoring.ROWS: the model '" + name + "' has a stage that cannot score a single row; use Scoring.FRAME");
        }
        this.scoring = requested == Scoring.AUTO ? (rowPath ? Scoring.ROWS : Scoring.FRAME) : requested;
        if (scoring == Scoring.ROWS) {
            RowLayout layout = new RowLayout(inputs.names());
            List<RowKernel> ks = new ArrayList<>();
            List<Transformer> stages = stages(model);
            for (int i = 0; i < stages.size(); i++) {
                RowTransformer rt = (RowTransformer) stages.get(i);
                RowKernel k = rt.compile(layout);
                if (k == null) {
                    // the columns this stage leaves, from the pipeline up to it on an empty frame of the inputs
                    k = mapKernel(rt, layout, transformSchema(new PipelineModel(stages.subList(0, i + 1)), inputs));
                }
                ks.add(k);
            }
            this.kernels = ks.toArray(RowKernel[]::new);
            this.width = layout.width();
            this.outputAt = new int[outputNames.length];
            for (int j = 0; j < outputAt.length; j++) {
                outputAt[j] = layout.read(outputNames[j], "the server");
            }
        } else {
            this.kernels = null;
            this.width = 0;
            this.outputAt = null;
        }
        this.batcher = new Batcher(this, s, metrics);
    }

    private Schema transformSchema(Transformer t, Schema in) {
        DataFrame empty = session.createDataFrame(in, List.of());
        try {
            return t.transform(empty).schema();
        } finally {
            empty.unpersist();
        }
    }

    private static List<Field> added(Schema in, Schema out) {
        List<Field> added = new ArrayList<>();
        for (Field f : out.fields()) {
            if (!in.contains(f.name())) {
                added.add(new Field(f.name(), f.type()));
            }
        }
        return added;
    }

    private static List<Transformer> stages(Model m) {
        return m instanceof PipelineModel p ? p.stages() : List.of(m);
    }

    private static boolean rowPath(Model m) {
        return stages(m).stream().allMatch(t -> t instanceof RowTransformer);
    }

    /** A stage without a compiled form: its {@code transformRow} on a map of the row's columns so far. */
    private static RowKernel mapKernel(RowTransformer rt, RowLayout layout, Schema after) {
        String[] before = layout.names().toArray(String[]::new);
        String[] written = after.names().toArray(String[]::new);
        int[] at = new int[written.length];
        for (int j = 0; j < at.length; j++) {
            at[j] = layout.write(written[j]);
        }
        return row -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int j = 0; j < before.length; j++) {
                m.put(before[j], row[j]);
            }
            Map<String, Object> out = rt.transformRow(m);
            for (int j = 0; j < at.length; j++) {
                row[at[j]] = out.get(written[j]);
            }
        };
    }

    /**
     * Takes a request to be scored on its own thread ({@link Scoring#ROWS}) if fewer than {@code maxQueuedRequests}
     * are; false when full (the caller answers 503). Each true is followed by {@link #release()}.
     */
    boolean admit() {
        if (scoringNow.incrementAndGet() > maxQueued) {
            scoringNow.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Ends an {@link #admit()}. */
    void release() {
        scoringNow.decrementAndGet();
    }

    /** Requests waiting or being scored. */
    int queued() {
        return batcher.queued() + scoringNow.get();
    }

    /** The output values of each row, in {@link #outputs} order. */
    List<Object[]> score(List<Object[]> rows) {
        return scoring == Scoring.ROWS ? scoreRows(rows) : scoreFrame(rows);
    }

    /**
     * {@link #score}, with the model's refusals turned into the request's answer: a value it cannot take (an unseen
     * category, a null) 400, an exhausted memory budget 503; anything else is rethrown.
     */
    List<Object[]> scoreRequest(List<Object[]> rows) {
        try {
            return score(rows);
        } catch (SpillwayException | IllegalArgumentException | ClassCastException e) {
            throw new BadRequest(400, "the model '" + name + "' cannot score these rows: " + e.getMessage());
        } catch (BudgetExceededException e) {
            throw new BadRequest(503, "the server's memory budget is exhausted: " + e.getMessage());
        }
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
        Object[] row = new Object[width];
        for (Object[] in : rows) {
            System.arraycopy(in, 0, row, 0, in.length);
            for (RowKernel k : kernels) {
                k.apply(row);
            }
            Object[] v = new Object[outputAt.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = row[outputAt[j]];
            }
            values.add(v);
        }
        return values;
    }
}
