package io.regsurv.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs writes to different Delta tables on threads of their own and waits for all of them. A
 * write spends much of its time on the driver (planning, Delta's bookkeeping and commit) and in
 * jobs of a few tasks each, so side by side they fill the cores one of them leaves idle, and the
 * driver can compute the next table's rows meanwhile. Each write commits on its own, as it would
 * in sequence: callers must already recover from a failure between two of them (classify
 * recomputes when silver changed after its watermark; survival reruns when its run did not end).
 *
 * <p>Use it as a scope: {@link #submit} each write as soon as its rows are ready, then
 * {@link #await} them all.
 */
public final class SideBySide implements AutoCloseable {
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "regsurv-side-by-side");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Future<Long>> writes = new LinkedHashMap<>();

  /** Starts writing {@code table}; {@code write} returns the version it committed. */
  public void submit(String table, Callable<Long> write) {
    if (writes.containsKey(table)) {
      throw new IllegalArgumentException("Two writes of " + table + " side by side");
    }
    writes.put(table, pool.submit(write));
  }

  /**
   * Starts {@code work} that is not a write (a computation whose rows the caller writes later) on a
   * thread of its own: {@link #await} does not wait for it, leaving the scope does, so it never
   * outlives the caller's failure. {@link #result} gives its value.
   */
  public <T> Future<T> start(Callable<T> work) {
    return pool.submit(work);
  }

  /** The value of work {@link #start}ed; its failure as it was thrown. */
  public static <T> T result(Future<T> work) {
    try {
      return work.get();
    } catch (ExecutionException e) {
      throw failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting", e);
    }
  }

  /** A task's failure as it was thrown; an Error (out of memory and the like) is rethrown at once, not reported as the task's. */
  private static RuntimeException failure(ExecutionException e) {
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause().getMessage(), e.getCause());
  }

  /**
   * Waits for every submitted write; returns the versions written, by table in the order submitted.
   * Throws the first failure (in that order) after all have ended, so that no write is still running
   * when the caller reports it.
   */
  public Map<String, Long> await() {
    Map<String, Long> versions = new LinkedHashMap<>();
    RuntimeException first = null;
    try {
      for (Map.Entry<String, Future<Long>> w : writes.entrySet()) {
        try {
          versions.put(w.getKey(), w.getValue().get());
        } catch (ExecutionException e) {
          RuntimeException failure = failure(e);
          if (first == null) {
            first = failure;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing", e);
    }
    writes.clear();
    if (first != null) {
      throw first;
    }
    return versions;
  }

  /**
   * Ends the scope. A write still running (the caller failed before {@link #await}) is waited for,
   * not abandoned: no commit may land after the caller has reported its failure.
   */
  @Override
  public void close() {
    pool.shutdown();
    try {
      while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
        // a large write: keep waiting
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Runs every write, and throws the first one's failure (in the list's order) after all have ended. */
  public static void run(List<Runnable> writes) {
    if (writes.size() <= 1) {
      writes.forEach(Runnable::run);
      return;
    }
    try (SideBySide side = new SideBySide()) {
      for (int i = 0; i < writes.size(); i++) {
        Runnable w = writes.get(i);
        side.submit("write " + i, () -> {
          w.run();
          return 0L;
        });
      }
      side.await();
    }
  }
}
