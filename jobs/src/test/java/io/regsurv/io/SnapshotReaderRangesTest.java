package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.Dialect;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file read as byte ranges gives exactly the rows and line numbers of a whole-file read. */
class SnapshotReaderRangesTest {
  private static final SparkSession SPARK = SharedSpark.spark();

  @TempDir Path dir;

  @Test
  void rangesReadTheSameRowsAsTheWholeFileWhereverTheCutsFall() throws IOException {
    Dialect dialect = Dialect.load("generator-csv");
    Path file = dir.resolve("dump.csv");
    Files.writeString(file, messyCsv(dialect, "\n"));
    List<String> whole = rows(dialect, file, Long.MAX_VALUE, 1);
    assertThat(whole).hasSizeGreaterThan(300);
    assertThat(whole).anyMatch(r -> r.contains(SnapshotReader.MALFORMED_CSV)).anyMatch(r -> r.contains(SnapshotReader.WRONG_COLUMN_COUNT))
        .anyMatch(r -> r.contains("第一行\n第二行"));
    for (long split : List.of(97L, 1000L, 4096L, 20_000L)) {
      assertThat(rows(dialect, file, split, 2)).as("split %d bytes", split).isEqualTo(whole);
    }
  }

  @Test
  void rangeSizeSpreadsTheBytesOverTheCoresLikeSparksOwnFileSplits() {
    long mb = 1 << 20;
    long max = 128 * mb;
    long open = 4 * mb;
    // One 18 MB demo snapshot on 2 cores: two ranges (11 MB), not one 128 MB range that leaves a core idle.
    assertThat(FileRanges.splitBytes(new long[] {18 * mb}, max, open, 2)).isEqualTo(11 * mb);
    // Below the open cost a file stays whole; a large one is cut at maxPartitionBytes.
    assertThat(FileRanges.splitBytes(new long[] {mb}, max, open, 2)).isEqualTo(open);
    assertThat(FileRanges.splitBytes(new long[] {900 * mb}, max, open, 2)).isEqualTo(max);
    // A compressed file (-1) is not cut but still spreads the others' bytes.
    assertThat(FileRanges.splitBytes(new long[] {-1, 20 * mb}, max, open, 4)).isEqualTo(7 * mb);
  }

  @Test
  void crlfAndGb18030FilesSplitToo() throws IOException {
    Dialect dialect = Dialect.load("generator-csv").withEncoding("gb18030");
    Path file = dir.resolve("dump-gb.csv");
    Files.write(file, messyCsv(dialect, "\r\n").getBytes(Charset.forName("GB18030")));
    List<String> whole = rows(dialect, file, Long.MAX_VALUE, 1);
    assertThat(rows(dialect, file, 1500, 2)).isEqualTo(whole);
  }

  @Test
  void compressedFilesAndLoneCarriageReturnsStayWhole() throws IOException {
    Dialect dialect = Dialect.load("generator-csv");
    Path gz = dir.resolve("dump.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(messyCsv(dialect, "\n").getBytes(Charset.forName("UTF-8")));
    }
    Path cr = dir.resolve("dump-cr.csv");
    Files.writeString(cr, messyCsv(dialect, "\r"));
    List<String> gzWhole = rows(dialect, gz, Long.MAX_VALUE, 1);
    assertThat(rows(dialect, gz, 1000, 1)).isEqualTo(gzWhole);
    List<String> crWhole = rows(dialect, cr, Long.MAX_VALUE, 1);
    assertThat(crWhole).hasSizeGreaterThan(300);
    assertThat(rows(dialect, cr, 1000, 1)).isEqualTo(crWhole);
  }

  @Test
  void aJsonLinesFileIsCutAtAnyLine() throws IOException {
    Dialect dialect = Dialect.load("generator-jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      sb.append(i % 37 == 5 ? "{broken\n" : "{\"uscc\": \"91110000MA0" + i + "\", \"name\": \"北京智能" + i + "有限公司\"}\n");
    }
    Path file = dir.resolve("dump.jsonl");
    Files.writeString(file, sb.toString());
    List<String> whole = rows(dialect, file, Long.MAX_VALUE, 1);
    assertThat(whole).hasSize(400).anyMatch(r -> r.contains(SnapshotReader.MALFORMED_JSON));
    assertThat(rows(dialect, file, 333, 2)).isEqualTo(whole);
  }

  /** The rows as text, in line order, read with the given split size; checks the task count. */
  private List<String> rows(Dialect dialect, Path file, long splitBytes, int minTasks) {
    String key = "spark.sql.files.maxPartitionBytes";
    String before = SPARK.conf().get(key);
    try {
      SPARK.conf().set(key, Long.toString(splitBytes));
      Dataset<Row> raw = SnapshotReader.read(SPARK, dialect, List.of(file.toString()), "test", new ArrayList<>());
      assertThat(raw.rdd().getNumPartitions()).isGreaterThanOrEqualTo(minTasks);
      if (minTasks == 1 && splitBytes < Long.MAX_VALUE) {
        assertThat(raw.rdd().getNumPartitions()).as("not split").isEqualTo(1);
      }
      return raw.orderBy("source_line").collectAsList().stream()
          .map(r -> r.get(1) + "|" + r.get(2) + "|" + (r.isNullAt(3) ? null : r.getList(3)) + "|" + r.get(4)).toList();
    } finally {
      SPARK.conf().set(key, before);
    }
  }

  /**
   * A dump with every kind of line the reader treats differently: quoted fields spanning lines,
   * an unbalanced quote (quarantined alone, reading resumes), stray quotes, blank lines, wrong
   * column counts, Chinese text; placed pseudo-randomly, so that the nominal boundaries of the
   * split sizes tried fall near all of them.
   */
  private static String messyCsv(Dialect dialect, String eol) {
    int n = dialect.columns().size();
    StringBuilder sb = new StringBuilder(String.join(",", dialect.columns().keySet())).append(eol);
    Random random = new Random(7);
    for (int i = 0; i < 400; i++) {
      List<String> f = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        f.add("值" + i + "_" + c);
      }
      // Every 120 lines: 60 lines of everything, then an unbalanced quote and 59 plain lines
      // (more than a record may join, so that line is quarantined alone and cuts can follow).
      int kind = i % 120 < 60 ? random.nextInt(12) : i % 120 == 60 ? 1 : 11;
      switch (kind) {
        case 0 -> f.set(2, "\"第一行\n第二行\"");
        case 1 -> f.set(3, "\"只有开头");
        case 2 -> f.set(4, "5\"寸");
        case 3 -> f.remove(0);
        case 4 -> sb.append(eol);
        case 5 -> f.set(5, "\"含,逗号和\"\"引号\"\"\"");
        default -> { }
      }
      sb.append(String.join(",", f).replace("\n", eol)).append(eol);
    }
    return sb.toString();
  }
}
