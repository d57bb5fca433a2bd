package org.spillway.frame.exec.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.ChunkStore;
import org.spillway.spill.memory.MemoryBudget;

/**
 * Deals the rows of a collected frame into {@code k} stored frames at random, with probabilities
 * proportional to the weights. A row's draw depends only on the seed and its position (chunk and
 * row), so the split is the same at any parallelism and every row lands in exactly one part. Parts
 * not kept ({@code keep}) are not stored and come out empty: a sample is the first part of a split.
 */
public final class RandomSplitTerminal implements Terminal<List<RandomSplitTerminal.Part>, List<StoredFrame>> {
    record Part(int split, int seq, int index, ChunkHandle handle) {
    }

    private final Schema schema;
    private final ChunkStore store;
    private final MemoryBudget budget;
    private final String name;
    private final double[] cumulative;
    private final long seed;
    private final boolean[] keep;

    /** Deals into every part. */
    public RandomSplitTerminal(Schema schema, ChunkStore store, MemoryBudget budget, String name, double[] weights, long seed) {
        this(schema, store, budget, name, weights, seed, null);
    }

    /** Deals into the parts whose {@code keep} flag is set (all if {@code keep} is null); the others stay empty. */
    public RandomSplitTerminal(Schema schema, ChunkStore store, MemoryBudget budget, String name, double[] weights, long seed,
                               boolean[] keep) {
        this.keep = keep;
        this.schema = schema;
        this.store = store;
        this.budget = budget;
        this.name = name;
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        cumulative = new double[weights.length];
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i] / total;
            cumulative[i] = acc;
        }
        int last = weights.length - 1;
        while (weights[last] == 0) {
            last--;
        }
        cumulative[last] = Double.POSITIVE_INFINITY; // rounding never leaves a row out, nor puts one in an empty part
        this.seed = seed;
    }

    @Override
    public List<Part> newLocal() {
        return new ArrayList<>();
    }

    @Override
    public boolean accept(List<Part> local, int seq, int index, Chunk chunk, boolean independent) {
        int n = chunk.rows();
        int k = cumulative.length;
        int[][] rows = new int[k][n];
        int[] counts = new int[k];
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ((long) seq << 20) + index);
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            int s = 0;
            while (u >= cumulative[s]) {
                s++;
            }
            rows[s][counts[s]++] = i;
        }
        for (int s = 0; s < k; s++) {
            if (counts[s] == 0 || (keep != null && !keep[s])) {
                continue;
            }
            Chunk part = ChunkOps.select(chunk, rows[s], counts[s], budget, "randomSplit");
            ChunkHandle h;
            try {
                h = store.put(part);
            } catch (RuntimeException | Error e) {
                part.close();
                throw e;
            }
            local.add(new Part(s, seq, index, h));
        }
        return false;
    }

    @Override
    public List<StoredFrame> finish(List<List<Part>> locals) {
        List<Part> all = new ArrayList<>();
        locals.forEach(all::addAll);
        all.sort(Comparator.comparingInt(Part::seq).thenComparingInt(Part::index));
        List<StoredFrame> out = new ArrayList<>();
        for (int s = 0; s < cumulative.length; s++) {
            List<ChunkHandle> hs = new ArrayList<>();
            for (Part p : all) {
                if (p.split() == s) {
                    hs.add(p.handle());
                }
            }
            out.add(new StoredFrame(name + "[" + s + "]", schema, hs));
        }
        return out;
    }

    @Override
    public void abort(List<List<Part>> locals) {
        for (List<Part> l : locals) {
            for (Part p : l) {
                p.handle().close();
            }
        }
    }
}
