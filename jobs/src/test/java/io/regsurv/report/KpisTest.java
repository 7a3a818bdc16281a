package io.regsurv.report;

import static io.regsurv.SilverFixtures.MISTYPED_USCC;
import static io.regsurv.SilverFixtures.REGISTRATION_NUMBER;
import static io.regsurv.SilverFixtures.VALID_USCC;
import static io.regsurv.SilverFixtures.firm;
import static io.regsurv.SilverFixtures.firms;
import static io.regsurv.SilverFixtures.history;
import static io.regsurv.SilverFixtures.period;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.config.PublishedFigures.Figure;
import io.regsurv.config.RunConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The headline figures' counting on a few in-memory silver rows (no Delta). */
class KpisTest {
  static final LocalDate AS_OF = LocalDate.of(2024, 7, 31);
  static final List<Figure> HEADLINE = Kpis.headline(AS_OF, RunConfig.defaults().survival().eraBoundary());

  // Every headline figure counts at least one of the valid firms; each mistyped code would be
  // counted by the same figures as the valid firm beside it.
  static final String ACTIVE_NEW = VALID_USCC;
  static final String CANCELLED = REGISTRATION_NUMBER;
  static final String ACTIVE_NEW_MISTYPED = MISTYPED_USCC;
  static final String CANCELLED_MISTYPED = MISTYPED_USCC.substring(0, 16) + "0" + MISTYPED_USCC.charAt(17);

  static final Row[] VALID = {
    firm(ACTIVE_NEW, "2024-03-01", "ACTIVE", null, null, "2024-03-31", "2024-07-31", "广东"),
    firm(CANCELLED, false, "2023-02-01", "CANCELLED", "2023-06-01", "CANCELLED", "2023-02-28", "2024-07-31", "广东", true)
  };
  static final Row[] MISTYPED = {
    firm(ACTIVE_NEW_MISTYPED, false, "2024-03-01", "ACTIVE", null, null, "2024-06-30", "2024-06-30", "广东", true),
    firm(CANCELLED_MISTYPED, false, "2023-02-01", "CANCELLED", "2023-06-01", "CANCELLED", "2023-06-30", "2023-06-30", "广东", true)
  };

  @Test
  void firmKnownOnlyByAnInvalidUsccIsCountedByNoFigure() {
    List<Row> all = new ArrayList<>(List.of(VALID));
    all.addAll(List.of(MISTYPED));
    Map<String, String> withMistyped = figures(firms(all.toArray(Row[]::new)));
    Map<String, String> validOnly = figures(firms(VALID));
    assertThat(withMistyped).isEqualTo(validOnly);
    // Not vacuous: every figure counts some firm, and counting everything would differ.
    assertThat(validOnly.values()).allMatch(v -> !v.startsWith("0/"));
    assertThat(withMistyped).containsEntry("existing_firms", "1/null").containsEntry("registered_since_era", "2/null")
        .containsEntry("abnormal_share_since_era", "1/2").containsEntry("exits_last_3y", "1/null");
  }

  @Test
  void countedKeepsValidCodesAndRegistrationNumbersOfAiFirms() {
    Dataset<Row> counted =
        Kpis.counted(firms(VALID[0], VALID[1], MISTYPED[0],
            firm("NOT_AI_" + VALID_USCC.substring(7), "2024-03-01", "ACTIVE", null, null, "2024-03-31", "2024-07-31", "广东", false)));
    assertThat(counted.select("uscc").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder(VALID_USCC, REGISTRATION_NUMBER);
  }

  /** Each headline figure as numerator/denominator, computed the way ReportJob does. */
  private static Map<String, String> figures(Dataset<Row> firms) {
    Dataset<Row> history =
        history(
            period(ACTIVE_NEW, "ACTIVE", "2024-03-01", null),
            period(ACTIVE_NEW_MISTYPED, "ACTIVE", "2024-03-01", null),
            period(CANCELLED, "ACTIVE", "2023-02-01", "2023-06-01"),
            period(CANCELLED, "CANCELLED", "2023-06-01", null),
            period(CANCELLED_MISTYPED, "ACTIVE", "2023-02-01", "2023-06-01"),
            period(CANCELLED_MISTYPED, "CANCELLED", "2023-06-01", null));
    Dataset<Row> frame = Kpis.withStatusOn(Kpis.counted(firms), history, Kpis.datesNeeded(HEADLINE));
    List<Column> aggs = new ArrayList<>();
    for (Figure f : HEADLINE) {
      aggs.add(Kpis.numerator(f));
      aggs.add(Kpis.denominator(f));
    }
    Row r = frame.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < HEADLINE.size(); i++) {
      out.put(HEADLINE.get(i).kpi(), (r.isNullAt(2 * i) ? 0 : r.getLong(2 * i)) + "/" + r.get(2 * i + 1));
    }
    return out;
  }
}
