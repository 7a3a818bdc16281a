package io.regsurv.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/** How a headline figure counts firms: the {@code kind} of a figure in schemas/published-figures.json. */
public enum KpiKind {
  /** Firms whose status is ACTIVE on a date. */
  EXISTING("existing"),
  /** Firms established in a window. */
  REGISTERED("registered"),
  /** Of the firms established in a window, those with an abnormal status on a date. */
  ABNORMAL("abnormal"),
  /** {@link #ABNORMAL} divided by {@link #REGISTERED}. */
  ABNORMAL_SHARE("abnormal_share"),
  /** Firms whose first exit is in a window. */
  EXITS("exits");

  private final String id;

  KpiKind(String id) {
    this.id = id;
  }

  /** The name written in the figures file. */
  @JsonValue
  public String id() {
    return id;
  }

  /** Whether the figure reads each firm's status on its {@code on} date. */
  public boolean needsStatusOn() {
    return this == EXISTING || this == ABNORMAL || this == ABNORMAL_SHARE;
  }

  /** The kind of a name in the figures file. */
  @JsonCreator
  public static KpiKind of(String id) {
    return Arrays.stream(values())
        .filter(k -> k.id.equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown figure kind '" + id + "' (known: " + String.join(", ", ids()) + ")"));
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(KpiKind::id).toList();
  }
}
