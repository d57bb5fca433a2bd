package org.spillway.frame.exec.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * {@code x IN (v1, v2, ...)} with SQL's three-valued result: true on a match, else null if {@code x} or a value is
 * null, else false. An integer or string column tested against constants looks values up in a sorted array or a hash set; anything
 * else is the OR of the comparisons {@code x = v} (each compiled as {@link BinaryExpr} is, so that decimals, dates
 * written as strings and mixed numbers compare exactly as {@code eq} does).
 */
final class InEval {
    private InEval() {
    }

    static PhysicalExpr compile(FunctionCall f, Schema schema) {
        Expr x = f.args().getFirst();
        List<Expr> items = f.args().subList(1, f.args().size());
        DataType t = x.type(schema);
        boolean constants = items.stream().allMatch(e -> e instanceof Literal);
        if (constants && (t.isIntegral() || t == DataType.STRING)) {
            Set<Object> set = new HashSet<>();
            boolean hasNull = false;
            boolean allFit = true;
            for (Expr e : items) {
                Object v = ((Literal) e).value();
                switch (v) {
                    case null -> hasNull = true;
                    case Integer i when t.isIntegral() -> set.add((long) i);
                    case Long l when t.isIntegral() -> set.add(l);
                    case String s when t == DataType.STRING -> set.add(s);
                    default -> allFit = false;
                }
            }
            if (allFit) {
                return hashed(ExprCompiler.compile(x, schema), set, hasNull, t.isIntegral());
            }
        }
        List<PhysicalExpr> tests = new ArrayList<>(items.size());
        for (Expr e : items) {
            tests.add(ExprCompiler.compile(new BinaryExpr(BinaryExpr.Op.EQ, x, e), schema));
        }
        PhysicalExpr value = ExprCompiler.compile(x, schema);
        return chunk -> {
            int n = chunk.rows();
            HeapColumn v = value.eval(chunk);
            HeapColumn out = new HeapColumn(DataType.BOOL, n);
            boolean[] unknown = new boolean[n];
            for (int i = 0; i < n; i++) {
                unknown[i] = v.isNull(i);
            }
            for (PhysicalExpr test : tests) {
                HeapColumn c = test.eval(chunk);
                for (int i = 0; i < n; i++) {
                    if (c.isNull(i)) {
                        unknown[i] = true;
                    } else if (c.bools[i]) {
                        out.bools[i] = true;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (!out.bools[i] && unknown[i]) {
                    out.setNull(i);
                }
            }
            return out;
        };
    }

    private static PhysicalExpr hashed(PhysicalExpr value, Set<Object> set, boolean hasNull, boolean integral) {
        // integers: a sorted array searched without boxing
        long[] sorted = integral ? set.stream().mapToLong(o -> (Long) o).sorted().toArray() : null;
        return chunk -> {
            int n = chunk.rows();
            HeapColumn v = value.eval(chunk);
            HeapColumn out = new HeapColumn(DataType.BOOL, n);
            for (int i = 0; i < n; i++) {
                if (v.isNull(i)) {
                    out.setNull(i);
                } else if (integral ? Arrays.binarySearch(sorted, v.longs[i]) >= 0 : set.contains(v.strings[i])) {
                    out.bools[i] = true;
                } else if (hasNull) {
                    out.setNull(i);
                }
            }
            return out;
        };
    }
}
