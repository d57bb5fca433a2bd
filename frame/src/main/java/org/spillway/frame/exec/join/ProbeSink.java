package org.spillway.frame.exec.join;

import java.util.List;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * The end of the probe side's pipeline: every worker streams its probe chunks through the shared,
 * read-only {@link JoinHashTable} and gathers the pairs into its own {@link JoinOutput}, so probing
 * needs no lock. Unmatched probe rows (left, right, full, anti) are emitted right away, since each
 * probe row is seen once, and semi and anti joins stop at a row's first match.
 *
 * <p>With {@code marks} (a skewed partition joined in build pieces) a probe row's fate is only
 * known after the last piece: matches set its mark, and a final pass with {@code unmatchedPass}
 * (and no table) emits the rows never marked. The result lists the output chunks in probe order.
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
    }

    /** One worker's probe keys (arrays reused from chunk to chunk) and output. */
    final class ProbeWorker {
        final JoinKeys jk = new JoinKeys(probeKeys, stringKey);
        final JoinOutput o = new JoinOutput(ctx, layout, table);
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
