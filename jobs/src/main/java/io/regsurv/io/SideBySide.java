package io.regsurv.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs writes to different Delta tables on threads of their own and waits for all of them. A
 * MERGE spends much of its time on the driver (planning, Delta's bookkeeping) and in jobs of a
 * few tasks each, so side by side they fill the cores one of them leaves idle. Each write commits
 * on its own, as it would in sequence: callers must already recover from a failure between two of
 * them (classify recomputes when silver changed after its watermark).
 */
public final class SideBySide {
  private SideBySide() {}

  /** Runs every write, and throws the first one's failure (in the list's order) after all have ended. */
  public static void run(List<Runnable> writes) {
    if (writes.size() <= 1) {
      writes.forEach(Runnable::run);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(writes.size(), r -> {
      Thread t = new Thread(r, "regsurv-write");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable w : writes) {
        futures.add(pool.submit(w));
      }
      RuntimeException first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error; // out of memory and the like: not a write's failure to report
          }
          if (first == null) {
            first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause().getMessage(), e.getCause());
          }
        }
      }
      if (first != null) {
        throw first;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
