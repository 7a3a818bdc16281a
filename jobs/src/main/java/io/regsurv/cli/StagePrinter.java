package io.regsurv.cli;

import io.regsurv.classify.ClassifyResult;
import io.regsurv.ingest.IngestResult;
import io.regsurv.report.ReportJob.ReportResult;
import io.regsurv.survival.SurvivalJob.SurvivalResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** What each stage's command prints of its result; {@code run} and {@code demo} print the same per stage. */
final class StagePrinter {
  private StagePrinter() {}

  /** Prints a stage result of any stage (the pipeline's listener hands results over untyped). */
  static void print(Object result, int minCohortSize, PrintWriter out, PrintWriter err) {
    if (result instanceof List<?> results) { // several snapshots ingested in one pass
      results.forEach(r -> print(r, minCohortSize, out, err));
    } else if (result instanceof IngestResult r) {
      ingest(r, out, err);
    } else if (result instanceof ClassifyResult r) {
      classify(r, out);
    } else if (result instanceof SurvivalResult r) {
      survival(r, minCohortSize, out);
    } else if (result instanceof ReportResult r) {
      report(r, out);
    }
  }

  static void ingest(IngestResult r, PrintWriter out, PrintWriter err) {
    if (r.skipped()) {
      out.printf("snapshot %s: skipped, already ingested from the same %d file(s) by run %s (read %d = accepted %d + quarantined %d; "
          + "bronze.registry_snapshot version %d); --force to redo%n", r.snapshotDate(), r.inputFiles().size(), r.skippedBecauseOfRun(),
          r.rowsRead(), r.rowsAccepted(), r.rowsQuarantined(), r.snapshotVersion());
      out.flush();
      return;
    }
    for (String w : r.warnings()) {
      err.println("regsurv ingest: warning: " + w);
    }
    err.flush();
    out.printf("snapshot %s (%s): %d file(s), run %s%n", r.snapshotDate(), r.dialect(), r.inputFiles().size(), r.runId());
    out.printf("read %d = accepted %d + quarantined %d%n", r.rowsRead(), r.rowsAccepted(), r.rowsQuarantined());
    for (Map.Entry<String, Long> e : r.quarantinedByReason().entrySet()) {
      out.printf("  quarantined %-22s %d%n", e.getKey(), e.getValue());
    }
    out.printf("accepted with invalid USCC check digit (uscc_valid=false): %d%n", r.usccInvalid());
    out.printf("accepted without status (status_raw NULL; excluded from survival): %d%n", r.statusMissing());
    out.printf("registered capital parsed: %d of %d (%s)%n", r.capitalParsed(), r.capitalPresent(),
        r.capitalPresent() == 0 ? "n/a" : String.format("%.2f%%", 100 * r.capitalParsedShare()));
    out.printf("wrote bronze.registry_snapshot version %d, bronze.quarantine version %d%n", r.snapshotVersion(), r.quarantineVersion());
    out.flush();
  }

  static void classify(ClassifyResult r, PrintWriter out) {
    out.println("classify " + r.mode() + " (" + r.reason() + ")");
    out.println("  snapshots folded in: " + (r.snapshots().isEmpty() ? "none" : r.snapshots()));
    out.println("  bronze version: " + r.bronzeVersion() + ", rows read: " + r.rowsRead());
    if (!r.mode().equals("unchanged")) {
      out.println("  firms: " + r.firms() + ", exited: " + r.exits());
      out.println("  firms known only by an invalid USCC (uscc_valid=false, 18 characters; left out of survival and the figures): "
          + r.firmsInvalidUscc() + (r.firmsRegistrationNumber() > 0 ? "; keyed by a pre-2015 registration number (kept): " + r.firmsRegistrationNumber() : ""));
      out.println("  unknown status rows: " + r.unknownRows());
      r.unknownStatuses().forEach((raw, n) -> out.println("    " + raw + "  " + n));
    }
    out.println("  run id: " + r.runId());
    out.flush();
  }

  static void survival(SurvivalResult r, int minCohortSize, PrintWriter out) {
    if (r.skipped()) {
      out.printf("survival as of %s: skipped, gold already computed from silver.firm version %d with the same settings by run %s "
          + "(%,d cohorts published, %,d suppressed, %,d curve rows); --force to redo%n",
          r.asOfDate(), r.sourceVersion(), r.skippedBecauseOfRun(), r.cohortsPublished(), r.cohortsSuppressed(), r.curveRows());
      out.flush();
      return;
    }
    out.printf("survival as of %s (silver.firm version %d): %,d firms, %,d cohorts published, %,d suppressed (< %d firms), %,d curve rows%n",
        r.asOfDate(), r.sourceVersion(), r.firms(), r.cohortsPublished(), r.cohortsSuppressed(), minCohortSize, r.curveRows());
    if (r.firmsUnknownStatus() > 0) {
      out.printf("  %,d firms of unknown status (no status column in the source, or a status string not in the dictionary) left out of survival%n", r.firmsUnknownStatus());
    }
    if (r.firmsInvalidUscc() > 0) {
      out.printf("  %,d firms known only by an invalid USCC (wrong check character; not counted above) left out of survival%n", r.firmsInvalidUscc());
    }
    out.println("  delayed entry (left truncation): " + (r.delayedEntry() ? "on" : "off"));
    if (r.coxModel() != null) {
      out.println("  " + r.coxModel());
    }
    out.println("  versions written: " + r.versionsWritten());
    out.flush();
  }

  static void report(ReportResult result, PrintWriter out) {
    if (result.skipped()) {
      out.println("report as of " + result.asOfDate() + ": skipped, gold.registry_kpi version " + result.versionWritten()
          + " already holds these figures from the same silver versions (run " + result.skippedBecauseOfRun() + "); --force to redo");
    }
    out.println("Headline figures as of " + result.asOfDate() + " (silver.firm version " + result.sourceVersion() + "):");
    ReportCommand.print(out, result.kpis());
    out.println("Stored in gold.registry_kpi (version " + result.versionWritten() + ").");
    out.flush();
  }
}
