package org.spillway.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * A realistic-looking flight-delay data set for examples of classification: one row per flight
 * between 55 large US airports, labelled 1 if it was delayed, from a <em>known</em> logistic model.
 *
 * <p>Columns (header {@code hour,dow,month,origin,dest,logdist,label}):
 * <ul>
 *   <li>{@code hour} int32 0..23: the scheduled departure hour, mostly 6..21;</li>
 *   <li>{@code dow} int32 1..7: the day of the week, 1 = Monday (Saturday has fewest flights);</li>
 *   <li>{@code month} int32 1..12 (summer busiest);</li>
 *   <li>{@code origin}, {@code dest} string: IATA codes ({@link #airports()}), chosen in proportion to
 *       the airports' passenger traffic (ATL most often, BOI least), never equal nor neighbours (at
 *       least 150 great-circle miles apart: no JFK to LGA);</li>
 *   <li>{@code logdist} float64: the natural log of the flight distance in miles (the great-circle
 *       distance between the airports times 1.05, plus 10), six decimals;</li>
 *   <li>{@code label} int32: 1 = delayed, about 20% of rows.</li>
 * </ul>
 *
 * <p>The true model ({@link #trueCoefficients()}, {@link #trueIntercept()}):
 * {@code P(label = 1) = sigmoid(b + e_hour + e_dow + e_month + e_origin + e_dest + w * logdist)}, with
 * effects that make evening departures (17..21) worst and early mornings best, Fridays and Sundays
 * worse, June, July and December worse and September to November better, congested airports (EWR,
 * LGA, SFO, ORD, JFK, ...) worse as origins and, less so, as destinations, and longer flights
 * slightly worse. Coefficients are per level, with reference levels hour 0, dow 1, month 1, origin
 * ATL and dest ATL (listed with coefficient 0); the intercept is chosen for a 20% delay rate. The
 * true model's AUC is about 0.7, so a logistic regression on one-hot features of these columns
 * learns it to about that; there is no label noise beyond the Bernoulli draw.
 *
 * <p>Determinism: row {@code i} depends only on the seed and {@code i} (never on threads or block
 * order); the true model is the same for every seed, so {@code Flights.rows(n).seed(2)} is a test set
 * for {@code Flights.rows(m).seed(1)}. Instances are immutable and thread-safe.
 */
public final class Flights implements RowGenerator {
    /** The default seed. */
    public static final long DEFAULT_SEED = 42;

    private static final String[] CODES = {
        "ATL", "DFW", "DEN", "ORD", "LAX", "JFK", "LAS", "MCO", "MIA", "CLT", "SEA", "PHX", "EWR", "SFO",
        "IAH", "BOS", "FLL", "MSP", "LGA", "DTW", "PHL", "SLC", "BWI", "DCA", "SAN", "IAD", "TPA", "BNA",
        "AUS", "MDW", "HNL", "DAL", "PDX", "STL", "HOU", "SMF", "MSY", "RDU", "SJC", "SNA", "MCI", "OAK",
        "SAT", "RSW", "CLE", "IND", "PIT", "CVG", "CMH", "JAX", "ANC", "BUF", "ABQ", "OMA", "BOI"};
    /** Latitude, longitude in degrees. */
    private static final double[][] COORDS = {
        {33.64, -84.43}, {32.90, -97.04}, {39.86, -104.67}, {41.98, -87.90}, {33.94, -118.41}, {40.64, -73.78},
        {36.08, -115.15}, {28.43, -81.31}, {25.79, -80.29}, {35.21, -80.94}, {47.45, -122.31}, {33.43, -112.01},
        {40.69, -74.17}, {37.62, -122.38}, {29.98, -95.34}, {42.36, -71.01}, {26.07, -80.15}, {44.88, -93.22},
        {40.78, -73.87}, {42.21, -83.35}, {39.87, -75.24}, {40.79, -111.98}, {39.18, -76.67}, {38.85, -77.04},
        {32.73, -117.19}, {38.95, -77.46}, {27.98, -82.53}, {36.12, -86.68}, {30.19, -97.67}, {41.79, -87.75},
        {21.32, -157.92}, {32.85, -96.85}, {45.59, -122.60}, {38.75, -90.37}, {29.65, -95.28}, {38.70, -121.59},
        {29.99, -90.26}, {35.88, -78.79}, {37.36, -121.93}, {33.68, -117.87}, {39.30, -94.71}, {37.72, -122.22},
        {29.53, -98.47}, {26.54, -81.76}, {41.41, -81.85}, {39.72, -86.29}, {40.49, -80.23}, {39.05, -84.66},
        {40.00, -82.89}, {30.49, -81.69}, {61.17, -149.99}, {42.94, -78.73}, {35.04, -106.61}, {41.30, -95.89},
        {43.56, -116.22}};
    /** Yearly passengers in millions (roughly): how often an airport is an origin or a destination. */
    private static final double[] TRAFFIC = {
        104, 81, 78, 74, 75, 62, 57, 57, 52, 53, 51, 48, 49, 50, 46, 40, 35, 37, 33, 32, 28, 27, 27, 25, 25, 25,
        24, 23, 21, 22, 21, 17, 17, 16, 13, 13, 13, 14, 11, 11, 11, 11, 10, 11, 10, 9, 9, 9, 9, 7, 5, 5, 5, 5, 4};
    /** Congestion (log-odds of delay) as an origin; a destination gets {@link #DEST_SHARE} of it. */
    private static final double[] CONGESTION = {
        0.05, 0.20, 0.20, 0.40, 0.15, 0.35, 0.10, 0.15, 0.25, 0.00, -0.10, -0.05, 0.55, 0.45, 0.10, 0.30, 0.25,
        -0.15, 0.50, -0.05, 0.20, -0.30, 0.10, 0.15, -0.10, 0.10, 0.05, 0.05, 0.10, 0.20, -0.40, 0.10, -0.25,
        -0.10, 0.05, -0.15, 0.00, -0.10, -0.05, -0.15, -0.20, 0.05, -0.10, 0.00, -0.15, -0.20, -0.20, -0.15,
        -0.15, -0.05, -0.20, 0.00, -0.25, -0.30, -0.35};
    private static final double DEST_SHARE = 0.6;
    /** Departures by hour 0..23 (relative). */
    private static final double[] HOUR_TRAFFIC = {
        1, 0.5, 0.3, 0.3, 0.5, 3, 7, 8, 8, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 6, 5, 4, 2.5, 1.5};
    /** Log-odds of delay by departure hour 0..23: delays build up over the day. */
    private static final double[] HOUR_EFFECT = {
        0.45, 0.40, 0.30, 0.10, -0.30, -0.95, -1.05, -0.90, -0.65, -0.45, -0.25, -0.10, 0.05, 0.20, 0.35,
        0.50, 0.65, 0.80, 0.90, 0.95, 0.90, 0.75, 0.60, 0.50};
    /** Flights by day of week, Monday first (relative). */
    private static final double[] DOW_TRAFFIC = {15, 13, 14, 15, 16, 12, 15};
    private static final double[] DOW_EFFECT = {0.05, -0.20, -0.15, 0.15, 0.30, -0.25, 0.15};
    /** Flights by month, January first (relative). */
    private static final double[] MONTH_TRAFFIC = {7.5, 7, 8.5, 8.3, 8.6, 9, 9.3, 9.1, 8, 8.5, 8, 8.2};
    private static final double[] MONTH_EFFECT = {0.20, 0.25, 0.00, -0.15, 0.00, 0.40, 0.45, 0.25, -0.45, -0.35, -0.25, 0.40};
    /** Log-odds per unit of log distance. */
    private static final double LOGDIST_COEFFICIENT = 0.20;
    private static final double POSITIVE_RATE = 0.20;

    private static final Schema SCHEMA = Schema.of(new Field("hour", DataType.INT32), new Field("dow", DataType.INT32),
            new Field("month", DataType.INT32), new Field("origin", DataType.STRING), new Field("dest", DataType.STRING),
            new Field("logdist", DataType.FLOAT64), new Field("label", DataType.INT32));
    private static final byte[] HEADER = (String.join(",", SCHEMA.names()) + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ROW_BYTES = 64;
    private static final int MAX_WRITER_THREADS = 8;

    private static final double[] HOUR_CDF = RowRandom.cdf(HOUR_TRAFFIC);
    private static final double[] DOW_CDF = RowRandom.cdf(DOW_TRAFFIC);
    private static final double[] MONTH_CDF = RowRandom.cdf(MONTH_TRAFFIC);
    private static final double[] AIRPORT_CDF = RowRandom.cdf(TRAFFIC);
    private static final byte[][] CODE_BYTES = new byte[CODES.length][];
    /** Log distance in millionths, by origin and destination. */
    private static final long[][] LOGDIST_MICROS = new long[CODES.length][CODES.length];
    /** The shortest route flown, in great-circle miles. */
    private static final double MIN_MILES = 150;
    /** Whether a flight may go from one airport to another (not itself, not a neighbour). */
    private static final boolean[][] ROUTE = new boolean[CODES.length][CODES.length];
    /** Per origin, the most frequent destination it may fly to (after 64 unlucky draws). */
    private static final int[] FALLBACK_DEST = new int[CODES.length];

    static {
        int n = CODES.length;
        if (COORDS.length != n || TRAFFIC.length != n || CONGESTION.length != n || HOUR_EFFECT.length != 24
                || HOUR_TRAFFIC.length != 24 || DOW_EFFECT.length != 7 || MONTH_EFFECT.length != 12) {
            throw new AssertionError("Flights tables disagree in length");
        }
        for (int a = 0; a < n; a++) {
            CODE_BYTES[a] = CODES[a].getBytes(StandardCharsets.US_ASCII);
            FALLBACK_DEST[a] = -1;
            for (int b = 0; b < n; b++) {
                double greatCircle = greatCircleMiles(COORDS[a], COORDS[b]);
                LOGDIST_MICROS[a][b] = Decimals.micros(StrictMath.log(1.05 * greatCircle + 10));
                ROUTE[a][b] = a != b && greatCircle >= MIN_MILES;
                if (ROUTE[a][b] && FALLBACK_DEST[a] < 0) {
                    FALLBACK_DEST[a] = b;
                }
            }
        }
    }

    /** The intercept for a 20% delay rate, computed once from a calibration sample. */
    private static final class Intercept {
        static final double VALUE;

        static {
            int samples = 1 << 17;
            double[] margins = new double[samples];
            RowRandom r = new RowRandom();
            Flight f = new Flight();
            long family = RowRandom.family(0, 0xF1167L);
            for (int i = 0; i < samples; i++) {
                f.draw(r.start(family, i));
                margins[i] = f.margin(0);
            }
            VALUE = SyntheticModel.binaryIntercept(margins, POSITIVE_RATE);
        }
    }

    private final long rows;
    private final long seed;
    private final int threads;
    private final long rowFamily;

    private Flights(long rows, long seed, int threads) {
        this.rows = rows;
        this.seed = seed;
        this.threads = threads;
        this.rowFamily = RowRandom.family(seed, 0xF119L);
    }

    /** A generator of {@code n} flights with the default seed {@value #DEFAULT_SEED}. */
    public static Flights rows(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + n);
        }
        return new Flights(n, DEFAULT_SEED, 0);
    }

    /** The same generator with another seed: other flights from the same true model. */
    public Flights seed(long seed) {
        return new Flights(rows, seed, threads);
    }

    /** Test hook: the same generator writing CSV on {@code threads} threads (the output is identical). */
    Flights threads(int threads) {
        return new Flights(rows, seed, Math.max(1, threads));
    }

    @Override
    public long rows() {
        return rows;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The airport codes, the most frequent first (ATL, the reference level of origin and dest, first). */
    public static List<String> airports() {
        return List.of(CODES);
    }

    /** {@code hour, dow, month} int32, {@code origin, dest} string, {@code logdist} float64, {@code label} int32. */
    @Override
    public Schema schema() {
        return SCHEMA;
    }

    /**
     * The true coefficients of the logistic model: {@code "hour=0" .. "hour=23"}, {@code "dow=1" ..
     * "dow=7"}, {@code "month=1" .. "month=12"}, {@code "origin=<code>"}, {@code "dest=<code>"} (the
     * reference levels hour=0, dow=1, month=1, origin=ATL and dest=ATL with 0) and {@code "logdist"}
     * (per unit of log distance).
     */
    public static Map<String, Double> trueCoefficients() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int h = 0; h < 24; h++) {
            out.put("hour=" + h, HOUR_EFFECT[h] - HOUR_EFFECT[0]);
        }
        for (int d = 0; d < 7; d++) {
            out.put("dow=" + (d + 1), DOW_EFFECT[d] - DOW_EFFECT[0]);
        }
        for (int m = 0; m < 12; m++) {
            out.put("month=" + (m + 1), MONTH_EFFECT[m] - MONTH_EFFECT[0]);
        }
        for (int a = 0; a < CODES.length; a++) {
            out.put("origin=" + CODES[a], CONGESTION[a] - CONGESTION[0]);
        }
        for (int a = 0; a < CODES.length; a++) {
            out.put("dest=" + CODES[a], DEST_SHARE * (CONGESTION[a] - CONGESTION[0]));
        }
        out.put("logdist", LOGDIST_COEFFICIENT);
        return Collections.unmodifiableMap(out);
    }

    /** The true intercept: the log-odds of a delay at the reference levels and logdist 0. */
    public static double trueIntercept() {
        return Intercept.VALUE + HOUR_EFFECT[0] + DOW_EFFECT[0] + MONTH_EFFECT[0] + CONGESTION[0] + DEST_SHARE * CONGESTION[0];
    }

    /**
     * The true log-odds of a delay of row {@code row}: {@code trueIntercept()} plus the coefficients of
     * its levels plus {@code logdist} times its coefficient.
     *
     * @throws IndexOutOfBoundsException if the row does not exist
     */
    public double trueMargin(long row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        Flight f = new Flight();
        f.draw(new RowRandom().start(rowFamily, row));
        return f.margin(Intercept.VALUE);
    }

    /** One flight's values, drawn from a row's stream. */
    private static final class Flight {
        int hour;
        int dow;
        int month;
        int origin;
        int dest;
        long logdistMicros;
        int label;

        void draw(RowRandom r) {
            hour = RowRandom.pick(HOUR_CDF, r.uniform());
            dow = RowRandom.pick(DOW_CDF, r.uniform());
            month = RowRandom.pick(MONTH_CDF, r.uniform());
            origin = RowRandom.pick(AIRPORT_CDF, r.uniform());
            dest = origin;
            for (int tries = 0; !ROUTE[origin][dest] && tries < 64; tries++) {
                dest = RowRandom.pick(AIRPORT_CDF, r.uniform());
            }
            if (!ROUTE[origin][dest]) {
                dest = FALLBACK_DEST[origin]; // practically never: 64 draws of the origin or its neighbours
            }
            logdistMicros = LOGDIST_MICROS[origin][dest];
        }

        double margin(double intercept) {
            return intercept + HOUR_EFFECT[hour] + DOW_EFFECT[dow] + MONTH_EFFECT[month] + CONGESTION[origin]
                    + DEST_SHARE * CONGESTION[dest] + LOGDIST_COEFFICIENT * Decimals.value(logdistMicros);
        }

        void drawLabel(RowRandom r) {
            label = r.uniform() < RowRandom.sigmoid(margin(Intercept.VALUE)) ? 1 : 0;
        }
    }

    private void draw(long row, RowRandom r, Flight f) {
        r.start(rowFamily, row);
        f.draw(r);
        f.drawLabel(r);
    }

    /** {@inheritDoc} Runs on the calling thread. */
    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        IntVectorBuilder hour = (IntVectorBuilder) builders.get(0);
        IntVectorBuilder dow = (IntVectorBuilder) builders.get(1);
        IntVectorBuilder month = (IntVectorBuilder) builders.get(2);
        StringVectorBuilder origin = (StringVectorBuilder) builders.get(3);
        StringVectorBuilder dest = (StringVectorBuilder) builders.get(4);
        DoubleVectorBuilder logdist = (DoubleVectorBuilder) builders.get(5);
        IntVectorBuilder label = (IntVectorBuilder) builders.get(6);
        RowRandom r = new RowRandom();
        Flight f = new Flight();
        for (int i = 0; i < count; i++) {
            draw(fromRow + i, r, f);
            hour.append(f.hour);
            dow.append(f.dow + 1);
            month.append(f.month + 1);
            origin.append(CODE_BYTES[f.origin], 0, 3);
            dest.append(CODE_BYTES[f.dest], 0, 3);
            logdist.append(Decimals.value(f.logdistMicros));
            label.append(f.label);
        }
    }

    private int format(long from, int count, byte[] buf) {
        RowRandom r = new RowRandom();
        Flight f = new Flight();
        int p = 0;
        for (int i = 0; i < count; i++) {
            draw(from + i, r, f);
            p = Decimals.putLong(buf, p, f.hour);
            buf[p++] = ',';
            buf[p++] = (byte) ('1' + f.dow);
            buf[p++] = ',';
            p = Decimals.putLong(buf, p, f.month + 1);
            buf[p++] = ',';
            p = Decimals.put(buf, p, CODE_BYTES[f.origin]);
            buf[p++] = ',';
            p = Decimals.put(buf, p, CODE_BYTES[f.dest]);
            buf[p++] = ',';
            p = Decimals.putMicros(buf, p, f.logdistMicros);
            buf[p++] = ',';
            buf[p++] = (byte) ('0' + f.label);
            buf[p++] = '\n';
        }
        return p;
    }

    /**
     * Writes all rows as CSV with a header line to {@code file} (replacing it atomically; the directory
     * is created if missing), formatting blocks on up to 8 threads.
     *
     * @return the number of bytes written
     * @throws IOException if writing fails; the temporary file is then deleted
     */
    public long writeCsv(Path file) throws IOException {
        int t = threads > 0 ? threads : Math.min(MAX_WRITER_THREADS, Runtime.getRuntime().availableProcessors());
        return CsvBlocks.writeRows(file, HEADER, rows, MAX_ROW_BYTES, t, this::format);
    }

    /** The great-circle distance in statute miles (haversine, Earth radius 3958.8 miles). */
    private static double greatCircleMiles(double[] a, double[] b) {
        double la1 = Math.toRadians(a[0]);
        double la2 = Math.toRadians(b[0]);
        double dLa = la2 - la1;
        double dLo = Math.toRadians(b[1] - a[1]);
        double h = StrictMath.pow(StrictMath.sin(dLa / 2), 2)
                + StrictMath.cos(la1) * StrictMath.cos(la2) * StrictMath.pow(StrictMath.sin(dLo / 2), 2);
        return 2 * 3958.8 * StrictMath.asin(Math.min(1, StrictMath.sqrt(h)));
    }

    /** For example {@code Flights(1000000 rows, seed 42)}. */
    @Override
    public String toString() {
        return "Flights(" + rows + " rows, seed " + seed + ")";
    }
}
