package io.regsurv.generate;

import io.regsurv.core.BadInputException;
import io.regsurv.core.JobFailedException;
import io.regsurv.io.HadoopConf;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes the snapshot series and the ground truth of a {@link FirmModel} registry through Hadoop's
 * FileSystem (so {@code --out} may be local, {@code hdfs://} or {@code s3a://}), one task per part file.
 */
public final class Generator {
  /** What was written and how fast. */
  public record Result(long rowsWritten, long dirtyRows, long bytesWritten, double seconds, Map<String, Long> figures) {}

  private final GeneratorSettings settings;
  private final FirmModel model;

  public Generator(GeneratorSettings settings) {
    this.settings = settings;
    this.model = new FirmModel(settings.seed(), settings.firms());
  }

  public Result run() {
    return run((done, total) -> {});
  }

  /** As {@link #run()}, telling {@code filesDone} (files done, of the total) as each snapshot file or the truth is written. */
  public Result run(java.util.function.BiConsumer<Integer, Integer> filesDone) {
    long started = System.nanoTime();
    Path root = new Path(settings.out());
    FileSystem fs = fileSystem(root);
    List<Callable> tasks = new ArrayList<>();
    if (settings.truth()) {
      tasks.add(() -> writeTruth(fs, root));
    }
    for (LocalDate s : settings.snapshots()) {
      Path dir = new Path(root, "dt=" + s);
      delete(fs, dir);
      for (int p = 0; p < settings.parts(); p++) {
        int part = p;
        tasks.add(() -> writePart(fs, root, s, part));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(settings.threads(), tasks.size())));
    long rows = 0;
    long dirty = 0;
    long bytes = 0;
    Map<String, Long> figures = Map.of();
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable t : tasks) {
        futures.add(pool.submit(t::call));
      }
      int done = 0;
      for (Future<Object> f : futures) {
        Object r = f.get();
        filesDone.accept(++done, futures.size());
        if (r instanceof long[] counts) {
          rows += counts[0];
          dirty += counts[1];
          bytes += counts[2];
        } else if (r instanceof Calibration c) {
          figures = c.figures();
        }
      }
      if (settings.truth()) {
        bytes += concatDirt(fs, root);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      throw new JobFailedException("Cannot write the synthetic registry to " + settings.out() + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobFailedException("Interrupted while writing " + settings.out(), e);
    } catch (IOException e) {
      throw new JobFailedException("Cannot write the synthetic registry to " + settings.out() + ": " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
    return new Result(rows, dirty, bytes, (System.nanoTime() - started) / 1e9, figures);
  }

  /** A task's body; Object so snapshot parts and the truth pass share one pool. */
  @FunctionalInterface
  private interface Callable {
    Object call() throws IOException;
  }

  private long[] writePart(FileSystem fs, Path root, LocalDate snapshot, int part) throws IOException {
    String name = String.format(Locale.ROOT, "part-%05d.%s%s", part, settings.format().extension(), settings.gzip() ? ".gz" : "");
    Path file = new Path(new Path(root, "dt=" + snapshot), name);
    Path dirtFile = dirtPartPath(root, snapshot, part);
    long[] counts;
    try (CountingStream raw = new CountingStream(fs.create(file, true));
        Writer out = writer(raw, settings.gzip(), settings.encoding());
        Writer dirt = settings.truth() ? writer(fs.create(dirtFile, true), false, StandardCharsets.UTF_8) : Writer.nullWriter()) {
      counts = new SnapshotPart(model, settings, snapshot, part).write(out, dirt, "dt=" + snapshot + "/" + name);
      out.flush();
      out.close();
      return new long[] {counts[0], counts[1], raw.count};
    }
  }

  /** One pass over all firms: firms.csv, the calibration figures and exits per snapshot. */
  private Calibration writeTruth(FileSystem fs, Path root) throws IOException {
    Path dir = new Path(root, "truth");
    int existingDay = Calibration.REPORT_DAY;
    boolean anyBefore = false;
    for (LocalDate s : settings.snapshots()) {
      if ((int) s.toEpochDay() <= Calibration.REPORT_DAY) {
        existingDay = (int) s.toEpochDay();
        anyBefore = true;
      }
    }
    Calibration calibration = new Calibration(existingDay);
    int[] snapDays = settings.snapshots().stream().mapToInt(d -> (int) d.toEpochDay()).toArray();
    List<Map<ExitCause, long[]>> exits = new ArrayList<>();
    List<Map<ExitCause, long[]>> visible = new ArrayList<>();
    for (int i = 0; i < snapDays.length; i++) {
      exits.add(new EnumMap<>(ExitCause.class));
      visible.add(new EnumMap<>(ExitCause.class));
    }
    try (Writer w = writer(fs.create(new Path(dir, "firms.csv"), true), false, StandardCharsets.UTF_8)) {
      w.write("firm_index,uscc,established_date,is_ai_related,province,city,entity_type,"
          + "first_exit_date,first_exit_cause,reinstated,moved,status_dates_missing\n");
      for (long i = 0; i < model.firms(); i++) {
        Firm f = model.firm(i);
        calibration.add(f);
        boolean exited = f.firstExitDay() != Firm.NO_EXIT;
        Firm.Event first = f.events().get(0);
        w.write(i + "," + f.uscc() + "," + LocalDate.ofEpochDay(f.establishedDay()) + "," + f.aiRelated() + ","
            + first.province().name() + "," + first.city().name() + "," + f.entityType() + ","
            + (exited ? LocalDate.ofEpochDay(f.firstExitDay()).toString() : "") + ","
            + (exited ? f.firstExitCause().name() : "") + "," + f.reinstated() + "," + f.moved() + ","
            + f.statusDatesMissing() + "\n");
        if (exited) {
          for (int s = 0; s < snapDays.length; s++) {
            if (f.firstExitDay() <= snapDays[s]) {
              count(exits.get(s), f.firstExitCause(), f.aiRelated());
              break;
            }
          }
        }
        // What the dumps themselves show: the first snapshot listing an exit status, with that
        // status. It differs from the true first cause when a firm passes through two exit
        // statuses between dumps, or when a revocation is withdrawn before the next dump.
        for (int s = 0; s < snapDays.length; s++) {
          Firm.Event shown = f.establishedDay() <= snapDays[s] ? f.stateAt(snapDays[s]) : null;
          ExitCause cause = shown == null ? null : ExitCause.ofStatus(shown.status());
          if (cause != null) {
            count(visible.get(s), cause, f.aiRelated());
            break;
          }
        }
      }
    }
    writeExits(fs, new Path(dir, "exits_by_snapshot.csv"), exits);
    writeExits(fs, new Path(dir, "visible_exits_by_snapshot.csv"), visible);
    try (Writer w = writer(fs.create(new Path(dir, "calibration.json"), true), false, StandardCharsets.UTF_8)) {
      w.write(calibrationJson(calibration, anyBefore ? LocalDate.ofEpochDay(existingDay) : null));
    }
    return calibration;
  }

  private static void count(Map<ExitCause, long[]> counts, ExitCause cause, boolean aiRelated) {
    long[] c = counts.computeIfAbsent(cause, k -> new long[2]);
    c[0]++;
    if (aiRelated) {
      c[1]++;
    }
  }

  private void writeExits(FileSystem fs, Path file, List<Map<ExitCause, long[]>> counts) throws IOException {
    try (Writer w = writer(fs.create(file, true), false, StandardCharsets.UTF_8)) {
      w.write("snapshot_date,cause,firms,ai_related_firms\n");
      for (int s = 0; s < counts.size(); s++) {
        for (Map.Entry<ExitCause, long[]> e : counts.get(s).entrySet()) {
          w.write(settings.snapshots().get(s) + "," + e.getKey() + "," + e.getValue()[0] + "," + e.getValue()[1] + "\n");
        }
      }
    }
  }

  private String calibrationJson(Calibration c, LocalDate existingSnapshot) {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"source\": \"TMTpost 2024-08-13, national enterprise credit information publicity system\",\n");
    b.append("  \"firms\": ").append(settings.firms()).append(",\n");
    b.append("  \"seed\": ").append(settings.seed()).append(",\n");
    b.append("  \"scale\": ").append(String.format(Locale.ROOT, "%.6f", settings.scale())).append(",\n");
    b.append("  \"existing_snapshot_date\": ").append(existingSnapshot == null ? "null" : "\"" + existingSnapshot + "\"").append(",\n");
    b.append("  \"figures\": [\n");
    List<String> items = new ArrayList<>();
    for (Map.Entry<String, Long> e : c.figures().entrySet()) {
      long published = Calibration.PUBLISHED.get(e.getKey());
      double target = published * settings.scale();
      items.add(String.format(Locale.ROOT,
          "    {\"figure\": \"%s\", \"published\": %d, \"scaled_target\": %.1f, \"generated\": %d, \"ratio\": %.4f}",
          e.getKey(), published, target, e.getValue(), e.getValue() / target));
    }
    return b.append(String.join(",\n", items)).append("\n  ]\n}\n").toString();
  }

  private Path dirtPartPath(Path root, LocalDate snapshot, int part) {
    return new Path(new Path(root, "truth/_dirt_parts"), snapshot + "-" + part + ".csv");
  }

  /** Joins the per-task dirt logs, in snapshot and part order, into truth/dirt.csv. */
  private long concatDirt(FileSystem fs, Path root) throws IOException {
    Path target = new Path(root, "truth/dirt.csv");
    try (CountingStream out = new CountingStream(fs.create(target, true))) {
      out.write("snapshot_date,file,line,kind,uscc,recoverable\n".getBytes(StandardCharsets.UTF_8));
      for (LocalDate s : settings.snapshots()) {
        for (int p = 0; p < settings.parts(); p++) {
          Path part = dirtPartPath(root, s, p);
          try (InputStream in = fs.open(part)) {
            in.transferTo(out);
          }
        }
      }
      fs.delete(new Path(root, "truth/_dirt_parts"), true);
      return out.count;
    }
  }

  private static Writer writer(OutputStream raw, boolean gzip, java.nio.charset.Charset charset) throws IOException {
    OutputStream s = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
    return new BufferedWriter(new OutputStreamWriter(s, charset), 1 << 16);
  }

  private static void delete(FileSystem fs, Path dir) {
    try {
      fs.delete(dir, true);
    } catch (IOException e) {
      throw new JobFailedException("Cannot clear " + dir + " before writing it: " + e.getMessage(), e);
    }
  }

  private static FileSystem fileSystem(Path root) {
    try {
      URI uri = root.toUri();
      FileSystem fs = FileSystem.get(uri, HadoopConf.fromSparkConf());
      // The local file system would add a .crc file beside every output file; dumps have none.
      fs.setWriteChecksum(false);
      return fs;
    } catch (IOException | RuntimeException e) {
      throw new BadInputException("Cannot open the output location " + root + ": " + e.getMessage(), e);
    }
  }

  /** Counts bytes as they reach the file system (after compression). */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
