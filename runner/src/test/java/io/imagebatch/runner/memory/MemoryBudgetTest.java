package io.imagebatch.runner.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private static final long MIB = 1L << 20;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void theBudgetIsTheLimitMinusHeapAndNativeReserve() {
    assertThat(MemoryBudget.budgetBytes(2048 * MIB, 512 * MIB)).isEqualTo((2048 - 512 - 160) * MIB);
    assertThat(MemoryBudget.forLimit(1024 * MIB, 256 * MIB).total()).isEqualTo(608 * MIB);
    // Too tight a limit still leaves the minimum: one image at a time.
    assertThat(MemoryBudget.budgetBytes(512 * MIB, 400 * MIB)).isEqualTo(64 * MIB);
    assertThat(MemoryBudget.detect().total()).isGreaterThanOrEqualTo(MemoryBudget.MINIMUM);
  }

  @Test
  void smallRequestsShareTheBudgetConcurrently() throws Exception {
    MemoryBudget budget = new MemoryBudget(100);
    CountDownLatch allIn = new CountDownLatch(4);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(
          threads.submit(
              () -> {
                try (MemoryBudget.Lease lease = budget.acquire(25)) {
                  allIn.countDown();
                  release.await();
                }
                return null;
              }));
    }

    allIn.await(); // all four hold their lease at the same time
    assertThat(budget.available()).isZero();
    release.countDown();
    for (Future<?> worker : workers) {
      worker.get();
    }
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void aRequestOverTheWholeBudgetIsClampedAndRunsAlone() throws Exception {
    MemoryBudget budget = new MemoryBudget(100);
    MemoryBudget.Lease small = budget.acquire(10);
    CompletableFuture<MemoryBudget.Lease> big = supply(() -> budget.acquire(1000));

    await().until(() -> budget.waiting() == 1); // waits for the small one, however long
    assertThat(big).isNotDone();
    small.close();

    MemoryBudget.Lease bigLease = big.get();
    assertThat(bigLease.bytes()).isEqualTo(100);
    assertThat(budget.available()).isZero();

    // While the big one runs, even the smallest request waits: it runs alone.
    CompletableFuture<MemoryBudget.Lease> tiny = supply(() -> budget.acquire(1));
    await().until(() -> budget.waiting() == 1);
    assertThat(tiny).isNotDone();
    bigLease.close();
    assertThat(tiny.get().bytes()).isEqualTo(1);
    assertThat(budget.available()).isEqualTo(99);
  }

  @Test
  void aWaitingBigRequestIsNotOvertakenBySmallOnes() throws Exception {
    MemoryBudget budget = new MemoryBudget(100);
    MemoryBudget.Lease first = budget.acquire(60);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<MemoryBudget.Lease> big =
        supply(() -> record(order, "big", budget.acquire(80)));
    await().until(() -> budget.waiting() == 1);
    CompletableFuture<MemoryBudget.Lease> small =
        supply(() -> record(order, "small", budget.acquire(30)));
    await().until(() -> budget.waiting() == 2);

    // 40 bytes are free and the small one would fit, but it came second. Once the big one has its
    // 80, the 20 left are too few for the small one: it runs after the big one, never beside it,
    // so the recorded order is the order of acquisition.
    assertThat(small).isNotDone();
    first.close();
    big.get().close();
    small.get().close();
    assertThat(order).containsExactly("big", "small");
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void closingALeaseTwiceReturnsItsBytesOnce() throws Exception {
    MemoryBudget budget = new MemoryBudget(100);
    MemoryBudget.Lease lease = budget.acquire(40);
    lease.close();
    lease.close();
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void anInterruptedWaiterLeavesTheQueueAndLeasesNothing() throws Exception {
    MemoryBudget budget = new MemoryBudget(100);
    MemoryBudget.Lease all = budget.acquire(100);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread waiter =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    budget.acquire(50);
                    outcome.complete(null);
                  } catch (InterruptedException e) {
                    outcome.complete(e);
                  }
                });
    await().until(() -> budget.waiting() == 1);
    waiter.interrupt();

    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(budget.waiting()).isZero();
    all.close();
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void invalidSizesAreRefused() {
    assertThatThrownBy(() -> new MemoryBudget(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a memory budget must be positive, not 0");
    assertThatThrownBy(() -> new MemoryBudget(10).acquire(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot lease -1 bytes");
  }

  private interface Acquire {
    MemoryBudget.Lease get() throws InterruptedException;
  }

  private CompletableFuture<MemoryBudget.Lease> supply(Acquire acquire) {
    CompletableFuture<MemoryBudget.Lease> future = new CompletableFuture<>();
    threads.submit(
        () -> {
          try {
            future.complete(acquire.get());
          } catch (Throwable t) {
            future.completeExceptionally(t);
          }
        });
    return future;
  }

  private static MemoryBudget.Lease record(List<String> order, String name, MemoryBudget.Lease l) {
    order.add(name);
    return l;
  }
}
