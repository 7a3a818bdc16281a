package io.regsurv.cli;

import io.regsurv.core.BadInputException;
import io.regsurv.generate.FirmModel;
import io.regsurv.generate.Generator;
import io.regsurv.generate.GeneratorSettings;
import io.regsurv.generate.SnapshotDates;
import io.regsurv.generate.SnapshotFormat;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv generate}: a deterministic synthetic registry of AI-related firms, written as bulk snapshots plus its ground truth. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Write a synthetic, deterministic registry of AI-related Chinese firms as bulk snapshots.",
    description = {
      "Write a synthetic, deterministic registry of AI-related Chinese firms as bulk",
      "snapshots <out>/dt=YYYY-MM-DD/part-NNNNN.csv[.gz] (or .jsonl[.gz]) plus its",
      "ground truth in <out>/truth/ (firms.csv, exits_by_snapshot.csv, dirt.csv,",
      "calibration.json). At full scale the figures match the published ones",
      "(TMTpost, 2024-08-13); smaller registries keep the shape, counts scaled down.",
      "",
      "Presets (--scale):",
      "  demo  50,000 firms; 6 snapshots 2023-06-30, 2023-12-31, 2024-03-31,",
      "        2024-06-30, 2024-07-31, 2024-08-07",
      "  full  2.3 M firms; month-ends 2023-01-31..2024-07-31 plus 2024-08-07 (20)",
      "--firms, --snapshots or --from/--to/--cadence override parts of a preset.",
      "Example: regsurv generate --out data/registry --scale full --gzip",
      ""
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR|URI", description = "Output root: a local folder or a Hadoop URI (file:, hdfs://, s3a://). Snapshot folders and truth/ are replaced.")
  String out;

  @Option(names = "--scale", paramLabel = "demo|full", defaultValue = "demo", description = "Preset size and snapshot series. Default: ${DEFAULT-VALUE}.")
  String scale;

  @Option(names = "--firms", paramLabel = "N", description = "Firms ever registered (overrides the preset; demo 50,000, full ≈2.3 M).")
  Long firms;

  @Option(names = "--snapshots", split = ",", paramLabel = "DATE", description = "Explicit snapshot dates (YYYY-MM-DD, comma-separated).")
  List<String> snapshots;

  @Option(names = "--from", paramLabel = "DATE", description = "First snapshot (with --to): month-ends from here.")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last snapshot (with --from); added even when not a period end.")
  String to;

  @Option(names = "--cadence", paramLabel = "monthly|quarterly|yearly", defaultValue = "monthly", description = "Spacing of --from/--to snapshots (period ends). Default: ${DEFAULT-VALUE}.")
  String cadence;

  @Option(names = "--format", paramLabel = "csv|jsonl", defaultValue = "csv", description = "csv (Chinese headers, dialect generator-csv) or jsonl (English keys, dialect generator-jsonl). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--encoding", paramLabel = "utf-8|gb18030", defaultValue = "utf-8", description = "Charset of the snapshot files. Default: ${DEFAULT-VALUE}.")
  String encoding;

  @Option(names = "--gzip", description = "Compress the snapshot files (.gz).")
  boolean gzip;

  @Option(names = "--dirt-rate", paramLabel = "R", defaultValue = "0.005", description = "Share of dirty rows (malformed, shifted, bad check digit, impossible date, duplicate, unknown status, full-width), 0..0.5. Default: ${DEFAULT-VALUE}.")
  double dirtRate;

  @Option(names = "--seed", defaultValue = "42", description = "Seed: the same seed and options give byte-identical files. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--parts", paramLabel = "N", defaultValue = "1", description = "Files per snapshot. Default: ${DEFAULT-VALUE}.")
  int parts;

  @Option(names = "--truth", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Write the ground truth under <out>/truth/ (default: on; --no-truth to skip).")
  boolean truth;

  @Option(names = "--threads", paramLabel = "N", description = "Files written at once (default: the number of cores).")
  Integer threads;

  @Override
  public Integer call() {
    GeneratorSettings settings = settings();
    Generator.Result r = run(settings, spec.commandLine().getErr(), "generate --out " + settings.out());
    print(spec.commandLine().getOut(), settings, r, true);
    return 0;
  }

  /** Writes the registry; on a terminal with a line of the files written so far (see {@link TerminalProgress}). */
  static Generator.Result run(GeneratorSettings settings, PrintWriter err, String label) {
    if (!TerminalProgress.wanted()) {
      return new Generator(settings).run();
    }
    TerminalProgress progress = TerminalProgress.start(err);
    try {
      return new Generator(settings).run(progress.counter(label, "files"));
    } finally {
      progress.done();
    }
  }

  /** One line of what was written, then (with {@code calibration}) the truth's figures against the published ones at the registry's scale. */
  static void print(PrintWriter o, GeneratorSettings settings, Generator.Result r, boolean calibration) {
    o.printf(Locale.ROOT, "regsurv generate: %d firms, %d snapshots (%s .. %s), %,d rows (%,d dirty) in %.1f s, %,.0f rows/s, %,d bytes -> %s%n",
        settings.firms(), settings.snapshots().size(), settings.snapshots().get(0),
        settings.snapshots().get(settings.snapshots().size() - 1), r.rowsWritten(), r.dirtyRows(), r.seconds(),
        r.rowsWritten() / Math.max(r.seconds(), 1e-9), r.bytesWritten(), settings.out());
    for (Map.Entry<String, Long> e : calibration ? r.figures().entrySet() : Map.<String, Long>of().entrySet()) {
      o.printf(Locale.ROOT, "  %-26s %,12d  (published %,d x scale %.4f)%n", e.getKey(), e.getValue(),
          io.regsurv.generate.Calibration.PUBLISHED.get(e.getKey()), settings.scale());
    }
    o.flush();
  }

  GeneratorSettings settings() {
    boolean full;
    switch (scale.toLowerCase(Locale.ROOT)) {
      case "demo" -> full = false;
      case "full" -> full = true;
      default -> throw new BadInputException("Cannot generate: --scale must be demo or full, got '" + scale + "'");
    }
    long n = firms != null ? firms : full ? FirmModel.FULL_SCALE_FIRMS : GeneratorSettings.DEMO_FIRMS;
    if (n < 1 || n > FirmModel.MAX_FIRMS) {
      throw new BadInputException("Cannot generate: --firms must be between 1 and " + FirmModel.MAX_FIRMS + ", got " + n);
    }
    if (!(dirtRate >= 0 && dirtRate <= 0.5)) {
      throw new BadInputException("Cannot generate: --dirt-rate must be between 0 and 0.5, got " + dirtRate);
    }
    if (parts < 1 || parts > 10_000) {
      throw new BadInputException("Cannot generate: --parts must be between 1 and 10000, got " + parts);
    }
    SnapshotFormat fmt = switch (format.toLowerCase(Locale.ROOT)) {
      case "csv" -> SnapshotFormat.CSV;
      case "jsonl", "json" -> SnapshotFormat.JSONL;
      default -> throw new BadInputException("Cannot generate: --format must be csv or jsonl, got '" + format + "'");
    };
    Charset cs = switch (encoding.toLowerCase(Locale.ROOT).replace("_", "-")) {
      case "utf-8", "utf8" -> StandardCharsets.UTF_8;
      case "gb18030" -> Charset.forName("GB18030");
      default -> throw new BadInputException("Cannot generate: --encoding must be utf-8 or gb18030, got '" + encoding + "'");
    };
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (t < 1) {
      throw new BadInputException("Cannot generate: --threads must be at least 1, got " + t);
    }
    return new GeneratorSettings(out, n, dates(full), fmt, cs, gzip, dirtRate, seed, parts, truth, t);
  }

  private List<LocalDate> dates(boolean full) {
    if (snapshots != null && (from != null || to != null)) {
      throw new BadInputException("Cannot generate: give either --snapshots or --from/--to, not both");
    }
    TreeSet<LocalDate> dates = new TreeSet<>();
    if (snapshots != null) {
      for (String s : snapshots) {
        dates.add(date("--snapshots", s.strip()));
      }
    } else if (from != null || to != null) {
      if (from == null || to == null) {
        throw new BadInputException("Cannot generate: --from and --to go together");
      }
      dates.addAll(SnapshotDates.series(date("--from", from), date("--to", to), cadence));
    } else if (full) {
      dates.addAll(SnapshotDates.FULL);
    } else {
      dates.addAll(SnapshotDates.DEMO);
    }
    if (dates.isEmpty()) {
      throw new BadInputException("Cannot generate: no snapshot dates");
    }
    if (dates.size() > 1000) {
      throw new BadInputException("Cannot generate: " + dates.size() + " snapshots asked; at most 1000");
    }
    return new ArrayList<>(dates);
  }

  private static LocalDate date(String option, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadInputException("Cannot generate: " + option + " needs dates as YYYY-MM-DD, got '" + text + "'");
    }
  }
}
