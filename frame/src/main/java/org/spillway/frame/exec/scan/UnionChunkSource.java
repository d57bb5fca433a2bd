package org.spillway.frame.exec.scan;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.exec.pipeline.ChunkOperator;
import org.spillway.frame.exec.pipeline.OperatorFactory;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * The inputs of a union as one source: the morsels of the first input, then those of the second,
 * and so on, so that morsel order is the union's row order. Each input is a source with its own
 * fused operators (its filters and projections), run by whichever worker takes the morsel; nothing
 * is materialised.
 */
public final class UnionChunkSource implements ChunkSource<UnionChunkSource.Item, UnionChunkSource.State> {
    /** One input: a source and the operators its chunks go through. */
    public record Branch(ChunkSource<?, ?> source, List<OperatorFactory> ops) {
    }

    /** A morsel of input {@code branch}. */
    record Item(int branch, Object item) {
    }

    /** A worker's source state and operator instances per input, created on first use. */
    static final class State {
        final Object[] sourceStates;
        final ChunkOperator[][] ops;

        State(int branches) {
            sourceStates = new Object[branches];
            ops = new ChunkOperator[branches][];
        }
    }

    private final Schema schema;
    private final List<Branch> branches;
    private final List<Item> items = new ArrayList<>();
    private final String unit;

    public UnionChunkSource(Schema schema, List<Branch> branches) {
        this.schema = schema;
        this.branches = List.copyOf(branches);
        String u = null;
        boolean same = true;
        for (int b = 0; b < branches.size(); b++) {
            ChunkSource<?, ?> s = branches.get(b).source();
            for (Object item : s.items()) {
                items.add(new Item(b, item));
            }
            same &= u == null || u.equals(s.unit());
            u = s.unit();
        }
        this.unit = same && u != null ? u : "morsels";
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<Item> items() {
        return items;
    }

    @Override
    public long weight(Item item) {
        return unit.equals("morsels") ? 1 : weightOf(branches.get(item.branch()).source(), item.item());
    }

    @SuppressWarnings("unchecked")
    private static <T> long weightOf(ChunkSource<T, ?> source, Object item) {
        return source.weight((T) item);
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public State newState() {
        return new State(branches.size());
    }

    @Override
    public void produce(Item item, State state, Output out) {
        int b = item.branch();
        Branch branch = branches.get(b);
        if (state.ops[b] == null) {
            ChunkOperator[] o = new ChunkOperator[branch.ops().size()];
            for (int i = 0; i < o.length; i++) {
                o[i] = branch.ops().get(i).create();
            }
            state.ops[b] = o;
            state.sourceStates[b] = branch.source().newState();
        }
        ChunkOperator[] ops = state.ops[b];
        produce(branch.source(), item.item(), state.sourceStates[b], (chunk, owned) -> push(ops, chunk, owned, out));
    }

    @SuppressWarnings("unchecked")
    private static <T, S> void produce(ChunkSource<T, S> source, Object item, Object state, Output out) {
        source.produce((T) item, (S) state, out);
    }

    /** Runs one chunk through an input's operators and hands the result on (owned only if nothing else refers to it). */
    private static void push(ChunkOperator[] ops, Chunk chunk, boolean owned, Output out) {
        List<Chunk> alive = new ArrayList<>(2);
        boolean[] independent = new boolean[1];
        try {
            Chunk cur = ChunkOperator.applyAll(ops, chunk, owned, alive, independent);
            if (cur == null) {
                return;
            }
            if (independent[0] && alive.size() == 1 && alive.getFirst() == cur) {
                alive.clear();
                out.accept(cur, true); // handed over: the pipeline closes it
            } else {
                out.accept(cur, false);
            }
        } finally {
            closeAll(alive);
        }
    }

    private static void closeAll(List<Chunk> chunks) {
        for (Chunk c : chunks) {
            c.close();
        }
        chunks.clear();
    }
}
