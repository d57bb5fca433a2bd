// Loaded by ./spillway shell (interactive and scripts): the usual imports.
import java.nio.file.*;
import java.util.*;
import java.math.BigDecimal;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.Field;
import org.spillway.frame.*;
import org.spillway.frame.io.*;
import org.spillway.frame.delta.*;
import org.spillway.frame.iceberg.*;
import org.spillway.frame.hudi.*;
import org.spillway.ml.*;
import org.spillway.ml.recommendation.*;
import org.spillway.datasets.*;
import static org.spillway.frame.Functions.*;
