package io.regsurv.generate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The four published figures (TMTpost, 2024-08-13) computed from the generator's ground truth with the
 * definitions the report job uses on silver tables; accumulate firm by firm, then read {@link #figures}.
 */
public final class Calibration {
  static final Set<String> ACTIVE = Set.of("存续", "在业", "存续（在营、开业、在册）", "迁入");
  static final Set<String> ABNORMAL = Set.of("注销", "吊销，已注销", "吊销，未注销", "吊销", "停业");

  static final int BOOM_START = FirmModel.day(2022, 11, 30);
  static final int COHORT_END = FirmModel.day(2024, 7, 29);
  static final int REPORT_DAY = FirmModel.day(2024, 8, 7);
  static final int TEN_YEARS_START = FirmModel.day(2014, 8, 8);
  static final int THREE_YEARS_START = FirmModel.day(2021, 8, 8);
  static final int YEAR_2024 = FirmModel.day(2024, 1, 1);

  /** Published figures, full scale. */
  public static final Map<String, Long> PUBLISHED = Map.of(
      "F1_existing", 1_804_300L,
      "F2_cohort", 878_000L,
      "F2_cohort_abnormal", 78_612L,
      "F3_disappeared_10y", 353_000L,
      "F3_cancelled_revoked_3y", 205_000L,
      "F4_new_2024", 300_700L);

  private final int existingDay;
  private long existing;
  private long cohort;
  private long cohortAbnormal;
  private long disappeared;
  private long cancelledRevoked3y;
  private long new2024;

  /** @param existingDay the last snapshot on or before 2024-08-07: F1 is the state shown there */
  public Calibration(int existingDay) {
    this.existingDay = existingDay;
  }

  public void add(Firm f) {
    if (!f.aiRelated()) {
      return;
    }
    int est = f.establishedDay();
    if (est <= existingDay && ACTIVE.contains(f.stateAt(existingDay).status())) {
      existing++;
    }
    if (est >= BOOM_START && est <= COHORT_END) {
      cohort++;
      if (ABNORMAL.contains(f.stateAt(COHORT_END).status())) {
        cohortAbnormal++;
      }
    }
    int exit = f.firstExitDay();
    if (exit >= TEN_YEARS_START && exit <= REPORT_DAY) {
      disappeared++;
      if (exit >= THREE_YEARS_START && f.firstExitCause().cancelledOrRevoked()) {
        cancelledRevoked3y++;
      }
    }
    if (est >= YEAR_2024 && est <= REPORT_DAY) {
      new2024++;
    }
  }

  /** Adds another partial count (parallel passes). */
  public void merge(Calibration o) {
    existing += o.existing;
    cohort += o.cohort;
    cohortAbnormal += o.cohortAbnormal;
    disappeared += o.disappeared;
    cancelledRevoked3y += o.cancelledRevoked3y;
    new2024 += o.new2024;
  }

  /** Figure name → count, in the published order. */
  public Map<String, Long> figures() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("F1_existing", existing);
    m.put("F2_cohort", cohort);
    m.put("F2_cohort_abnormal", cohortAbnormal);
    m.put("F3_disappeared_10y", disappeared);
    m.put("F3_cancelled_revoked_3y", cancelledRevoked3y);
    m.put("F4_new_2024", new2024);
    return m;
  }
}
