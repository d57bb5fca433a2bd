package org.spillway.frame.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.aggregate.AggregateWorker;
import org.spillway.frame.exec.aggregate.HashAggregate;
import org.spillway.frame.exec.join.AsofMergeJoin;
import org.spillway.frame.exec.join.HashJoin;
import org.spillway.frame.exec.pipeline.ChunkOperator;
import org.spillway.frame.exec.pipeline.CollectTerminal;
import org.spillway.frame.exec.pipeline.CountTerminal;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.FilterOperator;
import org.spillway.frame.exec.pipeline.OperatorFactory;
import org.spillway.frame.exec.pipeline.OrderedMapTerminal;
import org.spillway.frame.exec.pipeline.PlanRunner;
import org.spillway.frame.exec.pipeline.ProjectOperator;
import org.spillway.frame.exec.pipeline.RandomSplitTerminal;
import org.spillway.frame.exec.pipeline.ReduceTerminal;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.exec.scan.ChunkSource;
import org.spillway.frame.exec.scan.CsvChunkSource;
import org.spillway.frame.exec.scan.GeneratorChunkSource;
import org.spillway.frame.exec.scan.StoredChunkSource;
import org.spillway.frame.exec.scan.UnionChunkSource;
import org.spillway.frame.exec.sort.ExternalSort;
import org.spillway.frame.exec.sort.SortWorker;
import org.spillway.frame.exec.window.WindowOperator;
import org.spillway.frame.exec.window.WindowPass;
import org.spillway.frame.Expr.Alias;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.LogicalPlan.ChunkScan;
import org.spillway.frame.plan.LogicalPlan.CsvScan;
import org.spillway.frame.plan.LogicalPlan.ParquetScan;
import org.spillway.frame.plan.LogicalPlan.TableScan;
import org.spillway.frame.io.parquet.RowGroupRef;
import org.spillway.frame.exec.scan.ParquetChunkSource;
import org.spillway.frame.plan.LogicalPlan.Filter;
import org.spillway.frame.plan.LogicalPlan.Limit;
import org.spillway.frame.plan.LogicalPlan.Project;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.ProgressListener;
import org.spillway.parallel.Sink;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.RowGenerator;

/**
 * Runs an optimized {@link LogicalPlan}. A chain of streaming nodes (scan, filter, project) is one
 * pipeline: each morsel (a CSV split or a stored chunk) is read and pushed through fused operators
 * by one worker of the scheduler, from source to terminal, without materialising between steps. A
 * limit below other nodes breaks the pipeline: its input is collected first. Blocking operators
 * (group by, sort) run their input pipeline into their own terminal, then become a stored source
 * for the rest of the plan. A union is one source over the morsels of all its inputs, in order.
 */
public final class Executor implements PlanRunner {
    private final ExecContext ctx;

    /** An executor for the session's context. */
    public Executor(ExecContext ctx) {
        this.ctx = ctx;
    }

    /** The number of rows the already optimized {@code p} produces (optimize it for no output column: nothing need be read). */
    public long count(LogicalPlan p) {
        LogicalPlan scan = p instanceof Limit l ? l.child() : p;
        if (scan instanceof TableScan t && t.skipFilter() == null && t.table().liveRows() >= 0) {
            // answered from the table's metadata (record counts less deleted rows): no file is opened
            ctx.counters().add("table.countFromMetadata", 1);
            long n = t.table().liveRows();
            return p instanceof Limit l ? Math.min(n, l.n()) : n;
        }
        try (Compiled c = compile(p)) {
            if (c.limit == 0) {
                return 0;
            }
            if (c.ops.isEmpty() && c.source instanceof StoredChunkSource s) {
                long n = 0;
                for (ChunkHandle h : s.items()) {
                    n += h.rows();
                }
                return c.limit >= 0 ? Math.min(n, c.limit) : n;
            }
            if (c.ops.isEmpty() && c.source instanceof ParquetChunkSource s && !s.hasDeletedRows()) {
                // answered from the footers: no page is read (not with deleted rows: the footers count them)
                long n = 0;
                for (RowGroupRef rg : s.items()) {
                    n += rg.rows();
                }
                ctx.counters().add("parquet.countFromMetadata", 1);
                return c.limit >= 0 ? Math.min(n, c.limit) : n;
            }
            return run(c, new CountTerminal(c.limit), "count");
        }
    }

    /** Materialises the already optimized {@code plan} into stored chunks. */
    public StoredFrame collect(LogicalPlan optimized) {
        return collectOptimized(optimized);
    }

    private StoredFrame collectOptimized(LogicalPlan p) {
        // A blocking operator at the top already stores its result: hand it over instead of copying it.
        StoredFrame direct = switch (p) {
            case LogicalPlan.Join j -> join(j);
            case LogicalPlan.Aggregate a -> aggregate(a);
            case LogicalPlan.Sort s -> sort(s);
            case LogicalPlan.Window w -> window(w);
            case LogicalPlan.AsofJoin a -> asofJoin(a);
            default -> null;
        };
        if (direct != null) {
            if (direct.schema().equals(p.schema())) {
                return direct;
            }
            try (direct) { // extra (hidden) columns: copy the output's columns
                int[] keep = p.schema().names().stream().mapToInt(direct.schema()::indexOf).toArray();
                return collectOptimized(new ChunkScan(direct, keep, null));
            }
        }
        try (Compiled c = compile(p)) {
            String name = "collected#" + ctx.frameIds().getAsInt();
            if (c.limit == 0) {
                return new StoredFrame(name, p.schema(), List.of());
            }
            return run(c, new CollectTerminal(p.schema(), ctx.store(), ctx.budget(), name, c.limit, c.source.items().size()),
                    "collect");
        }
    }

    /**
     * Fills the rows of {@code generator} into stored chunks of {@code chunkRows} rows, in row order,
     * in parallel: one block per morsel, each chunk reserved from the budget and put into the chunk
     * store (which spills past the memory limit). On failure every chunk made so far is dropped.
     */
    public StoredFrame generate(RowGenerator generator) {
        GeneratorChunkSource source = new GeneratorChunkSource(generator, ctx.chunkRows(), ctx.budget());
        String name = "generated#" + ctx.frameIds().getAsInt();
        CollectTerminal t = new CollectTerminal(source.schema(), ctx.store(), ctx.budget(), name, -1, source.items().size());
        return runTyped(source, List.of(), t, "generate");
    }

    /** Folds every chunk of the already optimized {@code p} (in no particular order) with one accumulator per worker, then combines them. */
    public <A> A reduce(LogicalPlan p, Supplier<A> zero, BiConsumer<A, Chunk> fold, BinaryOperator<A> combine) {
        if (p instanceof Limit) {
            try (StoredFrame f = collectOptimized(p)) {
                return reduce(new ChunkScan(f, null, null), zero, fold, combine);
            }
        }
        try (Compiled c = compile(p)) {
            return run(c, new ReduceTerminal<>(zero, fold, combine), "reduce");
        }
    }

    /**
     * Maps every chunk of {@code plan} in parallel and passes the results to {@code inOrder} one at a
     * time, in chunk order (see {@link OrderedMapTerminal}); {@code optimized} is an already optimized plan.
     */
    public <R> void mapOrdered(LogicalPlan optimized, java.util.function.Function<Chunk, R> map, java.util.function.Consumer<R> inOrder) {
        runPlan(optimized, new OrderedMapTerminal<>(map, inOrder), "map");
    }

    /** Deals the rows of a stored frame into {@code weights.length} new stored frames at random (see {@link RandomSplitTerminal}). */
    public List<StoredFrame> randomSplit(StoredFrame in, double[] weights, long seed) {
        String name = "split#" + ctx.frameIds().getAsInt();
        RandomSplitTerminal t = new RandomSplitTerminal(in.schema(), ctx.store(), ctx.budget(), name, weights, seed);
        try (Compiled c = compile(new ChunkScan(in, null, null))) {
            return run(c, t, "randomSplit");
        }
    }

    /**
     * The rows of {@code in} that {@link #randomSplit} with weights {@code fraction, 1 - fraction} and this seed puts
     * in its first part, stored; the others are not stored.
     */
    public StoredFrame sample(StoredFrame in, double fraction, long seed) {
        String name = "sample#" + ctx.frameIds().getAsInt();
        RandomSplitTerminal t = new RandomSplitTerminal(in.schema(), ctx.store(), ctx.budget(), name,
                new double[] {fraction, 1 - fraction}, seed, new boolean[] {true, false});
        try (Compiled c = compile(new ChunkScan(in, null, null))) {
            return run(c, t, "sample").getFirst();
        }
    }

    /** Runs a (optimized) group-by: its input pipeline feeds the hash tables, then partitions are merged. */
    private StoredFrame aggregate(LogicalPlan.Aggregate a) {
        String name = "aggregated#" + ctx.frameIds().getAsInt();
        if (a.child() instanceof Limit) {
            try (StoredFrame in = collectOptimized(a.child())) {
                return aggregate(LogicalPlan.Aggregate.of(new ChunkScan(in, null, null), a.keys(), a.aggs()));
            }
        }
        HashAggregate h = new HashAggregate(a.keys(), a.aggs(), a.child().schema(), a.schema(), ctx);
        try (Compiled c = compile(a.child())) {
            List<AggregateWorker> workers = run(c, h.terminal(), "group by");
            return h.finish(workers, name);
        }
    }

    /** Runs a (optimized) join into stored chunks. */
    private StoredFrame join(LogicalPlan.Join j) {
        return new HashJoin(j, ctx, this).run("joined#" + ctx.frameIds().getAsInt());
    }

    /** Collects an optimized plan (for operators that need their input stored, such as a join's build side). */
    @Override
    public StoredFrame collectPlan(LogicalPlan optimized) {
        return collectOptimized(optimized);
    }

    /** Runs an optimized plan's pipeline into {@code terminal}; a plan ending in a limit is collected first. */
    @Override
    public <R> R runPlan(LogicalPlan optimized, Terminal<?, R> terminal, String task) {
        if (optimized instanceof Limit) {
            try (StoredFrame f = collectOptimized(optimized)) {
                return runPlan(new ChunkScan(f, null, null), terminal, task);
            }
        }
        try (Compiled c = compile(optimized)) {
            return run(c, terminal, task);
        }
    }

    /**
     * Runs a (optimized) sort: its input pipeline feeds the per-worker run buffers, then the runs are
     * merged. Key expressions that are not plain columns are computed into hidden columns by a
     * projection first; the result's leading columns are the sorted input columns.
     */
    private StoredFrame sort(LogicalPlan.Sort s) {
        String name = "sorted#" + ctx.frameIds().getAsInt();
        if (s.limit() == 0) {
            return new StoredFrame(name, s.schema(), List.of());
        }
        if (s.child() instanceof Limit) {
            try (StoredFrame in = collectOptimized(s.child())) {
                return sort(new LogicalPlan.Sort(new ChunkScan(in, null, null), s.orders(), s.limit()));
            }
        }
        Schema in = s.child().schema();
        List<Expr> exprs = new ArrayList<>();
        for (String n : in.names()) {
            exprs.add(new ColumnRef(n));
        }
        int[] keyColumns = new int[s.orders().size()];
        boolean computed = false;
        for (int k = 0; k < keyColumns.length; k++) {
            Expr e = s.orders().get(k).expr();
            Expr inner = e instanceof Alias a ? a.child() : e;
            if (inner instanceof ColumnRef r) {
                keyColumns[k] = in.indexOf(r.column());
            } else {
                String hidden = "__sort_key_" + k;
                while (in.indexOf(hidden) >= 0) {
                    hidden = "_" + hidden;
                }
                keyColumns[k] = exprs.size();
                exprs.add(e.as(hidden));
                computed = true;
            }
        }
        LogicalPlan child = computed ? Project.of(s.child(), exprs) : s.child();
        ExternalSort sorter = new ExternalSort(child.schema(), in.size(), keyColumns, s.orders(), s.limit(), ctx);
        try (Compiled c = compile(child)) {
            List<SortWorker> workers = run(c, sorter.terminal(), s.limit() < 0 ? "sort" : "top-k");
            return sorter.finish(workers, name);
        }
    }

    /**
     * Runs a (optimized) window node: function inputs that are not plain columns are computed into hidden columns,
     * the input is sorted by (partition keys ascending, order keys) with the external sort (or, with neither, only
     * collected), and {@link WindowPass} streams the sorted rows once, adding the window columns (segments of whole
     * partitions on all workers).
     */
    private StoredFrame window(LogicalPlan.Window w) {
        String name = "window#" + ctx.frameIds().getAsInt();
        Schema in = w.child().schema();
        List<Expr> exprs = new ArrayList<>();
        for (String n : in.names()) {
            exprs.add(new ColumnRef(n));
        }
        int[] args = new int[w.functions().size()];
        for (int f = 0; f < args.length; f++) {
            org.spillway.frame.WindowFunction fn = w.functions().get(f).function();
            Expr e = fn.aggregate() != null ? fn.aggregate().input() : fn.input();
            Expr inner = e instanceof Alias a ? a.child() : e;
            if (e == null) {
                args[f] = -1;
            } else if (inner instanceof ColumnRef r) {
                args[f] = in.indexOf(r.column());
            } else {
                String hidden = "__window_arg_" + f;
                while (in.indexOf(hidden) >= 0) {
                    hidden = "_" + hidden;
                }
                args[f] = exprs.size();
                exprs.add(inner.as(hidden));
            }
        }
        LogicalPlan child = exprs.size() > in.size() ? Project.of(w.child(), exprs) : w.child();
        List<org.spillway.frame.SortOrder> orders = new ArrayList<>();
        for (String k : w.spec().partitionKeys()) {
            orders.add(org.spillway.frame.Functions.asc(k));
        }
        orders.addAll(w.spec().orderKeys());
        // below a window of the same partition and order (through filters and projections) the rows are already sorted
        boolean sorted0 = !orders.isEmpty() && sortedBy(child, w.spec());
        if (sorted0) {
            ctx.counters().add("window.sortsReused", 1);
        }
        WindowOperator.TopKRows topK = w.topK() == null || sorted0 ? null : WindowOperator.partitionTopK(w, child, this, ctx);
        StoredFrame reduced = topK == null ? null : topK.frame();
        if (topK != null && topK.inWindowOrder()) { // the kept rows came out in the window's order: no sort
            ctx.counters().add("window.sortsSkipped", 1);
            try {
                return WindowPass.run(w, args, ctx, reduced, name);
            } finally {
                reduced.close();
            }
        }
        try (StoredFrame sorted = orders.isEmpty() || sorted0 ? collectOptimized(child)
                : sort(new LogicalPlan.Sort(reduced == null ? child : new ChunkScan(reduced, null, null), orders, -1))) {
            return WindowPass.run(w, args, ctx, sorted, name);
        } finally {
            if (reduced != null) {
                reduced.close();
            }
        }
    }

    /**
     * Runs a (optimized) as-of join: both inputs are sorted by (keys ascending, time ascending; nulls last) with the
     * external sort, one after the other, and {@link AsofMergeJoin} merges the two sorted streams.
     */
    private StoredFrame asofJoin(LogicalPlan.AsofJoin a) {
        String name = "asof#" + ctx.frameIds().getAsInt();
        try (StoredFrame left = sort(new LogicalPlan.Sort(a.left(), asofOrder(a.leftKeys(), a.leftTime()), -1));
             StoredFrame right = sort(new LogicalPlan.Sort(a.right(), asofOrder(a.rightKeys(), a.rightTime()), -1))) {
            return new AsofMergeJoin(a, ctx).run(left, right, name);
        }
    }

    private static List<org.spillway.frame.SortOrder> asofOrder(List<String> keys, String time) {
        List<org.spillway.frame.SortOrder> orders = new ArrayList<>();
        for (String k : keys) {
            orders.add(org.spillway.frame.Functions.asc(k));
        }
        orders.add(org.spillway.frame.Functions.asc(time));
        return orders;
    }

    /**
     * True if {@code p}'s rows come sorted as a window of {@code spec} needs them: below a window node of the same
     * partition columns whose order starts with {@code spec}'s, through filters and projections that pass the key
     * columns through under their names.
     */
    private static boolean sortedBy(LogicalPlan p, org.spillway.frame.WindowSpec spec) {
        return switch (p) {
            case Project pr -> {
                for (String k : windowKeys(spec)) {
                    if (!k.equals(pr.sourceColumn(k))) {
                        yield false;
                    }
                }
                yield sortedBy(pr.child(), spec);
            }
            case Filter f -> sortedBy(f.child(), spec);
            case LogicalPlan.Window w -> {
                // the same partitions (as sets of columns), and this order a prefix of the one below
                List<String> o1 = w.spec().orderKeys().stream().map(Object::toString).toList();
                List<String> o2 = spec.orderKeys().stream().map(Object::toString).toList();
                yield new java.util.HashSet<>(w.spec().partitionKeys()).equals(new java.util.HashSet<>(spec.partitionKeys()))
                        && o2.size() <= o1.size() && o1.subList(0, o2.size()).equals(o2);
            }
            default -> false;
        };
    }

    private static List<String> windowKeys(org.spillway.frame.WindowSpec spec) {
        List<String> keys = new ArrayList<>(spec.partitionKeys());
        for (org.spillway.frame.SortOrder o : spec.orderKeys()) {
            keys.add(((ColumnRef) o.expr()).column());
        }
        return keys;
    }

    // ---- compilation --------------------------------------------------------------------------

    private static final class Compiled implements AutoCloseable {
        ChunkSource<?, ?> source;
        final List<OperatorFactory> ops = new ArrayList<>();
        long limit = -1;
        final List<StoredFrame> temporaries = new ArrayList<>();
        final List<Compiled> nested = new ArrayList<>();

        @Override
        public void close() {
            temporaries.forEach(StoredFrame::close);
            nested.forEach(Compiled::close);
        }
    }

    private Compiled compile(LogicalPlan plan) {
        Compiled c = new Compiled();
        try {
            LogicalPlan cur = plan;
            if (cur instanceof Limit l) {
                c.limit = l.n();
                cur = l.child();
            }
            int chunkRows = ctx.chunkRows();
            while (c.source == null) {
                switch (cur) {
                    case Filter f -> {
                        Schema in = f.child().schema();
                        c.ops.add(() -> new FilterOperator(f.predicate(), in, ctx.budget(), chunkRows));
                        cur = f.child();
                    }
                    case Project p -> {
                        Schema in = p.child().schema();
                        c.ops.add(() -> new ProjectOperator(p.exprs(), in, p.schema(), ctx.budget(), chunkRows));
                        cur = p.child();
                    }
                    case Limit l -> {
                        StoredFrame tmp = collectOptimized(l);
                        c.temporaries.add(tmp);
                        c.source = new StoredChunkSource(tmp, all(tmp.schema()), null);
                    }
                    case LogicalPlan.Join j -> {
                        StoredFrame tmp = join(j);
                        c.temporaries.add(tmp);
                        c.source = new StoredChunkSource(tmp, all(tmp.schema()), null);
                    }
                    case LogicalPlan.Aggregate a -> {
                        StoredFrame tmp = aggregate(a);
                        c.temporaries.add(tmp);
                        c.source = new StoredChunkSource(tmp, all(tmp.schema()), null);
                    }
                    case LogicalPlan.Sort so -> {
                        StoredFrame tmp = sort(so);
                        c.temporaries.add(tmp);
                        c.source = new StoredChunkSource(tmp, all(so.schema()), null); // hidden columns follow
                    }
                    case LogicalPlan.Window w -> {
                        StoredFrame tmp = window(w);
                        c.temporaries.add(tmp);
                        c.source = new StoredChunkSource(tmp, all(tmp.schema()), null);
                    }
                    case LogicalPlan.AsofJoin a -> {
                        StoredFrame tmp = asofJoin(a);
                        c.temporaries.add(tmp);
                        c.source = new StoredChunkSource(tmp, all(tmp.schema()), null);
                    }
                    case LogicalPlan.Union u -> {
                        List<UnionChunkSource.Branch> branches = new ArrayList<>();
                        for (LogicalPlan child : u.children()) {
                            if (child instanceof Limit) {
                                StoredFrame tmp = collectOptimized(child);
                                c.temporaries.add(tmp);
                                branches.add(new UnionChunkSource.Branch(new StoredChunkSource(tmp, all(tmp.schema()), null), List.of()));
                            } else {
                                Compiled b = compile(child);
                                c.nested.add(b);
                                branches.add(new UnionChunkSource.Branch(b.source, List.copyOf(b.ops)));
                            }
                        }
                        c.source = new UnionChunkSource(u.schema(), branches);
                    }
                    case CsvScan s -> c.source = new CsvChunkSource(s.source(),
                            s.projection() == null ? all(s.source().schema()) : s.projection(), chunkRows, ctx.budget(),
                            ctx.counters()::add);
                    case LogicalPlan.GeneratorScan s -> c.source = new GeneratorChunkSource(s.generator(), s.projection(),
                            chunkRows, ctx.budget());
                    case ChunkScan s -> c.source = new StoredChunkSource(s.frame(),
                            s.projection() == null ? all(s.frame().schema()) : s.projection(), s.skipFilter());
                    case ParquetScan s -> c.source = new ParquetChunkSource(s.source(),
                            s.projection() == null ? all(s.source().schema()) : s.projection(), s.skipFilter(), chunkRows,
                            ctx.budget(), ctx.counters());
                    case TableScan s -> c.source = new ParquetChunkSource(s.table().scan(s.skipFilter(), ctx.counters()::add),
                            s.projection() == null ? all(s.table().schema()) : s.projection(), s.skipFilter(), chunkRows,
                            ctx.budget(), ctx.counters());
                }
            }
            Collections.reverse(c.ops);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private static int[] all(Schema s) {
        int[] a = new int[s.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    // ---- running ------------------------------------------------------------------------------

    private <R> R run(Compiled c, Terminal<?, R> terminal, String task) {
        return runTyped(c.source, c.ops, terminal, task);
    }

    private <T, S, L, R> R runTyped(ChunkSource<T, S> source, List<OperatorFactory> ops, Terminal<L, R> terminal, String task) {
        List<T> items = source.items();
        ProgressListener progress = ctx.progress().apply(task, source.unit());
        return ctx.scheduler().run(items, source::weight, new PipelineSink<>(source, ops, terminal), progress);
    }

    /** Thrown through a source to stop producing a morsel's chunks early; carries no stack trace. */
    private static final class StopMorsel extends RuntimeException {
        static final StopMorsel INSTANCE = new StopMorsel();

        private StopMorsel() {
            super("stop", null, false, false);
        }
    }

    /** A worker's pipeline: its source state, operator instances and terminal state. */
    private static final class Worker<S, L> {
        final S sourceState;
        final ChunkOperator[] ops;
        final L local;
        final List<Chunk> alive = new ArrayList<>();
        final boolean[] independent = new boolean[1];

        Worker(S sourceState, ChunkOperator[] ops, L local) {
            this.sourceState = sourceState;
            this.ops = ops;
            this.local = local;
        }
    }

    /** Adapts a source, operators and a terminal to the scheduler's {@link Sink}. */
    private static final class PipelineSink<T, S, L, R> implements Sink<T, Worker<S, L>, R> {
        private final ChunkSource<T, S> source;
        private final List<OperatorFactory> ops;
        private final Terminal<L, R> terminal;

        PipelineSink(ChunkSource<T, S> source, List<OperatorFactory> ops, Terminal<L, R> terminal) {
            this.source = source;
            this.ops = ops;
            this.terminal = terminal;
        }

        @Override
        public Worker<S, L> newLocal() {
            ChunkOperator[] o = new ChunkOperator[ops.size()];
            for (int i = 0; i < o.length; i++) {
                o[i] = ops.get(i).create();
            }
            return new Worker<>(source.newState(), o, terminal.newLocal());
        }

        @Override
        public void accept(Worker<S, L> w, Morsel<T> m) {
            int[] index = {0};
            long[] rows = {0};
            try {
                source.produce(m.item(), w.sourceState, (chunk, owned) -> {
                    rows[0] += push(w, m.seq(), index[0]++, chunk, owned);
                    if (terminal.morselSatisfied(m.seq(), rows[0])) {
                        throw StopMorsel.INSTANCE;
                    }
                });
            } catch (StopMorsel stop) {
                // the terminal has what it needs from this morsel (a limit); the rest is not read
            }
            terminal.morselDone(w.local, m.seq(), rows[0]);
        }

        /** Runs one chunk through the operators into the terminal; returns the rows that reached it. */
        private long push(Worker<S, L> w, int seq, int index, Chunk chunk, boolean owned) {
            List<Chunk> alive = w.alive;
            alive.clear();
            try {
                Chunk cur = ChunkOperator.applyAll(w.ops, chunk, owned, alive, w.independent);
                if (cur == null) {
                    return 0;
                }
                boolean kept = terminal.accept(w.local, seq, index, cur,
                        w.independent[0] && alive.size() == 1 && alive.getFirst() == cur);
                if (kept) {
                    alive.remove(cur);
                }
                return cur.rows();
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

        @Override
        public R finish(List<Worker<S, L>> locals) {
            try {
                return terminal.finish(locals.stream().map(w -> w.local).toList());
            } finally {
                closeSourceStates(locals);
            }
        }

        /** Closes per-worker source states that hold resources (a Parquet reader's buffers and file handles). */
        private static void closeSourceStates(List<? extends Worker<?, ?>> locals) {
            for (Worker<?, ?> w : locals) {
                if (w.sourceState instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("closing a scan's reader failed: " + e.getMessage(), e);
                    }
                }
            }
        }

        @Override
        public boolean isDone() {
            return terminal.isDone();
        }

        @Override
        public void abort(List<Worker<S, L>> locals) {
            try {
                terminal.abort(locals.stream().map(w -> w.local).toList());
            } finally {
                closeSourceStates(locals);
            }
        }
    }
}
