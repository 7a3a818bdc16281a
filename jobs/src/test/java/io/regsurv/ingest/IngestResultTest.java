package io.regsurv.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestResultTest {
  @Test
  void reasonsAreListedInTheirOrderWhateverOrderTheyCameIn() {
    Map<String, Long> given = new LinkedHashMap<>();
    given.put("wrong_column_count", 481L);
    given.put("duplicate", 1879L);
    given.put("bad_uscc", 829L);
    given.put("bad_established_date", 1151L);
    IngestResult r = new IngestResult("run", LocalDate.of(2024, 7, 31), "generator-csv", List.of(), 4340, 0, 4340, given, 0, 0, 0, 0, 0, 0,
        List.of(), null);
    assertThat(r.quarantinedByReason().keySet()).containsExactly("bad_established_date", "bad_uscc", "duplicate", "wrong_column_count");
    assertThat(IngestJob.summary(r)).contains("{bad_established_date=1151, bad_uscc=829, duplicate=1879, wrong_column_count=481}");
  }
}
