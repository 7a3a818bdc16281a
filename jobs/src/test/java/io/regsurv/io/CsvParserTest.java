package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvParserTest {
  @Test
  void rfc4180QuotingDoubledQuotesAndLineBreaks() {
    assertThat(CsvParser.split("a,\"b,c\",\"say \"\"hi\"\"\",")).containsExactly("a", "b,c", "say \"hi\"", "");
    assertThat(CsvParser.split("\"line1\nline2\",x")).containsExactly("line1\nline2", "x");
    assertThat(CsvParser.split("5\"寸,b")).containsExactly("5\"寸", "b");
  }

  @Test
  void openQuoteMeansTheRecordIsNotComplete() {
    assertThat(CsvParser.split("a,\"b,c")).isNull();
  }
}
