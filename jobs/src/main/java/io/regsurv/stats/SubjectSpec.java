package io.regsurv.stats;

import java.util.List;

/**
 * Which columns of an arbitrary table hold the survival data, and how the event column is read.
 *
 * @param time duration column (exit time), numeric or numeric text
 * @param event event column: 0/1; or a status column with {@code eventValues}; or, when
 *     {@code competing}, the exit cause with {@code censorValue} (or empty) for censored rows
 * @param entry delayed-entry time column, or null (everyone at risk from time 0)
 * @param group column whose values split the subjects into curves, or null (one curve "all")
 * @param eventValues values of {@code event} that count as an event (others are censored), or null
 * @param censorValues with {@code eventValues}: the values that are censored; any other value is
 *     then an error. Null: every value not in {@code eventValues} is censored
 * @param competing whether {@code event} holds a cause (competing risks)
 * @param censorValue with {@code competing}: the value meaning censored
 */
public record SubjectSpec(
    String time,
    String event,
    String entry,
    String group,
    List<String> eventValues,
    List<String> censorValues,
    boolean competing,
    String censorValue) {

  public SubjectSpec {
    if (time == null || event == null) {
      throw new IllegalArgumentException("time and event columns are required");
    }
    eventValues = eventValues == null ? null : List.copyOf(eventValues);
    censorValues = censorValues == null ? null : List.copyOf(censorValues);
    censorValue = censorValue == null ? "censor" : censorValue;
  }

  /** A 0/1 event column, no delayed entry, no groups. */
  public static SubjectSpec of(String time, String event) {
    return new SubjectSpec(time, event, null, null, null, null, false, null);
  }

  public SubjectSpec withEntry(String column) {
    return new SubjectSpec(time, event, column, group, eventValues, censorValues, competing, censorValue);
  }

  public SubjectSpec withGroup(String column) {
    return new SubjectSpec(time, event, entry, column, eventValues, censorValues, competing, censorValue);
  }

  public SubjectSpec withEventValues(List<String> events, List<String> censored) {
    return new SubjectSpec(time, event, entry, group, events, censored, competing, censorValue);
  }

  public SubjectSpec withCompeting(String censoredValue) {
    return new SubjectSpec(time, event, entry, group, eventValues, censorValues, true, censoredValue);
  }
}
