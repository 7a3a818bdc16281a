package io.regsurv.survival;

import static io.regsurv.SilverFixtures.MISTYPED_USCC;
import static io.regsurv.SilverFixtures.REGISTRATION_NUMBER;
import static io.regsurv.SilverFixtures.VALID_USCC;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** gold.status_transition_monthly's aggregation on a few in-memory silver.status_event rows. */
class StatusTransitionsTest {
  @Test
  void exitOfAFirmKnownOnlyByAnInvalidUsccIsNotATransition() {
    List<Row> events =
        List.of(exit(VALID_USCC), exit(MISTYPED_USCC), exit(REGISTRATION_NUMBER));
    List<Row> monthly =
        SurvivalJob.transitions(SharedSpark.spark().createDataFrame(events, Tables.get(Tables.STATUS_EVENT).schema()), LocalDate.of(2024, 7, 31), 3L)
            .collectAsList();
    assertThat(monthly).extracting(r -> r.getAs("month") + " " + r.getAs("transition_kind") + " " + r.getAs("n_transitions"))
        .containsExactly("2024-06-01 exit 2");
  }

  private static Row exit(String uscc) {
    return RowFactory.create(uscc, "ACTIVE", "CANCELLED", Date.valueOf("2024-06-10"), null, null, "status_date", Date.valueOf("2024-06-30"), "exit");
  }
}
