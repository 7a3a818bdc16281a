package io.regsurv.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regsurv.config.Dialect;
import io.regsurv.core.BadInputException;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads snapshot files of a {@link Dialect} into raw rows with their file, line, raw text and
 * canonical fields. Spark's CSV and JSON readers give no line numbers and silently repair bad
 * rows, so files are read by our own tasks: Hadoop FileSystem and codecs (gzip), a strict decoder
 * (a wrong encoding is an error, not mojibake), our own RFC 4180 parser.
 *
 * <p>A bulk dump is often one big file, and one task per file would leave every core but one
 * idle, so an uncompressed file larger than {@code spark.sql.files.maxPartitionBytes} is read as
 * several byte ranges in parallel. A range starts only where no record can span the cut: after
 * {@link #MAX_LINES_PER_RECORD}+1 lines that each parse alone (an open quote is what makes the
 * parser join lines). A cheap first pass finds those cuts and counts the lines before each, so
 * line numbers stay those of the whole file and the rows are exactly those of a whole-file read.
 *
 * <p>A problem with a whole file (unreadable, truncated, wrong encoding) becomes a row with
 * {@code source_line = -1} and the reason in {@code parse_error}: {@link #fileErrors} turns them
 * into one {@link BadInputException} on the driver before anything is written.
 */
public final class SnapshotReader {
  public static final String WRONG_COLUMN_COUNT = "wrong_column_count";
  public static final String MALFORMED_CSV = "malformed_csv";
  public static final String MALFORMED_JSON = "malformed_json";

  /** A quoted field may span lines, but an unterminated quote must not swallow the rest of the file. */
  static final int MAX_LINES_PER_RECORD = 50;

  public static final StructType SCHEMA =
      new StructType()
          .add("source_file", DataTypes.StringType, false)
          .add("source_line", DataTypes.LongType, false)
          .add("raw_text", DataTypes.StringType, true)
          .add("fields", DataTypes.createArrayType(DataTypes.StringType, true), true)
          .add("parse_error", DataTypes.StringType, true);

  private SnapshotReader() {}

  /**
   * What the reading task does to each record before it becomes a row: the caller's per-value work
   * done on the Java strings the parser made, where a Spark UDF would convert every value from
   * UTF-8 and back. Serializable: it runs in the tasks.
   */
  public interface RecordShaper extends Serializable {
    /** Leaves records as read. */
    RecordShaper AS_READ = (rawText, fields) -> rawText;

    /**
     * The raw text the row keeps, given the record's text and its canonical fields (null when the
     * record could not be split); may rewrite {@code fields} in place, after the raw text is made.
     */
    String shape(String rawText, String[] fields);
  }

  /**
   * What a task needs to read one file, or the byte range [start, end) of one (end -1: to the end),
   * whose first line is line {@code linesBefore + 1}: where, how, and which source position feeds
   * each canonical column.
   */
  record FileTask(String path, String format, String encoding, int[] canonicalIndex, int fieldCount, Map<String, String> jsonKeys,
      long start, long end, long linesBefore) implements Serializable {
    FileTask range(long rangeStart, long rangeEnd, long lines) {
      return new FileTask(path, format, encoding, canonicalIndex, fieldCount, jsonKeys, rangeStart, rangeEnd, lines);
    }
  }

  /** The input files: the given files, and inside given directories every file of the dialect's format (recursively), sorted. */
  public static List<String> listFiles(SparkSession spark, Dialect dialect, List<String> paths, String what) {
    if (paths.isEmpty()) {
      throw new BadInputException(what + ": no input path given");
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> files = new ArrayList<>();
    for (String p : paths) {
      try {
        Path path = new Path(p);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
          throw new BadInputException(what + ": input path " + p + " does not exist");
        }
        FileStatus status = fs.getFileStatus(path);
        if (status.isFile()) {
          files.add(status.getPath().toString());
        } else {
          var it = fs.listFiles(path, true);
          List<String> found = new ArrayList<>();
          while (it.hasNext()) {
            Path f = it.next().getPath();
            if (matchesFormat(f.getName(), dialect.format()) && !f.getName().startsWith(".") && !f.getName().startsWith("_")) {
              found.add(f.toString());
            }
          }
          if (found.isEmpty()) {
            throw new BadInputException(what + ": directory " + p + " holds no " + dialect.format() + " files (.csv, .csv.gz, .jsonl, .jsonl.gz)");
          }
          files.addAll(found);
        }
      } catch (IOException e) {
        throw new BadInputException(what + ": cannot list " + p + " (" + e.getMessage() + ")", e);
      }
    }
    return files.stream().distinct().sorted().toList();
  }

  static boolean matchesFormat(String name, String format) {
    String n = name.toLowerCase().replaceAll("\\.(gz|bz2|deflate)$", "");
    return Dialect.CSV.equals(format) ? n.endsWith(".csv") || n.endsWith(".txt") : n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson");
  }

  /**
   * Reads the files into rows of {@link #SCHEMA}, one Spark task per file or range. Headers are checked
   * here on the driver (first line only): a missing required column fails before any task runs.
   *
   * @param warnings receives one line per unknown extra column (ignored)
   */
  public static Dataset<Row> read(SparkSession spark, Dialect dialect, List<String> files, String what, List<String> warnings) {
    return read(spark, dialect, List.of(new Part(files, what, warnings)), RecordShaper.AS_READ);
  }

  /** One snapshot's files, with the start of its error messages and where its warnings go. */
  public record Part(List<String> files, String what, List<String> warnings) {}

  /**
   * The files of several snapshots of one dialect as one Dataset (one plan, one set of tasks); a
   * file's problems are reported with its own snapshot's message start and warnings. Every record
   * goes through {@code shaper} in its reading task (file problems, which have no text, do not).
   */
  public static Dataset<Row> read(SparkSession spark, Dialect dialect, List<Part> parts, RecordShaper shaper) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<FileTask> tasks = new ArrayList<>();
    for (Part part : parts) {
      for (String file : part.files()) {
        tasks.add(plan(conf, dialect, file, part.what(), part.warnings()));
      }
    }
    Map<String, String> confEntries = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      confEntries.put(e.getKey(), e.getValue());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    org.apache.spark.sql.internal.SQLConf sql = spark.sessionState().conf();
    List<FileTask> ranges = FileRanges.split(jsc, conf, confEntries, tasks,
        sizes -> FileRanges.splitBytes(sizes, sql.filesMaxPartitionBytes(), sql.filesOpenCostInBytes(), spark.sparkContext().defaultParallelism()));
    // Internal rows (UTF-8 strings, an array of them), made once per record: external Rows went
    // through Spark's row encoder, which also copied each record's fields into a Scala list (11 %
    // of a full-scale ingest's first stage, JFR).
    JavaRDD<InternalRow> rows = jsc.parallelize(ranges, Math.max(1, ranges.size())).flatMap(new ReadFile(confEntries, shaper));
    return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows.rdd(), SCHEMA, false);
  }

  /** The file-level errors found by the tasks, as one exception naming the first bad file, or nothing. */
  public static void fileErrors(Dataset<Row> raw, String what) {
    fileErrors(raw, file -> what);
  }

  /** As {@link #fileErrors(Dataset, String)} for files of several snapshots: {@code whatOf} gives the message's start for a file. */
  public static void fileErrors(Dataset<Row> raw, java.util.function.Function<String, String> whatOf) {
    // A file read as several ranges may report its problem once per range: keep the first per file.
    List<Row> errors = raw.filter("source_line < 0").groupBy("source_file").agg(org.apache.spark.sql.functions.min("parse_error"))
        .orderBy("source_file").collectAsList();
    if (!errors.isEmpty()) {
      Row first = errors.get(0);
      String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more bad files)" : "";
      throw new BadInputException(whatOf.apply(first.getString(0)) + ": file " + shortName(first.getString(0)) + " " + first.getString(1) + more);
    }
  }

  static String shortName(String path) {
    return new Path(path).getName();
  }

  private static FileTask plan(Configuration conf, Dialect dialect, String file, String what, List<String> warnings) {
    int n = Dialect.CANONICAL.size();
    int[] index = new int[n];
    Arrays.fill(index, -1);
    if (Dialect.JSONL.equals(dialect.format())) {
      return new FileTask(file, dialect.format(), dialect.encoding(), index, 0, new HashMap<>(dialect.columns()), 0, -1, 0);
    }
    String headerLine;
    try (BufferedReader in = open(conf, file, dialect.encoding())) {
      headerLine = in.readLine();
    } catch (CharacterCodingException e) {
      throw new BadInputException(what + ": file " + shortName(file) + " is not valid " + dialect.encoding() + " in its header line (is the dialect's encoding right? try --encoding)", e);
    } catch (IOException e) {
      throw new BadInputException(what + ": file " + shortName(file) + " " + problem(e, 0), e);
    }
    if (headerLine == null || headerLine.isBlank()) {
      throw new BadInputException(what + ": file " + shortName(file) + " is empty (expected a header row)");
    }
    if (headerLine.startsWith("\uFEFF")) {
      headerLine = headerLine.substring(1);
    }
    List<String> header = CsvParser.split(headerLine);
    if (header == null) {
      throw new BadInputException(what + ": file " + shortName(file) + " has a malformed header row");
    }
    List<String> missing = new ArrayList<>();
    for (String required : dialect.requiredSourceColumns()) {
      if (!header.contains(required)) {
        missing.add(required);
      }
    }
    if (!missing.isEmpty()) {
      throw new BadInputException(
          what + ": file " + shortName(file) + " lacks required column(s) " + String.join(", ", missing)
              + " (header: " + String.join(",", header) + "; dialect expects " + String.join(",", dialect.columns().keySet()) + ")");
    }
    for (int i = 0; i < header.size(); i++) {
      String source = header.get(i).trim();
      String canonical = dialect.columns().get(source);
      if (canonical != null) {
        index[Dialect.CANONICAL.indexOf(canonical)] = i;
      } else if (!dialect.ignoredColumns().contains(source)) {
        warnings.add("file " + shortName(file) + ": unknown column '" + source + "' ignored");
      }
    }
    return new FileTask(file, dialect.format(), dialect.encoding(), index, header.size(), Map.of(), 0, -1, 0);
  }

  static BufferedReader open(Configuration conf, String file, String encoding) throws IOException {
    return open(conf, file, encoding, 0, -1);
  }

  /** The bytes [start, end) of a file (end -1: to its end), decoded strictly. */
  static BufferedReader open(Configuration conf, String file, String encoding, long start, long end) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    FSDataInputStream raw = fs.open(path);
    InputStream in = raw;
    if (start > 0) {
      raw.seek(start);
    }
    if (end >= 0) {
      in = new Bounded(raw, end - start);
    }
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec != null) {
      in = codec.createInputStream(in);
    }
    CharsetDecoder decoder =
        Charset.forName(encoding).newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
  }

  /** What is wrong with a file, for "file x.csv.gz ...": codecs report truncation as plain IOExceptions too. */
  static String problem(IOException e, long afterLine) {
    String m = describe(e);
    if (e instanceof EOFException || e instanceof ZipException || m.contains("end of input stream") || m.contains("Unexpected end")) {
      return "is truncated or corrupt (" + m + " after line " + afterLine + ")";
    }
    return "cannot be read (" + m + ")";
  }

  static String describe(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  /**
   * The task: reads one file or one range of it, row by row as Spark pulls them (a range's rows
   * are never all in memory); a problem with the file becomes one error row, never a task failure.
   */
  static final class ReadFile implements FlatMapFunction<FileTask, InternalRow> {
    private final Map<String, String> confEntries;
    private final RecordShaper shaper;

    ReadFile(Map<String, String> confEntries, RecordShaper shaper) {
      this.confEntries = confEntries;
      this.shaper = shaper;
    }

    @Override
    public Iterator<InternalRow> call(FileTask task) {
      Configuration conf = new Configuration(false);
      confEntries.forEach(conf::set);
      return new Rows(task, conf, shaper);
    }
  }

  /** The rows of one task, read lazily; the file is closed at its end or at the first error. */
  static final class Rows implements Iterator<InternalRow> {
    private final FileTask task;
    private final Configuration conf;
    private final RecordShaper shaper;
    private final UTF8String file;
    private InternalRow pending;
    private BufferedReader in;
    private LineSource lines;
    private boolean done;

    Rows(FileTask task, Configuration conf, RecordShaper shaper) {
      this.task = task;
      this.conf = conf;
      this.shaper = shaper;
      this.file = UTF8String.fromString(task.path());
    }

    @Override
    public boolean hasNext() {
      if (pending == null && !done) {
        try {
          if (in == null) {
            in = open(conf, task.path(), task.encoding(), task.start(), task.end());
            lines = new LineSource(in, task.linesBefore());
            if (Dialect.CSV.equals(task.format()) && task.start() == 0) {
              lines.next(); // header, checked on the driver
            }
          }
          pending = Dialect.CSV.equals(task.format()) ? readCsvRecord(task, file, lines, shaper) : readJsonlRecord(task, file, lines, shaper);
          done = pending == null;
        } catch (CharacterCodingException e) {
          pending = error(task, "is not valid " + task.encoding() + " (undecodable bytes at line "
              + (lines == null ? 1 : lines.lineNumber() + 1) + "; is the dialect's encoding right? try --encoding)");
          done = true;
        } catch (IOException e) {
          pending = error(task, problem(e, lines == null ? 0 : lines.lineNumber()));
          done = true;
        }
        if (done) {
          close();
        }
      }
      return pending != null;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      InternalRow row = pending;
      pending = null;
      return row;
    }

    private void close() {
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // all rows are read; nothing is lost by a failed close
        }
      }
    }
  }

  /** A row of {@link #SCHEMA}; {@code fields} NULL when the record could not be split. */
  private static InternalRow row(UTF8String file, long line, String rawText, String[] fields, String parseError) {
    GenericArrayData values = null;
    if (fields != null) {
      Object[] utf8 = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        utf8[i] = UTF8String.fromString(fields[i]);
      }
      values = new GenericArrayData(utf8);
    }
    return new GenericInternalRow(new Object[] {file, line, UTF8String.fromString(rawText), values,
        UTF8String.fromString(parseError)});
  }

  private static InternalRow error(FileTask task, String message) {
    return row(UTF8String.fromString(task.path()), -1L, null, null, message);
  }

  /** The next CSV record (or bad line) as a row; null at the end of the input. */
  private static InternalRow readCsvRecord(FileTask task, UTF8String file, LineSource lines, RecordShaper shaper) throws IOException {
    String line = lines.nextNonBlank();
    if (line == null) {
      return null;
    }
    long start = lines.lineNumber();
    List<String> fields = CsvParser.split(line);
    String raw = line;
    // A quoted field may hold line breaks: join following lines until the quotes balance.
    int joined = 0;
    while (fields == null && joined < MAX_LINES_PER_RECORD) {
      String more = lines.peek(joined);
      if (more == null) {
        break;
      }
      raw = raw + "\n" + more;
      joined++;
      fields = CsvParser.split(raw);
    }
    if (fields == null) {
      // Unbalanced quote: quarantine this physical line alone and resume at the next one.
      return row(file, start, shaper.shape(line, null), null, MALFORMED_CSV);
    }
    lines.skip(joined);
    if (fields.size() != task.fieldCount()) {
      return row(file, start, shaper.shape(raw, null), null, WRONG_COLUMN_COUNT);
    }
    String[] canonical = new String[task.canonicalIndex().length];
    for (int i = 0; i < canonical.length; i++) {
      int src = task.canonicalIndex()[i];
      canonical[i] = src < 0 ? null : fields.get(src);
    }
    String rawText = shaper.shape(raw, canonical);
    return row(file, start, rawText, canonical, null);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The next JSON line as a row; null at the end of the input. */
  private static InternalRow readJsonlRecord(FileTask task, UTF8String file, LineSource lines, RecordShaper shaper) throws IOException {
    String line = lines.nextNonBlank();
    if (line == null) {
      return null;
    }
    long number = lines.lineNumber();
    if (number == 1 && line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      return row(file, number, shaper.shape(line, null), null, MALFORMED_JSON);
    }
    String[] canonical = new String[Dialect.CANONICAL.size()];
    for (Map.Entry<String, String> e : task.jsonKeys().entrySet()) {
      JsonNode v = node.get(e.getKey());
      if (v != null && !v.isNull()) {
        canonical[Dialect.CANONICAL.indexOf(e.getValue())] = v.isValueNode() ? v.asText() : v.toString();
      }
    }
    String rawText = shaper.shape(line, canonical);
    return row(file, number, rawText, canonical, null);
  }

  /** At most {@code remaining} bytes of a stream: a range of a file. */
  static final class Bounded extends java.io.FilterInputStream {
    private long remaining;

    Bounded(InputStream in, long length) {
      super(in);
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(buf, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), remaining);
    }
  }

  /** Physical lines with their numbers and a small look-ahead (for quoted fields spanning lines). */
  static final class LineSource {
    private final BufferedReader in;
    private final Deque<String> ahead = new ArrayDeque<>();
    private long lineNumber;

    LineSource(BufferedReader in, long linesBefore) {
      this.in = in;
      this.lineNumber = linesBefore;
    }

    String next() throws IOException {
      String line = ahead.isEmpty() ? in.readLine() : ahead.pollFirst();
      if (line != null) {
        lineNumber++;
      }
      return line;
    }

    /** The next line that is not blank (blank lines between records are skipped), or null at the end. */
    String nextNonBlank() throws IOException {
      String line;
      do {
        line = next();
      } while (line != null && line.isBlank());
      return line;
    }

    /** The i-th line after the current one (0-based), without consuming it. */
    String peek(int i) throws IOException {
      while (ahead.size() <= i) {
        String line = in.readLine();
        if (line == null) {
          return null;
        }
        ahead.addLast(line);
      }
      return ahead.stream().skip(i).findFirst().orElse(null);
    }

    void skip(int n) throws IOException {
      for (int i = 0; i < n; i++) {
        next();
      }
    }

    long lineNumber() {
      return lineNumber;
    }
  }
}
