package io.regsurv.stats;

import java.util.Locale;

/** How pointwise confidence limits of a survival curve are transformed, named as R's survfit {@code conf.type}. */
public enum ConfType {
  /** exp(log S ± z·se), upper limit capped at 1: R's default. */
  LOG("log"),
  /** exp(−exp(log(−log S) ∓ z·se / log S)): lifelines' default; undefined where S is 0 or 1. */
  LOG_LOG("log-log"),
  /** S ± z·S·se, clipped to [0, 1]. */
  PLAIN("plain");

  private final String label;

  ConfType(String label) {
    this.label = label;
  }

  /** The name used in tables, configuration and on the command line (R's spelling). */
  public String label() {
    return label;
  }

  /** Parses {@code log}, {@code log-log} (also {@code loglog}, {@code log_log}) or {@code plain}. */
  public static ConfType parse(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (n) {
      case "log" -> LOG;
      case "log-log", "loglog" -> LOG_LOG;
      case "plain" -> PLAIN;
      default -> throw new IllegalArgumentException("conf type must be log, log-log or plain, was '" + name + "'");
    };
  }
}
