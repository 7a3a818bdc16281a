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
  void quotedFieldsCanStopAndGoOnAndTheLastFieldMayBeEmpty() {
    assertThat(CsvParser.split("\"abc\"def,x")).containsExactly("abcdef", "x");
    assertThat(CsvParser.split("\"a\"b\"c,\"\"")).containsExactly("ab\"c", "");
    assertThat(CsvParser.split("")).containsExactly("");
    assertThat(CsvParser.split(",")).containsExactly("", "");
    assertThat(CsvParser.split("\"a\"\"")).isNull();
  }

  /** The parser equals the character-by-character state machine it replaced, on random records of its special characters. */
  @Test
  void equalsTheCharacterByCharacterDefinition() {
    java.util.Random random = new java.util.Random(20261205);
    char[] alphabet = {',', '"', 'a', '寸', '\n', ' '};
    for (int k = 0; k < 200_000; k++) {
      StringBuilder sb = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        sb.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String record = sb.toString();
      assertThat(CsvParser.split(record)).as("record [%s]", record).isEqualTo(byCharacter(record));
    }
  }

  private static java.util.List<String> byCharacter(String record) {
    java.util.List<String> fields = new java.util.ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean atStart = true;
    for (int i = 0; i < record.length(); i++) {
      char c = record.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < record.length() && record.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        atStart = true;
        continue;
      } else if (c == '"' && atStart) {
        quoted = true;
      } else {
        field.append(c);
      }
      atStart = false;
    }
    if (quoted) {
      return null;
    }
    fields.add(field.toString());
    return fields;
  }

  @Test
  void openQuoteMeansTheRecordIsNotComplete() {
    assertThat(CsvParser.split("a,\"b,c")).isNull();
  }
}
