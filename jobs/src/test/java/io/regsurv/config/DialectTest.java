package io.regsurv.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DialectTest {
  @Test
  void bundledDialectsLoad() {
    Dialect csv = Dialect.load("generator-csv");
    assertThat(csv.format()).isEqualTo("csv");
    assertThat(csv.columns()).containsEntry("统一社会信用代码", "uscc").containsEntry("登记状态", "status_raw").hasSize(13);
    assertThat(csv.statusDateFrom()).containsExactly("cancellation_date", "revocation_date");
    assertThat(Dialect.load("generator-jsonl").columns()).containsEntry("cancelled_date", "cancellation_date");
    Dialect extract = Dialect.load("registry-extract-csv");
    assertThat(extract.columns()).doesNotContainValue("status_raw").containsEntry("注册日期", "established_date");
    assertThat(extract.requiredSourceColumns()).containsExactlyInAnyOrder("企业名称", "统一社会信用代码", "注册日期");
  }

  @Test
  void unknownDialectIsOneLine() {
    assertThatThrownBy(() -> Dialect.load("no-such-dialect"))
        .isInstanceOf(BadInputException.class)
        .hasMessage("Cannot read no-such-dialect: neither a file nor a bundled definition in schemas/dialects/");
  }

  @Test
  void badDialectFileNamesTheProblem(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("d.json");
    Files.writeString(f, """
        {"format": "csv", "encoding": "UTF-8", "columns": {"代码": "usc"}, "required": ["uscc"], "dateFormats": ["yyyy-M-d"]}
        """);
    assertThatThrownBy(() -> Dialect.load(f.toString()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("dialect " + f)
        .hasMessageContaining("maps to unknown canonical column 'usc'")
        .hasMessageNotContaining("\n");

    Files.writeString(f, """
        {"format": "xml", "encoding": "UTF-8", "columns": {"代码": "uscc"}, "dateFormats": ["yyyy-M-d"]}
        """);
    assertThatThrownBy(() -> Dialect.load(f.toString())).hasMessageContaining("format must be 'csv' or 'jsonl', was 'xml'");

    Files.writeString(f, """
        {"format": "csv", "encoding": "KLINGON-8", "columns": {"代码": "uscc"}, "dateFormats": ["yyyy-M-d"]}
        """);
    assertThatThrownBy(() -> Dialect.load(f.toString())).hasMessageContaining("encoding 'KLINGON-8'");

    Files.writeString(f, """
        {"colour": "red", "format": "csv", "encoding": "UTF-8", "columns": {"代码": "uscc", "日期": "established_date"},
         "required": ["uscc", "established_date"], "dateFormats": ["yyyy-M-d"]}
        """);
    assertThatThrownBy(() -> Dialect.load(f.toString())).hasMessageContaining("unknown key 'colour'");
  }

  @Test
  void encodingOverrideKeepsTheRest() {
    Dialect gb = Dialect.load("generator-csv").withEncoding("GB18030");
    assertThat(gb.encoding()).isEqualTo("GB18030");
    assertThat(gb.columns()).hasSize(13);
    assertThatThrownBy(() -> Dialect.load("generator-csv").withEncoding("nope")).isInstanceOf(BadInputException.class).hasMessageStartingWith("--encoding nope:");
  }
}
