package io.regsurv.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.regsurv.config.PublishedFigures;
import io.regsurv.io.ColumnDefinition;
import io.regsurv.io.TableDefinition;
import io.regsurv.io.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The domain enums agree with the data in schemas/ that names the same values. */
class DomainEnumsTest {
  private static final Set<String> STATUS_COLUMNS = Set.of("status", "current_status", "from_status", "to_status", "exit_cause");
  private static final Pattern IN_LIST = Pattern.compile("(\\w+)\\s+IN\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);

  @Test
  void statusDictionaryListsExactlyTheKnownCanonicalStatuses() {
    JsonNode statuses = Json.readResource("schemas/status-dictionary.json").get("statuses");
    List<String> listed = new ArrayList<>();
    statuses.fieldNames().forEachRemaining(listed::add);
    // UNKNOWN is what unlisted strings become, so it is the one status without variants.
    List<String> known = Arrays.stream(CanonicalStatus.values()).filter(s -> s != CanonicalStatus.UNKNOWN).map(Enum::name).toList();
    assertThat(listed).containsExactlyInAnyOrderElementsOf(known);
  }

  @Test
  void statusesNamedInTableCommentsAreCanonical() {
    Set<String> allowed = Arrays.stream(CanonicalStatus.values()).map(Enum::name).collect(Collectors.toCollection(HashSet::new));
    allowed.add(CanonicalStatus.VANISHED);
    int checked = 0;
    for (ColumnDefinition c : columnsNamed(STATUS_COLUMNS)) {
      Matcher m = Pattern.compile("\\b[A-Z][A-Z_]{2,}\\b").matcher(c.comment());
      while (m.find()) {
        if (!m.group().equals("NULL")) {
          assertThat(allowed).as(c.name() + ": " + c.comment()).contains(m.group());
          checked++;
        }
      }
    }
    assertThat(checked).as("status names found in the comments").isGreaterThanOrEqualTo(4);
  }

  @Test
  void transitionKindsAreThoseTheSchemasDocument() {
    for (ColumnDefinition c : columnsNamed(Set.of("transition_kind"))) {
      assertListed(c, TransitionKind.ids());
    }
    assertThat(Tables.get(Tables.STATUS_EVENT).columns()).extracting(ColumnDefinition::name).contains("transition_kind");
  }

  @Test
  void exitCausesAreThoseTheSchemasDocumentInTheirOrder() {
    List<ColumnDefinition> causes = columnsNamed(Set.of("cause"));
    assertThat(causes).isNotEmpty();
    for (ColumnDefinition c : causes) {
      assertListed(c, ExitCause.ids());
      assertThat(listedValues(c.comment())).as(c.comment()).containsExactlyElementsOf(ExitCause.ids());
    }
  }

  @Test
  void checkConstraintsListOnlyEnumValues() {
    for (String table : Tables.ALL) {
      for (String check : Tables.get(table).constraints().values()) {
        Matcher m = IN_LIST.matcher(check);
        while (m.find()) {
          List<String> values = Arrays.stream(m.group(2).split(",")).map(v -> v.trim().replace("'", "")).toList();
          String column = m.group(1);
          if (STATUS_COLUMNS.contains(column)) {
            assertThat(Arrays.stream(CanonicalStatus.values()).map(Enum::name).toList()).as(table + ": " + check).containsAll(values);
          } else if (column.equals("transition_kind")) {
            assertThat(TransitionKind.ids()).as(table + ": " + check).containsAll(values);
          } else if (column.equals("cause")) {
            assertThat(ExitCause.ids()).as(table + ": " + check).containsAll(values);
          }
        }
      }
    }
  }

  @Test
  void publishedFiguresUseKnownKindsAndExitStatuses() {
    PublishedFigures figures = PublishedFigures.load();
    assertThat(figures.figures()).extracting(PublishedFigures.Figure::kind).contains(KpiKind.EXISTING, KpiKind.EXITS);
    figures.figures().forEach(f -> f.causes().forEach(s -> assertThat(CanonicalStatus.isExitCandidate(s.name())).as(f.kpi()).isTrue()));
  }

  @Test
  void everyExitStatusHasOneCause() {
    for (String s : CanonicalStatus.exitCandidates()) {
      long groups = Arrays.stream(ExitCause.values()).filter(c -> c.statuses().contains(CanonicalStatus.valueOf(s))).count();
      assertThat(groups).as(s).isLessThanOrEqualTo(1);
    }
    assertThat(ExitCause.of(CanonicalStatus.REVOKED_CANCELLED)).isEqualTo(ExitCause.REVOCATION);
    assertThat(ExitCause.of(CanonicalStatus.LIQUIDATING)).isEqualTo(ExitCause.OTHER);
  }

  @Test
  void kpiKindsReadByTheirStoredName() {
    assertThat(KpiKind.of("abnormal_share")).isEqualTo(KpiKind.ABNORMAL_SHARE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KpiKind.of("vanished"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("existing, registered, abnormal, abnormal_share, exits");
  }

  private static List<ColumnDefinition> columnsNamed(Set<String> names) {
    List<ColumnDefinition> out = new ArrayList<>();
    for (String table : Tables.ALL) {
      TableDefinition def = Tables.get(table);
      def.columns().stream().filter(c -> names.contains(c.name()) && c.comment() != null).forEach(out::add);
    }
    return out;
  }

  /** A comment listing values: all of them are enum ids, and all ids are listed unless it ends the list with "...". */
  private static void assertListed(ColumnDefinition c, List<String> ids) {
    List<String> listed = listedValues(c.comment());
    assertThat(ids).as(c.comment()).containsAll(listed);
    if (!c.comment().contains("...")) {
      assertThat(listed).as(c.comment()).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  /** "Exit cause: a, b (why), c or d" → [a, b, c, d]. */
  private static List<String> listedValues(String comment) {
    String list = comment.replaceAll("\\([^)]*\\)", "");
    list = list.substring(list.indexOf(':') + 1);
    return Arrays.stream(list.split(",|\\bor\\b"))
        .map(String::trim)
        .filter(v -> !v.isEmpty() && !v.equals("..."))
        .toList();
  }
}
