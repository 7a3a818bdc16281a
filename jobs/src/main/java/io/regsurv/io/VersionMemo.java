package io.regsurv.io;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers remembered per exact table version (a Delta table's id, location and version: {@link
 * Warehouse#versionIdentity}), for the few most recent versions; thread-safe. A commit by another
 * process makes a new version, which is simply not remembered, so an answer is never stale.
 */
final class VersionMemo<V> {
  private final Map<String, V> byVersion;

  VersionMemo(int capacity) {
    byVersion = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized V get(String versionIdentity) {
    return byVersion.get(versionIdentity);
  }

  synchronized void put(String versionIdentity, V value) {
    byVersion.put(versionIdentity, value);
  }

  /** The remembered answer, else {@code compute}'s, remembered unless NULL (computed outside the lock). */
  V computeIfAbsent(String versionIdentity, Supplier<V> compute) {
    V known = get(versionIdentity);
    if (known != null) {
      return known;
    }
    V answer = compute.get();
    if (answer != null) {
      put(versionIdentity, answer);
    }
    return answer;
  }
}
