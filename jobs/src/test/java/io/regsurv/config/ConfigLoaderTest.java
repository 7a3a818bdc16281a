package io.regsurv.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void defaultsAreComplete() {
    RunConfig c = RunConfig.defaults();
    assertThat(c.warehouse()).isEqualTo("warehouse");
    assertThat(c.classify().exitStatuses()).contains("CANCELLED", "REVOKED").doesNotContain("MOVED_OUT");
    assertThat(c.survival().confType()).isEqualTo("log");
    assertThat(c.survival().asOfDate()).isNull();
    assertThat(c.survival().eraBoundary()).isEqualTo(LocalDate.of(2022, 11, 30));
  }

  @Test
  void userFileOverridesOnlyWhatItNames(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"survival\": {\"minCohortSize\": 5, \"asOfDate\": \"2024-07-29\"}}");
    RunConfig c = ConfigLoader.load(file, Map.of());
    assertThat(c.survival().minCohortSize()).isEqualTo(5);
    assertThat(c.survival().asOfDate()).isEqualTo(LocalDate.of(2024, 7, 29));
    assertThat(c.survival().confLevel()).isEqualTo(0.95);
  }

  @Test
  void commandLineOverridesWinAndSplitLists() {
    RunConfig c =
        ConfigLoader.load(
            null, Map.of("survival.confLevel", "0.9", "classify.exitStatuses", "CANCELLED, REVOKED", "warehouse", "/tmp/w"));
    assertThat(c.survival().confLevel()).isEqualTo(0.9);
    assertThat(c.classify().exitStatuses()).containsExactly("CANCELLED", "REVOKED");
    assertThat(c.warehouse()).isEqualTo("/tmp/w");
  }

  @Test
  void unknownKeyIsOneLineNamingFileAndKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"survival\": {\"minCohortSise\": 5}}");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("bad.json")
        .hasMessageContaining("unknown key 'survival.minCohortSise'")
        .hasMessageContaining("minCohortSize")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void wrongTypeNamesTheKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"survival\": {\"minCohortSize\": \"many\"}}");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("key 'survival.minCohortSize'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void invalidValueExplainsTheRule() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("survival.confLevel", "1.5")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("confLevel must be between 0 and 1");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("survival.nope", "1")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown key 'nope'");
  }

  @Test
  void malformedJsonAndMissingFileAreOneLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\"survival\": ");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("broken.json");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.json"), Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no such file");
  }
}
