package org.spillway.ml.recommendation;

import static org.spillway.frame.Functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.Spillway;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.ml.ModelIO;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;

/**
 * A fitted {@link ALS} model: a factor vector per user and per item seen in training.
 *
 * <ul>
 *   <li>{@link #transform} adds the prediction column (float64), the dot product of the row's user
 *       and item factors, lazily; a user or item without factors (not in the training data, or a
 *       null id) gets NaN, or its row is left out with {@code coldStartStrategy("drop")}, as in Spark.</li>
 *   <li>{@link #recommendForAllUsers}, {@link #recommendForUserSubset} and
 *       {@link #recommendForAllItems} return the top {@code n} items of each user (users of each
 *       item). Spillway has no array column, so where Spark returns one row per user with an array
 *       of {@code (item, rating)} structs, these return <em>long form</em>: {@code n} rows per user
 *       {@code (userCol, itemCol, rating, rank)}, {@code rank} = 1 for the best, ties broken by the
 *       smaller id; rows ordered by user id, then rank. A frame filled in parallel into the session's
 *       chunk store (it spills); scoring costs users x items x rank multiply-adds.</li>
 *   <li>{@link #userFactors()} and {@link #itemFactors()}: frames {@code (id, f0 .. f<rank-1>)} in id order.</li>
 * </ul>
 *
 * <p>The frames made without an input frame use the session the model was fitted in; a model loaded
 * from a file has none, so pass one ({@code recommendForAllUsers(sw, 10)}). Saved as JSON like the
 * other models, the ids and factors as base64 of little-endian 64-bit values (exact), in pieces
 * of at most 2^19 values.
 */
public final class ALSModel implements Model, ModelIO.Persistable {
    /** The type name in model files. */
    public static final String TYPE = "ALSModel";
    private static final int PIECE = 1 << 19;

    /**
     * What training did.
     *
     * @param iterations       iterations run
     * @param objectiveHistory the ALS-WR objective per rating after each iteration (the weighted
     *                         implicit objective with implicit feedback)
     * @param ratings          training ratings
     * @param implicitPrefs    whether the ratings were implicit feedback
     * @param seconds          the fit's run time
     */
    public record Summary(int iterations, double[] objectiveHistory, long ratings, boolean implicitPrefs, double seconds) {
        /** The objective after the last iteration (NaN after none). */
        public double objective() {
            return objectiveHistory.length == 0 ? Double.NaN : objectiveHistory[objectiveHistory.length - 1];
        }
    }

    private final int rank;
    private final String userCol;
    private final String itemCol;
    private final String predictionCol;
    private final String coldStartStrategy;
    private final DataType userType;
    private final DataType itemType;
    private final IdIndex users;
    private final IdIndex items;
    private final double[] userFactors;
    private final double[] itemFactors;
    private final Summary summary;
    private final transient Spillway session;

    ALSModel(int rank, String userCol, String itemCol, String predictionCol, String coldStartStrategy, DataType userType,
             DataType itemType, long[] userIds, long[] itemIds, double[] userFactors, double[] itemFactors, Summary summary,
             Spillway session) {
        this.rank = rank;
        this.userCol = userCol;
        this.itemCol = itemCol;
        this.predictionCol = predictionCol;
        this.coldStartStrategy = coldStartStrategy;
        this.userType = userType;
        this.itemType = itemType;
        this.users = new IdIndex(userIds);
        this.items = new IdIndex(itemIds);
        this.userFactors = userFactors;
        this.itemFactors = itemFactors;
        this.summary = summary;
        this.session = session;
    }

    /** The number of factors per user and item. */
    public int rank() {
        return rank;
    }

    /** The user column. */
    public String userCol() {
        return userCol;
    }

    /** The item column. */
    public String itemCol() {
        return itemCol;
    }

    /** The prediction column {@link #transform} adds. */
    public String predictionCol() {
        return predictionCol;
    }

    /** {@code "nan"} or {@code "drop"}. */
    public String coldStartStrategy() {
        return coldStartStrategy;
    }

    /** What training did. */
    public Summary summary() {
        return summary;
    }

    /** The number of users with factors. */
    public int userCount() {
        return users.size();
    }

    /** The number of items with factors. */
    public int itemCount() {
        return items.size();
    }

    /** The factors of user {@code id} (a copy), or null if the model has none for it. */
    public double[] userFactor(long id) {
        int j = users.indexOf(id);
        return j < 0 ? null : Arrays.copyOfRange(userFactors, j * rank, (j + 1) * rank);
    }

    /** The factors of item {@code id} (a copy), or null if the model has none for it. */
    public double[] itemFactor(long id) {
        int j = items.indexOf(id);
        return j < 0 ? null : Arrays.copyOfRange(itemFactors, j * rank, (j + 1) * rank);
    }

    /** The predicted rating of user {@code user} for item {@code item}: NaN if either has no factors. */
    public double predict(long user, long item) {
        int u = users.indexOf(user);
        int i = items.indexOf(item);
        return u < 0 || i < 0 ? Double.NaN : dot(userFactors, u * rank, itemFactors, i * rank, rank);
    }

    /** A copy of this model with another cold-start strategy ({@code "nan"} or {@code "drop"}). */
    public ALSModel coldStartStrategy(String s) {
        if (!s.equals("nan") && !s.equals("drop")) {
            throw new MlException("Parameter coldStartStrategy = " + s + " is invalid: it must be one of [nan, drop]");
        }
        return new ALSModel(rank, userCol, itemCol, predictionCol, s, userType, itemType, users.ids(), items.ids(), userFactors,
                itemFactors, summary, session);
    }

    private static double dot(double[] a, int ao, double[] b, int bo, int k) {
        double s = 0;
        for (int c = 0; c < k; c++) {
            s += a[ao + c] * b[bo + c];
        }
        return s;
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        Schema s = frame.schema();
        for (String c : new String[] {userCol, itemCol}) {
            if (!s.contains(c)) {
                throw new ColumnNotFoundException(c, s.names());
            }
        }
        RatingBlocks.checkIdColumn(s, userCol, "user", TYPE);
        RatingBlocks.checkIdColumn(s, itemCol, "item", TYPE);
        DataFrame out = frame.withColumn(predictionCol, Functions.udf(new Predict()));
        return coldStartStrategy.equals("drop") ? out.filter(col(predictionCol).isNaN().not()) : out;
    }

    /** The prediction of every row, NaN for an unknown or null id. */
    private final class Predict implements VectorFunction {
        @Override
        public DataType resultType(Schema input) {
            for (String c : new String[] {userCol, itemCol}) {
                if (!input.contains(c)) {
                    throw new ColumnNotFoundException(c, input.names());
                }
            }
            return DataType.FLOAT64;
        }

        @Override
        public Set<String> inputColumns() {
            return Set.of(userCol, itemCol);
        }

        @Override
        public HeapColumn apply(Chunk chunk) {
            ColumnVector uv = chunk.column(userCol);
            ColumnVector iv = chunk.column(itemCol);
            int n = chunk.rows();
            HeapColumn out = new HeapColumn(DataType.FLOAT64, n);
            for (int r = 0; r < n; r++) {
                int u = uv.isNull(r) ? -1 : users.indexOf(IdIndex.idAt(uv, r));
                int i = iv.isNull(r) ? -1 : items.indexOf(IdIndex.idAt(iv, r));
                out.doubles[r] = u < 0 || i < 0 ? Double.NaN : dot(userFactors, u * rank, itemFactors, i * rank, rank);
            }
            return out;
        }
    }

    private Spillway fitSession(String method) {
        if (session == null) {
            throw new MlException("ALSModel." + method + "(...) makes a frame and this model has no session (it was loaded from a file):"
                    + " pass one, e.g. " + method + "(sw, ...)");
        }
        return session;
    }

    private static void checkCount(int n) {
        if (n < 1) {
            throw new MlException("The number of recommendations must be at least 1, not " + n);
        }
    }

    private static int[] all(int n) {
        int[] a = new int[n];
        for (int j = 0; j < n; j++) {
            a[j] = j;
        }
        return a;
    }

    /** The top {@code n} items of every user, in long form {@code (userCol, itemCol, rating, rank)}, in the fit's session. */
    public DataFrame recommendForAllUsers(int n) {
        return recommendForAllUsers(fitSession("recommendForAllUsers"), n);
    }

    /** The top {@code n} items of every user, in long form {@code (userCol, itemCol, rating, rank)}, made in session {@code sw}. */
    public DataFrame recommendForAllUsers(Spillway sw, int n) {
        checkCount(n);
        return sw.generate(new TopKRows(all(users.size()), userFactors, itemFactors, rank, n, users.ids(), items.ids(), userCol,
                userType, itemCol, itemType));
    }

    /** The top {@code n} users of every item, in long form {@code (itemCol, userCol, rating, rank)}, in the fit's session. */
    public DataFrame recommendForAllItems(int n) {
        return recommendForAllItems(fitSession("recommendForAllItems"), n);
    }

    /** The top {@code n} users of every item, in long form {@code (itemCol, userCol, rating, rank)}, made in session {@code sw}. */
    public DataFrame recommendForAllItems(Spillway sw, int n) {
        checkCount(n);
        return sw.generate(new TopKRows(all(items.size()), itemFactors, userFactors, rank, n, items.ids(), users.ids(), itemCol,
                itemType, userCol, userType));
    }

    /**
     * The top {@code n} items of each distinct user in the {@code userCol} column of {@code usersFrame}
     * (users the model does not know, and nulls, are left out, as in Spark), in long form, by user id.
     */
    public DataFrame recommendForUserSubset(DataFrame usersFrame, int n) {
        checkCount(n);
        int[] sel = selection(usersFrame, userCol, "user", users);
        return usersFrame.session().generate(new TopKRows(sel, userFactors, itemFactors, rank, n, users.ids(), items.ids(), userCol,
                userType, itemCol, itemType));
    }

    /** The top {@code n} users of each distinct item in the {@code itemCol} column of {@code itemsFrame}, in long form, by item id. */
    public DataFrame recommendForItemSubset(DataFrame itemsFrame, int n) {
        checkCount(n);
        int[] sel = selection(itemsFrame, itemCol, "item", items);
        return itemsFrame.session().generate(new TopKRows(sel, itemFactors, userFactors, rank, n, items.ids(), users.ids(), itemCol,
                itemType, userCol, userType));
    }

    private static int[] selection(DataFrame frame, String column, String role, IdIndex index) {
        Schema s = frame.schema();
        if (!s.contains(column)) {
            throw new ColumnNotFoundException(column, s.names());
        }
        RatingBlocks.checkIdColumn(s, column, role, TYPE);
        DataFrame d = frame.select(col(column).cast(DataType.INT64).as("id")).distinct();
        List<int[]> parts = new ArrayList<>();
        d.mapChunksOrdered(c -> {
            LongVector v = (LongVector) c.column(0);
            int[] a = new int[c.rows()];
            int m = 0;
            for (int i = 0; i < a.length; i++) {
                if (!v.isNull(i)) {
                    int j = index.indexOf(v.get(i));
                    if (j >= 0) {
                        a[m++] = j;
                    }
                }
            }
            return Arrays.copyOf(a, m);
        }, parts::add);
        return parts.stream().flatMapToInt(Arrays::stream).sorted().distinct().toArray();
    }

    /** The user factors as a frame {@code (id, f0 .. f<rank-1>)} in id order, in the fit's session. */
    public DataFrame userFactors() {
        return userFactors(fitSession("userFactors"));
    }

    /** The user factors as a frame {@code (id, f0 .. f<rank-1>)} in id order, made in session {@code sw}. */
    public DataFrame userFactors(Spillway sw) {
        return sw.generate(new FactorRows(users.ids(), userFactors, rank, userType));
    }

    /** The item factors as a frame {@code (id, f0 .. f<rank-1>)} in id order, in the fit's session. */
    public DataFrame itemFactors() {
        return itemFactors(fitSession("itemFactors"));
    }

    /** The item factors as a frame {@code (id, f0 .. f<rank-1>)} in id order, made in session {@code sw}. */
    public DataFrame itemFactors(Spillway sw) {
        return sw.generate(new FactorRows(items.ids(), itemFactors, rank, itemType));
    }

    /** Loads a model saved with {@link #save}. */
    public static ALSModel load(String path) {
        return load(Path.of(path));
    }

    /** Loads a model saved with {@link #save}. */
    public static ALSModel load(Path path) {
        Model m = ModelIO.load(path);
        if (!(m instanceof ALSModel a)) {
            throw new MlException(path + " holds a " + m.getClass().getSimpleName() + ", not an ALSModel");
        }
        return a;
    }

    @Override
    public String modelType() {
        return TYPE;
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("rank", rank);
        out.put("userCol", userCol);
        out.put("itemCol", itemCol);
        out.put("predictionCol", predictionCol);
        out.put("coldStartStrategy", coldStartStrategy);
        out.put("userIdType", userType == DataType.INT32 ? "int32" : "int64");
        out.put("itemIdType", itemType == DataType.INT32 ? "int32" : "int64");
        writeLongs(out.putArray("userIds"), users.ids());
        writeLongs(out.putArray("itemIds"), items.ids());
        writeDoubles(out.putArray("userFactors"), userFactors);
        writeDoubles(out.putArray("itemFactors"), itemFactors);
        ObjectNode s = out.putObject("summary");
        s.put("iterations", summary.iterations());
        ArrayNode h = s.putArray("objectiveHistory");
        for (double v : summary.objectiveHistory()) {
            h.add(v);
        }
        s.put("ratings", summary.ratings());
        s.put("implicitPrefs", summary.implicitPrefs());
        s.put("seconds", summary.seconds());
    }

    /** Reads what {@link #writeJson} wrote. */
    public static ALSModel readJson(JsonNode in) {
        int rank = in.path("rank").asInt(0);
        if (rank < 1) {
            throw new MlException("the ALSModel's rank is missing or invalid");
        }
        long[] userIds = readLongs(in, "userIds");
        long[] itemIds = readLongs(in, "itemIds");
        double[] uf = readDoubles(in, "userFactors");
        double[] vf = readDoubles(in, "itemFactors");
        if (uf.length != (long) userIds.length * rank || vf.length != (long) itemIds.length * rank) {
            throw new MlException(String.format(Locale.ROOT, "the ALSModel's factors do not match its ids: %d user ids, %d user factors,"
                    + " %d item ids, %d item factors at rank %d", userIds.length, uf.length, itemIds.length, vf.length, rank));
        }
        JsonNode s = in.path("summary");
        double[] history = new double[s.path("objectiveHistory").size()];
        for (int i = 0; i < history.length; i++) {
            history[i] = s.path("objectiveHistory").get(i).asDouble();
        }
        Summary summary = new Summary(s.path("iterations").asInt(), history, s.path("ratings").asLong(),
                s.path("implicitPrefs").asBoolean(), s.path("seconds").asDouble());
        String cold = text(in, "coldStartStrategy");
        if (!cold.equals("nan") && !cold.equals("drop")) {
            throw new MlException("the ALSModel's coldStartStrategy '" + cold + "' is neither nan nor drop");
        }
        return new ALSModel(rank, text(in, "userCol"), text(in, "itemCol"), text(in, "predictionCol"), cold,
                idType(text(in, "userIdType")), idType(text(in, "itemIdType")), userIds, itemIds, uf, vf, summary, null);
    }

    private static DataType idType(String t) {
        return switch (t) {
            case "int32" -> DataType.INT32;
            case "int64" -> DataType.INT64;
            default -> throw new MlException("the ALSModel's id type '" + t + "' is neither int32 nor int64");
        };
    }

    private static String text(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || !v.isTextual()) {
            throw new MlException("the ALSModel's field '" + field + "' is missing");
        }
        return v.asText();
    }

    private static void writeLongs(ArrayNode out, long[] values) {
        for (int from = 0; from < values.length; from += PIECE) {
            int to = Math.min(values.length, from + PIECE);
            ByteBuffer b = ByteBuffer.allocate((to - from) * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = from; i < to; i++) {
                b.putLong(values[i]);
            }
            out.add(Base64.getEncoder().encodeToString(b.array()));
        }
    }

    private static void writeDoubles(ArrayNode out, double[] values) {
        for (int from = 0; from < values.length; from += PIECE) {
            int to = Math.min(values.length, from + PIECE);
            ByteBuffer b = ByteBuffer.allocate((to - from) * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = from; i < to; i++) {
                b.putDouble(values[i]);
            }
            out.add(Base64.getEncoder().encodeToString(b.array()));
        }
    }

    private static ByteBuffer bytes(JsonNode in, String field) {
        JsonNode arr = in.get(field);
        if (arr == null || !arr.isArray()) {
            throw new MlException("the ALSModel's field '" + field + "' is missing");
        }
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (JsonNode p : arr) {
            byte[] b = Base64.getDecoder().decode(p.asText());
            if (b.length % 8 != 0) {
                throw new MlException("the ALSModel's field '" + field + "' holds a piece of " + b.length + " bytes, not a multiple of 8");
            }
            parts.add(b);
            total += b.length;
        }
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
        parts.forEach(all::put);
        return all.flip();
    }

    private static long[] readLongs(JsonNode in, String field) {
        ByteBuffer b = bytes(in, field);
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] <= out[i - 1]) {
                throw new MlException("the ALSModel's " + field + " are not sorted and distinct at position " + i);
            }
        }
        return out;
    }

    private static double[] readDoubles(JsonNode in, String field) {
        ByteBuffer b = bytes(in, field);
        double[] out = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(out);
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ALSModel[rank=%d, users=%d, items=%d, userCol=%s, itemCol=%s, coldStartStrategy=%s]", rank,
                users.size(), items.size(), userCol, itemCol, coldStartStrategy);
    }
}
