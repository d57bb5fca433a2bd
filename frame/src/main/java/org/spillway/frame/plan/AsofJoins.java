package org.spillway.frame.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spillway.frame.AsofOptions;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.plan.LogicalPlan.AsofJoin;
import org.spillway.frame.plan.LogicalPlan.JoinColumn;
import org.spillway.frame.plan.LogicalPlan.JoinSide;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Builds and checks {@link AsofJoin} nodes: the keys (present, of joinable types), the time columns (int32, int64,
 * float64, date, timestamp or timestamp_ntz, of one family on both sides), the tolerance (a {@code Duration} for dates
 * and timestamps, a number for numbers) and the output layout (as {@link LogicalPlan.Join}'s).
 */
public final class AsofJoins {
    private AsofJoins() {
    }

    /**
     * An as-of join of {@code left} and {@code right} on the key pairs {@code leftKeys}/{@code rightKeys} (possibly
     * none; {@code using}: named alike, each kept once) and the time columns {@code leftTime}/{@code rightTime}.
     *
     * @throws ColumnNotFoundException if a key or time column is missing on its side
     * @throws SpillwayException if types do not fit, or the tolerance does not fit the time columns' type
     */
    public static AsofJoin of(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys, boolean using,
                              String leftTime, String rightTime, AsofOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        java.util.Objects.requireNonNull(leftTime, "leftTime");
        java.util.Objects.requireNonNull(rightTime, "rightTime");
        Schema ls = left.schema();
        Schema rs = right.schema();
        if (leftKeys.size() != rightKeys.size()) {
            throw new IllegalArgumentException("key lists of different lengths");
        }
        if (leftKeys.size() > 64) {
            throw new SpillwayException("An as-of join takes at most 64 key columns, not " + leftKeys.size());
        }
        for (int i = 0; i < leftKeys.size(); i++) {
            DataType lt = typeOf(ls, leftKeys.get(i), "left key");
            DataType rt = typeOf(rs, rightKeys.get(i), "right key");
            if (!(lt.equals(rt) || lt.isIntegral() && rt.isIntegral())) {
                throw new SpillwayException("Cannot join " + lt.displayName() + " column '" + leftKeys.get(i) + "' with "
                        + rt.displayName() + " column '" + rightKeys.get(i) + "' in an as-of join; cast one side first, e.g. col(\""
                        + rightKeys.get(i) + "\").cast(DataType." + lt.name() + ")");
            }
        }
        DataType lt = typeOf(ls, leftTime, "left time");
        DataType rt = typeOf(rs, rightTime, "right time");
        String lf = family(lt);
        String rf = family(rt);
        if (lf == null || rf == null || !lf.equals(rf)) {
            throw new SpillwayException("An as-of join compares the left time column '" + leftTime + "' (" + lt.displayName()
                    + ") with the right time column '" + rightTime + "' (" + rt.displayName() + "): they must be both numbers"
                    + " (int32, int64, float64), both dates, both timestamps or both timestamp_ntz; cast one side first");
        }
        if (leftKeys.contains(leftTime) || rightKeys.contains(rightTime)) {
            throw new SpillwayException("The time column of an as-of join cannot also be a key: '"
                    + (leftKeys.contains(leftTime) ? leftTime : rightTime) + "'");
        }
        boolean numeric = lf.equals("number");
        if (numeric && options.durationTolerance() != null) {
            throw new SpillwayException("The time columns '" + leftTime + "' and '" + rightTime + "' are numbers ("
                    + lt.displayName() + ", " + rt.displayName() + "): give the tolerance as a number of their unit,"
                    + " tolerance(" + options.durationTolerance().toSeconds() + "), not a Duration");
        }
        if (!numeric && options.numericTolerance() != null) {
            throw new SpillwayException("The time columns '" + leftTime + "' and '" + rightTime + "' are " + lt.displayName()
                    + ": give the tolerance as a Duration, e.g. tolerance(Duration.ofMinutes(5)), not the number "
                    + options.numericTolerance());
        }
        List<JoinColumn> out = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            out.add(new JoinColumn(ls.field(i).name(), ls.type(i), JoinSide.LEFT, ls.field(i).name(), null));
        }
        out.addAll(LogicalPlan.Join.rightColumns(ls, rs, rightKeys, using, options.suffix()));
        return build(left, right, List.copyOf(leftKeys), List.copyOf(rightKeys), leftTime, rightTime, options, out);
    }

    private static AsofJoin build(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys,
                                  String leftTime, String rightTime, AsofOptions options, List<JoinColumn> outputs) {
        List<Field> fields = new ArrayList<>();
        for (JoinColumn c : outputs) {
            Schema s = c.side() == JoinSide.LEFT ? left.schema() : right.schema();
            int i = s.indexOf(c.side() == JoinSide.LEFT ? c.left() : c.right());
            Map<String, String> meta = i < 0 ? Map.of() : s.field(i).metadata();
            fields.add(new Field(c.name(), c.type(), meta));
        }
        return new AsofJoin(left, right, leftKeys, rightKeys, leftTime, rightTime, options, List.copyOf(outputs), new Schema(fields));
    }

    /** {@code j} over new inputs, producing only {@code kept} (of its outputs). */
    static AsofJoin withOutputs(AsofJoin j, LogicalPlan left, LogicalPlan right, List<JoinColumn> kept) {
        return build(left, right, j.leftKeys(), j.rightKeys(), j.leftTime(), j.rightTime(), j.options(), kept);
    }

    /** {@code explain()}'s line: {@code AsofJoin BACKWARD on user = user AND ts >= feature_ts tolerance=PT5M}. */
    static String describe(AsofJoin j) {
        StringBuilder sb = new StringBuilder("AsofJoin ").append(j.options().strategy()).append(" on ");
        for (int i = 0; i < j.leftKeys().size(); i++) {
            sb.append(j.leftKeys().get(i)).append(" = ").append(j.rightKeys().get(i)).append(" AND ");
        }
        AsofOptions o = j.options();
        String op = switch (o.strategy()) {
            case BACKWARD -> o.allowExactMatches() ? " >= " : " > ";
            case FORWARD -> o.allowExactMatches() ? " <= " : " < ";
            case NEAREST -> o.allowExactMatches() ? " ~ " : " ~(not =) ";
        };
        sb.append(j.leftTime()).append(op).append(j.rightTime());
        if (o.durationTolerance() != null) {
            sb.append(" tolerance=").append(o.durationTolerance());
        } else if (o.numericTolerance() != null) {
            sb.append(" tolerance=").append(o.numericTolerance());
        }
        return sb.toString();
    }

    private static DataType typeOf(Schema s, String column, String what) {
        int i = s.indexOf(column);
        if (i < 0) {
            String side = what.substring(0, what.indexOf(' '));
            throw new ColumnNotFoundException(column, s.names(), "an as-of join's " + what + " column must be a column of the "
                    + side + " frame");
        }
        return s.type(i);
    }

    /** The family of a time column's type (types of one family compare with each other), or null if it cannot be a time. */
    private static String family(DataType t) {
        return switch (t.kind()) {
            case INT32, INT64, FLOAT64 -> "number";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMP_NTZ -> "timestamp_ntz";
            default -> null;
        };
    }
}
