package org.spillway.frame.exec.join;

import java.util.List;
import org.spillway.frame.exec.eval.ExprCompiler;
import org.spillway.frame.exec.eval.PhysicalExpr;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.frame.udf.HeapColumn;

/**
 * The end of the probe side's pipeline: every worker streams its probe chunks through the shared,
 * read-only {@link JoinHashTable} and gathers the pairs into its own {@link JoinOutput}, so probing
 * needs no lock. Unmatched probe rows (left, right, full, anti) are emitted right away, since each
 * probe row is seen once, and semi and anti joins stop at a row's first match.
 *
 * <p>With {@code marks} (a skewed partition joined in build pieces) a probe row's fate is only
 * known after the last piece: matches set its mark, and a final pass with {@code unmatchedPass}
 * (and no table) emits the rows never marked. The result lists the output chunks in probe order.
 *
 * <p><b>A condition</b> ({@code on("k").and(cond)}, or a nested-loop join's): the pairs whose keys
 * match (every build row, for a nested loop) are candidates, gathered a chunk of pairs at a time into
 * the columns the condition reads ({@link JoinOutput#forCondition}) and the condition evaluated over
 * them at once; only the pairs where it is true match. Whether a probe row matched is thus known once
 * its chunk's candidates are all evaluated: its unmatched, semi or anti output follows its chunk's
 * pairs. A semi or anti join stops offering a row's candidates once one matched.
 */
final class ProbeSink implements Terminal<ProbeSink.ProbeWorker, List<ChunkHandle>> {
    private final ExecContext ctx;
    private final JoinLayout layout;
    private final JoinHashTable table;
    private final ProbeMarks marks;
    private final boolean unmatchedPass;
    private final int[] probeKeys;
    private final boolean[] stringKey;
    private final boolean semi;
    private final boolean anti;
    private final boolean probeOuter;
    private final PhysicalExpr condition;

    ProbeSink(ExecContext ctx, JoinLayout layout, JoinHashTable table, ProbeMarks marks, boolean unmatchedPass) {
        this.ctx = ctx;
        this.layout = layout;
        this.table = table;
        this.marks = marks;
        this.unmatchedPass = unmatchedPass;
        this.probeKeys = layout.probeKeys;
        this.stringKey = layout.stringKey;
        this.semi = layout.semi;
        this.anti = layout.anti;
        this.probeOuter = layout.probeOuter;
        this.condition = layout.condition == null || unmatchedPass ? null : ExprCompiler.compile(layout.condition, layout.condSchema);
    }

    /** One worker's probe keys (arrays reused from chunk to chunk) and output. */
    final class ProbeWorker {
        final JoinKeys jk = new JoinKeys(probeKeys, stringKey);
        final JoinOutput o = new JoinOutput(ctx, layout, table);
        /** The condition's candidate pairs, and per probe row of the chunk whether a pair matched. */
        final JoinOutput pairs = condition == null ? null : JoinOutput.forCondition(ctx, layout, table);
        boolean[] found = new boolean[0];
    }

    @Override
    public ProbeWorker newLocal() {
        return new ProbeWorker();
    }

    @Override
    public boolean accept(ProbeWorker w, int seq, int index, Chunk chunk, boolean independent) {
        int n = chunk.rows();
        JoinOutput o = w.o;
        if (unmatchedPass) {
            int base = marks.start[seq];
            for (int i = 0; i < n; i++) {
                if (!marks.get(base + i)) {
                    o.add(i, -1, chunk, seq, index);
                }
            }
            o.flush(chunk, seq, index);
            return false;
        }
        if (condition != null) {
            acceptWithCondition(w, seq, index, chunk);
            return false;
        }
        JoinKeys jk = w.jk;
        jk.compute(chunk);
        JoinHashTable t = table;
        long[] hash = jk.hash;
        boolean[] nul = jk.nullRow;
        long[] key0 = t.codes.length == 1 ? t.codes[0] : null;
        long[] probe0 = key0 != null ? jk.codes[0] : null;
        boolean firstOnly = semi || anti;
        int base = marks == null ? 0 : marks.start[seq];
        for (int i = 0; i < n; i++) {
            boolean found = false;
            if (!nul[i]) {
                long h = hash[i];
                int g = t.heads[(int) (h >>> t.shift)] - 1;
                while (g >= 0) {
                    if (t.hash[g] == h && (key0 != null ? key0[g] == probe0[i] : t.keysEqual(jk, chunk, i, g))) {
                        found = true;
                        if (firstOnly) {
                            break;
                        }
                        o.add(i, g, chunk, seq, index);
                        if (t.matched != null) {
                            t.matched[g] = 1;
                        }
                    }
                    g = t.next[g] - 1;
                }
            }
            if (marks == null) {
                if (found ? semi : (anti || probeOuter)) {
                    o.add(i, -1, chunk, seq, index);
                }
            } else if (found) {
                boolean first = marks.set(base + i);
                if (semi && first) {
                    o.add(i, -1, chunk, seq, index);
                }
            }
        }
        o.flush(chunk, seq, index);
        return false;
    }

    /** A probe chunk of a join with a condition: candidates by key (all build rows for a nested loop), then the condition. */
    private void acceptWithCondition(ProbeWorker w, int seq, int index, Chunk chunk) {
        int n = chunk.rows();
        if (w.found.length < n) {
            w.found = new boolean[Math.max(n, 1024)];
        }
        boolean[] found = w.found;
        java.util.Arrays.fill(found, 0, n, false);
        JoinOutput o = w.o;
        JoinOutput pairs = w.pairs;
        JoinHashTable t = table;
        boolean firstOnly = semi || anti;
        if (layout.nestedLoop) {
            for (int i = 0; i < n; i++) {
                for (int g = 0; g < t.n && !(firstOnly && found[i]); g++) {
                    pairs.addPair(i, g);
                    if (pairs.full()) {
                        evaluate(w, chunk, seq, index);
                    }
                }
            }
        } else {
            JoinKeys jk = w.jk;
            jk.compute(chunk);
            long[] hash = jk.hash;
            boolean[] nul = jk.nullRow;
            long[] key0 = t.codes.length == 1 ? t.codes[0] : null;
            long[] probe0 = key0 != null ? jk.codes[0] : null;
            for (int i = 0; i < n; i++) {
                if (nul[i]) {
                    continue;
                }
                long h = hash[i];
                int g = t.heads[(int) (h >>> t.shift)] - 1;
                while (g >= 0 && !(firstOnly && found[i])) {
                    if (t.hash[g] == h && (key0 != null ? key0[g] == probe0[i] : t.keysEqual(jk, chunk, i, g))) {
                        pairs.addPair(i, g);
                        if (pairs.full()) {
                            evaluate(w, chunk, seq, index);
                        }
                    }
                    g = t.next[g] - 1;
                }
            }
        }
        evaluate(w, chunk, seq, index);
        int base = marks == null ? 0 : marks.start[seq];
        for (int i = 0; i < n; i++) {
            if (marks == null) {
                if (found[i] ? semi : (anti || probeOuter)) {
                    o.add(i, -1, chunk, seq, index);
                }
            } else if (found[i]) {
                boolean first = marks.set(base + i);
                if (semi && first) {
                    o.add(i, -1, chunk, seq, index);
                }
            }
        }
        o.flush(chunk, seq, index);
    }

    /** Evaluates the condition over the waiting candidate pairs: the true ones match (and, but for semi and anti joins, are output). */
    private void evaluate(ProbeWorker w, Chunk chunk, int seq, int index) {
        JoinOutput pairs = w.pairs;
        int k = pairs.count;
        if (k == 0) {
            return;
        }
        int[] p = pairs.pRows;
        int[] g = pairs.bRows;
        boolean[] found = w.found;
        byte[] matched = table.matched;
        boolean pairsOut = !semi && !anti;
        try (Chunk c = pairs.take(chunk)) {
            HeapColumn v = condition.eval(c);
            boolean[] b = v.bools;
            boolean[] nulls = v.nulls;
            for (int i = 0; i < k; i++) {
                if (b[i] && (nulls == null || !nulls[i])) {
                    found[p[i]] = true;
                    if (matched != null) {
                        matched[g[i]] = 1;
                    }
                    if (pairsOut) {
                        w.o.add(p[i], g[i], chunk, seq, index);
                    }
                }
            }
        }
    }

    @Override
    public List<ChunkHandle> finish(List<ProbeWorker> locals) {
        return JoinOutput.inOrder(locals.stream().map(w -> w.o).toList());
    }

    @Override
    public void abort(List<ProbeWorker> locals) {
        for (ProbeWorker w : locals) {
            w.o.close(null);
        }
    }
}
