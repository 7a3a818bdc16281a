package io.regsurv.io;

import io.regsurv.config.Dialect;
import io.regsurv.io.SnapshotReader.FileTask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Cuts large uncompressed snapshot files into byte ranges that {@link SnapshotReader} reads in
 * parallel, with the same rows and line numbers as a whole-file read.
 *
 * <p>A cut must not fall inside a record: a CSV record spans lines only when its first line has an
 * open quote, and the reader joins at most {@link SnapshotReader#MAX_LINES_PER_RECORD} lines to it.
 * So a line start is a safe cut when the {@code MAX_LINES_PER_RECORD + 1} lines before it each
 * parse alone (JSON Lines: every line start). The first safe cut at or after each nominal boundary
 * is found, and the line feeds before it counted, by one Spark job over the nominal ranges.
 */
final class FileRanges {
  /** Longer lines are not decoded to look for quotes: they count as open (no cut after them). */
  static final int MAX_PROBE_LINE_BYTES = 1 << 20;

  /** How far before a nominal boundary the probe starts reading, for the lines a safe cut needs. */
  static final int LOOK_BEHIND_BYTES = 1 << 16;

  private FileRanges() {}

  /**
   * The tasks, with every uncompressed file longer than the range size (chosen by {@code splitBytesOf}
   * from the files' splittable lengths, -1 for compressed or unreadable ones) replaced by its ranges.
   * A file with a lone CR line end is left whole: the reader counts a CR as a line end and the
   * cut search counts line feeds only.
   */
  static List<FileTask> split(JavaSparkContext jsc, Configuration conf, Map<String, String> confEntries, List<FileTask> tasks,
      java.util.function.ToLongFunction<long[]> splitBytesOf) {
    long[] lengths = new long[tasks.size()];
    for (int t = 0; t < tasks.size(); t++) {
      lengths[t] = splittableLength(conf, tasks.get(t));
    }
    long splitBytes = splitBytesOf.applyAsLong(lengths);
    List<Probe> probes = new ArrayList<>();
    for (int t = 0; t < tasks.size(); t++) {
      long length = lengths[t];
      for (long start = 0; length > splitBytes && start < length; start += splitBytes) {
        FileTask task = tasks.get(t);
        probes.add(new Probe(t, task.path(), task.format(), task.encoding(), start, Math.min(length, start + splitBytes)));
      }
    }
    if (probes.isEmpty()) {
      return tasks;
    }
    Map<Integer, List<Found>> byTask = new HashMap<>();
    for (Found f : jsc.parallelize(probes, probes.size()).map(new FindCut(confEntries)).collect()) {
      byTask.computeIfAbsent(f.task(), k -> new ArrayList<>()).add(f);
    }
    List<FileTask> out = new ArrayList<>();
    for (int t = 0; t < tasks.size(); t++) {
      List<Found> found = byTask.get(t);
      if (found == null || found.stream().anyMatch(Found::loneCr)) {
        out.add(tasks.get(t));
        continue;
      }
      found.sort(Comparator.comparingLong(Found::start));
      List<long[]> cuts = new ArrayList<>(); // {byte offset, lines before it}
      long linesBeforeRange = 0;
      for (Found f : found) {
        if (f.start() == 0) {
          cuts.add(new long[] {0, 0});
        } else if (f.cut() >= 0) {
          cuts.add(new long[] {f.cut(), linesBeforeRange + f.newlinesBeforeCut()});
        }
        linesBeforeRange += f.newlines();
      }
      for (int i = 0; i < cuts.size(); i++) {
        long end = i + 1 < cuts.size() ? cuts.get(i + 1)[0] : -1;
        out.add(tasks.get(t).range(cuts.get(i)[0], end, cuts.get(i)[1]));
      }
    }
    return out;
  }

  /**
   * Spark's own rule for file splits (FilePartition.maxSplitBytes): the bytes spread over the
   * cores, at most {@code maxPartitionBytes}, at least {@code openCostInBytes}. A single 18 MB
   * snapshot is then read by both cores of a 2-core machine instead of one (it was one range of
   * up to 128 MB); files below the open cost stay whole, where a split costs more than it saves.
   */
  static long splitBytes(long[] lengths, long maxPartitionBytes, long openCostInBytes, int parallelism) {
    long total = 0;
    for (long length : lengths) {
      total += Math.max(0, length) + openCostInBytes;
    }
    return Math.min(maxPartitionBytes, Math.max(openCostInBytes, total / Math.max(1, parallelism)));
  }

  /** The file's length if it may be cut (not compressed), else -1. */
  private static long splittableLength(Configuration conf, FileTask task) {
    try {
      Path path = new Path(task.path());
      if (new CompressionCodecFactory(conf).getCodec(path) != null) {
        return -1;
      }
      return path.getFileSystem(conf).getFileStatus(path).getLen();
    } catch (IOException e) {
      return -1; // the read task reports the problem with the file
    }
  }

  /** A nominal range [start, end) of task {@code task}'s file. */
  record Probe(int task, String path, String format, String encoding, long start, long end) implements Serializable {}

  /**
   * What the probe of a range found: its line feeds, the first safe cut in it (-1: none, so the
   * range stays with the one before), the line feeds between its start and the cut, and whether
   * it holds a CR not followed by a line feed.
   */
  record Found(int task, long start, long newlines, long cut, long newlinesBeforeCut, boolean loneCr) implements Serializable {}

  static final class FindCut implements Function<Probe, Found> {
    private final Map<String, String> confEntries;

    FindCut(Map<String, String> confEntries) {
      this.confEntries = confEntries;
    }

    @Override
    public Found call(Probe probe) throws IOException {
      Configuration conf = new Configuration(false);
      confEntries.forEach(conf::set);
      Path path = new Path(probe.path());
      int needed = Dialect.CSV.equals(probe.format()) ? SnapshotReader.MAX_LINES_PER_RECORD + 1 : 0;
      Charset charset = Charset.forName(probe.encoding());
      long newlines = 0;
      long newlinesBeforeCut = 0;
      long cut = -1;
      boolean loneCr = false;
      // The lines that make a cut safe may start before the range: read some bytes before it too.
      long pos = Math.max(0, probe.start() - LOOK_BEHIND_BYTES);
      boolean atLineStart = pos == 0;
      boolean inFirstPartialLine = pos > 0; // a line's tail: its head, and so its quotes, are unknown
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int closedInARow = 0;
      int prev = -1;
      boolean pastEnd = false;
      byte[] buf = new byte[1 << 16];
      try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
        in.seek(pos);
        scan:
        for (int n; (n = in.read(buf)) > 0; ) {
          for (int i = 0; i < n; i++, pos++) {
            int b = buf[i] & 0xff;
            if (prev == '\r' && b != '\n' && pos > probe.start()) {
              loneCr = true;
            }
            if (pos >= probe.end()) {
              pastEnd = true;
              break scan; // one byte past the end only to see what follows a final CR
            }
            if (atLineStart && cut < 0 && pos >= probe.start() && closedInARow >= needed) {
              cut = pos;
              newlinesBeforeCut = newlines;
            }
            if (b == '\n') {
              if (pos >= probe.start()) {
                newlines++;
              }
              if (cut < 0 && !inFirstPartialLine) {
                closedInARow = line.size() < MAX_PROBE_LINE_BYTES && closes(line.toByteArray(), charset) ? closedInARow + 1 : 0;
              }
              line.reset();
              inFirstPartialLine = false;
              atLineStart = true;
            } else {
              atLineStart = false;
              if (cut < 0 && !inFirstPartialLine && line.size() < MAX_PROBE_LINE_BYTES) {
                line.write(b);
              }
            }
            prev = b;
          }
        }
      }
      if (!pastEnd && prev == '\r') {
        loneCr = true; // a CR as the file's last byte
      }
      return new Found(probe.task(), probe.start(), newlines, cut, newlinesBeforeCut, loneCr);
    }

    /** True when the line parses alone: no quote left open at its end. */
    private static boolean closes(byte[] bytes, Charset charset) {
      // Lenient decoding is enough: a quote is one ASCII byte in UTF-8 and GB18030, and a bad
      // byte sequence is reported by the read task.
      String s = new String(bytes, charset);
      if (s.endsWith("\r")) {
        s = s.substring(0, s.length() - 1);
      }
      return CsvParser.split(s) != null;
    }
  }
}
