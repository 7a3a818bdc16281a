package io.regsurv.core;

import java.util.Arrays;
import java.util.List;

/** The kinds of status change silver.status_event records (its transition_kind column). */
public enum TransitionKind {
  /** First entry into a status of the exit definition: the end of the firm's life for survival. */
  EXIT("exit"),
  /** A further closing status after the exit (REVOKED → CANCELLED). */
  CLOSURE("closure"),
  SUSPENSION("suspension"),
  DORMANCY("dormancy"),
  LIQUIDATION("liquidation"),
  /** Back to ACTIVE from a paused or closed status. */
  REINSTATEMENT("reinstatement"),
  MOVE_OUT("move_out"),
  /** Back to ACTIVE from MOVED_OUT. */
  MOVE_IN("move_in"),
  /** Listed in the previous dump, missing from this one. */
  VANISH("vanish"),
  /** Listed again after missing from at least one dump. */
  REAPPEAR("reappear"),
  OTHER("other");

  private final String id;

  TransitionKind(String id) {
    this.id = id;
  }

  /** The name stored in status_event.transition_kind. */
  public String id() {
    return id;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(TransitionKind::id).toList();
  }
}
