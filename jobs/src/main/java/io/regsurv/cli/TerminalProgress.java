package io.regsurv.cli;

import io.regsurv.core.Stage;
import io.regsurv.pipeline.Pipeline;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;

/**
 * One updating line on standard error, on a terminal only, saying how far the running stage is:
 * Spark's tasks done of the total of its active stages, with the elapsed time. Cron, CI, tests and
 * redirected output see nothing ({@link #wanted()} is false there, and nothing is attached).
 *
 * <p>Drawn twice a second once a stage has run for {@link #DELAY_SECONDS} (short stages show
 * nothing), and erased before the stage's own lines are printed: the stage runner's listener
 * ({@link Pipeline.Listener}) tells it when a stage starts and ends.
 */
final class TerminalProgress extends SparkListener implements Pipeline.Listener {
  /** A stage shorter than this shows no progress line. */
  static final double DELAY_SECONDS = 2.0;

  static final int BAR_WIDTH = 12;

  /** What the line shows of Spark at one moment: its active stages summed, and how many stages have ended. */
  record SparkState(int activeStages, int latestStageId, int tasksDone, int tasksTotal, int tasksRunning, int stagesCompleted) {}

  private record ActiveStage(int tasks, AtomicInteger done, AtomicInteger running) {}

  private final PrintWriter err;
  private final int width;
  private ScheduledExecutorService timer;
  private final Map<Integer, ActiveStage> active = new ConcurrentHashMap<>();
  private final AtomicInteger stagesCompleted = new AtomicInteger();
  private String label; // the running regsurv stage; NULL between stages (guarded by this)
  private long startedNanos;
  private int stagesCompletedAtStart;
  private int drawn; // length of the line now on the screen, 0 when none
  private int[] counted; // work counted outside Spark: {done, total}; NULL when the stage is Spark's (guarded by this)
  private String unit;

  private TerminalProgress(PrintWriter err, int width) {
    this.err = err;
    this.width = width;
  }

  /**
   * True when standard input and output are a terminal (Java's {@link System#console()}) and the
   * terminal can move the cursor back ({@code TERM} is not {@code dumb}).
   */
  static boolean wanted() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** Listens to {@code spark}'s scheduler and draws on {@code err} while a stage runs. */
  static TerminalProgress attach(SparkSession spark, PrintWriter err) {
    TerminalProgress p = start(err);
    spark.sparkContext().addSparkListener(p);
    return p;
  }

  /** Draws on {@code err} while a stage runs, for work that counts itself ({@link #counter}). */
  static TerminalProgress start(PrintWriter err) {
    TerminalProgress p = new TerminalProgress(err, terminalWidth());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "regsurv-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(p::draw, 500, 500, TimeUnit.MILLISECONDS);
    p.timer = timer;
    return p;
  }

  /** {@code inner}, with this line started before it and erased before its results are printed. */
  Pipeline.Listener around(Pipeline.Listener inner) {
    return new Pipeline.Listener() {
      @Override
      public void started(Stage stage, String detail) {
        inner.started(stage, detail);
        TerminalProgress.this.started(stage, detail);
      }

      @Override
      public void finished(Stage stage, Object result, double seconds) {
        TerminalProgress.this.finished(stage, result, seconds);
        inner.finished(stage, result, seconds);
      }
    };
  }

  /**
   * Starts a line for work outside Spark ({@code label}, e.g. generate), and returns what that work
   * calls with its {@code unit}s done of the total; {@link #done()} erases the line.
   */
  synchronized java.util.function.BiConsumer<Integer, Integer> counter(String label, String unit) {
    this.label = label;
    this.unit = unit;
    this.counted = new int[] {0, 0};
    startedNanos = System.nanoTime();
    return (done, total) -> {
      synchronized (this) {
        counted = new int[] {done, total};
      }
    };
  }

  /** Erases the line of the work {@link #counter} started, and stops drawing. */
  synchronized void done() {
    erase();
    label = null;
    counted = null;
    timer.shutdownNow();
  }

  @Override
  public synchronized void started(Stage stage, String detail) {
    label = stage + (detail.isEmpty() ? "" : " " + detail);
    startedNanos = System.nanoTime();
    stagesCompletedAtStart = stagesCompleted.get();
  }

  @Override
  public synchronized void finished(Stage stage, Object result, double seconds) {
    erase();
    label = null;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    active.put(e.stageInfo().stageId(), new ActiveStage(e.stageInfo().numTasks(), new AtomicInteger(), new AtomicInteger()));
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart e) {
    ActiveStage s = active.get(e.stageId());
    if (s != null) {
      s.running().incrementAndGet();
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    ActiveStage s = active.get(e.stageId());
    if (s != null) {
      s.running().decrementAndGet();
      if (e.taskInfo().successful()) {
        s.done().incrementAndGet();
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    active.remove(e.stageInfo().stageId());
    stagesCompleted.incrementAndGet();
  }

  private synchronized void draw() {
    if (label == null) {
      return;
    }
    double elapsed = (System.nanoTime() - startedNanos) / 1e9;
    if (elapsed < DELAY_SECONDS) {
      return;
    }
    if (counted != null) {
      show(render(label, elapsed, counted[0], counted[1], unit, width));
      return;
    }
    int done = 0, total = 0, running = 0, latest = -1;
    for (Map.Entry<Integer, ActiveStage> e : active.entrySet()) {
      done += e.getValue().done().get();
      total += e.getValue().tasks();
      running += Math.max(0, e.getValue().running().get());
      latest = Math.max(latest, e.getKey());
    }
    String line = render(label, elapsed,
        new SparkState(active.size(), latest, done, total, running, stagesCompleted.get() - stagesCompletedAtStart), width);
    show(line);
  }

  private void show(String line) {
    err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    err.flush();
    drawn = line.length();
  }

  private void erase() {
    if (drawn > 0) {
      err.print("\r" + " ".repeat(drawn) + "\r");
      err.flush();
      drawn = 0;
    }
  }

  /**
   * The progress line: {@code ingest --snapshot-date 2024-06-30  0:23  [#####-------] 37/80 tasks
   * (stage 14)}, the tasks summed over Spark's active stages ({@code stage 14+1}: one more runs), or,
   * while the driver works between Spark stages, how many stages this one has run. Cut to
   * {@code width - 1} characters so that it never wraps (a wrapped line cannot be redrawn in place).
   */
  static String render(String label, double elapsedSeconds, SparkState spark, int width) {
    long s = (long) elapsedSeconds;
    StringBuilder b = new StringBuilder(label).append(String.format(Locale.ROOT, "  %d:%02d  ", s / 60, s % 60));
    if (spark.activeStages() > 0 && spark.tasksTotal() > 0) {
      int filled = (int) Math.floor((double) BAR_WIDTH * Math.min(spark.tasksDone(), spark.tasksTotal()) / spark.tasksTotal());
      b.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ")
          .append(spark.tasksDone()).append('/').append(spark.tasksTotal()).append(" tasks (stage ").append(spark.latestStageId());
      if (spark.activeStages() > 1) {
        b.append('+').append(spark.activeStages() - 1);
      }
      b.append(')');
    } else {
      b.append(spark.stagesCompleted()).append(" Spark stage").append(spark.stagesCompleted() == 1 ? "" : "s").append(" done");
    }
    int max = Math.max(20, width - 1);
    return b.length() > max ? b.substring(0, max - 1) + "…" : b.toString();
  }

  /** The line of work counted outside Spark: {@code generate --out demo-data  0:07  [####--------] 3/7 files}. */
  static String render(String label, double elapsedSeconds, int done, int total, String unit, int width) {
    long s = (long) elapsedSeconds;
    StringBuilder b = new StringBuilder(label).append(String.format(Locale.ROOT, "  %d:%02d  ", s / 60, s % 60));
    int filled = total <= 0 ? 0 : (int) Math.floor((double) BAR_WIDTH * Math.min(done, total) / total);
    b.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ").append(done).append('/').append(total)
        .append(' ').append(unit);
    int max = Math.max(20, width - 1);
    return b.length() > max ? b.substring(0, max - 1) + "…" : b.toString();
  }

  /** $COLUMNS when the shell exported it, else 80. */
  private static int terminalWidth() {
    try {
      String c = System.getenv("COLUMNS");
      return c == null ? 80 : Integer.parseInt(c.trim());
    } catch (NumberFormatException e) {
      return 80;
    }
  }
}
