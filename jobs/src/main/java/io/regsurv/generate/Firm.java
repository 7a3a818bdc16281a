package io.regsurv.generate;

import java.util.List;

/**
 * One synthetic firm's whole life: fixed attributes plus its status timeline (epoch days).
 * Built on demand by {@link FirmModel} and never kept: a snapshot is evaluated firm by firm.
 */
public record Firm(
    long index,
    String uscc,
    String name,
    String entityType,
    String registeredCapital,
    String businessScope,
    String legalRepresentative,
    boolean aiRelated,
    int establishedDay,
    boolean statusDatesMissing,
    List<Event> events,
    int firstExitDay,
    ExitCause firstExitCause,
    boolean reinstated,
    boolean moved) {

  /** No exit up to the model's horizon. */
  public static final int NO_EXIT = Integer.MAX_VALUE;

  /** A status change on a day; the dates and place that the dump shows from then on. */
  public record Event(int day, String status, int cancelledDay, int revokedDay, Places.Province province, Places.City city) {
    /** Marker for "no such date". */
    public static final int NONE = Integer.MIN_VALUE;
  }

  /** The event in force on a day, or null before the firm was established. */
  public Event stateAt(int day) {
    Event current = null;
    for (Event e : events) {
      if (e.day() > day) {
        break;
      }
      current = e;
    }
    return current;
  }
}
