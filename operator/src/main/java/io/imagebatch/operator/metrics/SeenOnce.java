package io.imagebatch.operator.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the last {@code capacity} keys (object UIDs), so that a pod or Job seen in every
 * reconciliation is measured once. An evicted key could count twice; with 10,000 kept, only a batch
 * with more shards than that running at once could see it.
 */
final class SeenOnce {
  private final Map<String, Boolean> keys;

  SeenOnce(int capacity) {
    this.keys =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** True the first time {@code key} is offered (a null key never counts). */
  synchronized boolean first(String key) {
    return key != null && keys.putIfAbsent(key, Boolean.TRUE) == null;
  }
}
