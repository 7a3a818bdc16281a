package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  @Test
  void runsEveryWriteAtTheSameTime() {
    // Each write waits until all three have started: in sequence the first would wait in vain.
    CountDownLatch started = new CountDownLatch(3);
    AtomicInteger together = new AtomicInteger();
    Runnable write = () -> {
      started.countDown();
      try {
        if (started.await(30, TimeUnit.SECONDS)) {
          together.incrementAndGet();
        }
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    SideBySide.run(List.of(write, write, write));
    assertThat(together.get()).isEqualTo(3);
  }

  @Test
  void throwsTheFirstFailureAfterEveryWriteHasEnded() {
    AtomicInteger slowEnded = new AtomicInteger();
    CountDownLatch failed = new CountDownLatch(1);
    Runnable slow = () -> {
      try {
        failed.await(30, TimeUnit.SECONDS);
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      slowEnded.incrementAndGet();
    };
    assertThatThrownBy(() -> SideBySide.run(List.of(
            () -> {
              failed.countDown();
              throw new IllegalArgumentException("first");
            },
            slow,
            () -> {
              throw new IllegalStateException("second");
            })))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("first");
    assertThat(slowEnded.get()).isEqualTo(1);
  }

  @Test
  void awaitGivesEachTablesVersionInTheOrderSubmitted() {
    try (SideBySide writes = new SideBySide()) {
      // The first submitted ends last: the map still lists it first.
      writes.submit("gold.a", () -> {
        Thread.sleep(200);
        return 7L;
      });
      writes.submit("gold.b", () -> 3L);
      assertThat(writes.await()).containsExactly(entry("gold.a", 7L), entry("gold.b", 3L));
    }
  }

  @Test
  void closingWaitsForAWriteStillRunning() {
    AtomicInteger ended = new AtomicInteger();
    assertThatThrownBy(() -> {
      try (SideBySide writes = new SideBySide()) {
        writes.submit("gold.a", () -> {
          Thread.sleep(300);
          ended.incrementAndGet();
          return 1L;
        });
        throw new IllegalStateException("the caller failed before await");
      }
    }).hasMessage("the caller failed before await");
    assertThat(ended.get()).isEqualTo(1);
  }

  @Test
  void refusesTwoWritesOfOneTable() {
    try (SideBySide writes = new SideBySide()) {
      writes.submit("gold.a", () -> 1L);
      assertThatThrownBy(() -> writes.submit("gold.a", () -> 2L)).isInstanceOf(IllegalArgumentException.class);
      assertThat(writes.await()).containsExactly(entry("gold.a", 1L));
    }
  }

  @Test
  void startedWorkGivesItsValueOrItsOwnFailureAndClosingWaitsForIt() {
    AtomicInteger ended = new AtomicInteger();
    try (SideBySide side = new SideBySide()) {
      assertThat(SideBySide.result(side.start(() -> 42))).isEqualTo(42);
      java.util.concurrent.Future<Integer> failing = side.start(() -> {
        throw new IllegalArgumentException("the work's own");
      });
      assertThatThrownBy(() -> SideBySide.result(failing)).isInstanceOf(IllegalArgumentException.class).hasMessage("the work's own");
    }
    assertThatThrownBy(() -> {
      try (SideBySide side = new SideBySide()) {
        side.start(() -> {
          Thread.sleep(300);
          return ended.incrementAndGet();
        });
        throw new IllegalStateException("the caller failed first");
      }
    }).hasMessage("the caller failed first");
    assertThat(ended.get()).isEqualTo(1);
  }
}
