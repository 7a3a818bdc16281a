package io.regsurv.ingest;

import io.regsurv.core.Text;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Registered capital strings of Chinese registry extracts ({@code 5,000(万元人民币)},
 * {@code 50万人民币}, {@code 168(万美元)}, {@code (万元(港币))}, {@code 0()} …) to an amount in
 * units of 10,000 (万) and an ISO 4217 currency. Strings with anything left over after the
 * number, the unit and the currency words are unparseable: amount and currency NULL.
 */
public final class Capital {
  public static final DecimalType AMOUNT_TYPE = DataTypes.createDecimalType(20, 4);

  private static final String NUMBER = "^([0-9]+(\\.[0-9]+)?)";

  /** Every word a capital string may carry besides its number; longest first where they overlap. */
  private static final String KNOWN_WORDS =
      "[()\\[\\]]|人民币|美元|港元|港币|香港|日元|欧元|英镑|澳元|澳大利亚|加元|加拿大|新加坡|瑞士法郎|新台币|台币|韩元|万|亿|元";

  private Capital() {}

  /** The capital text with half-width characters, no spaces and no thousands separators. */
  static Column compact(Column raw) {
    return regexp_replace(Text.key(raw), ",", "");
  }

  private static Column leftover(Column raw) {
    return regexp_replace(regexp_replace(compact(raw), NUMBER, ""), KNOWN_WORDS, "");
  }

  /** True when the whole string was understood. */
  public static Column understood(Column raw) {
    return compact(raw).isNotNull().and(leftover(raw).equalTo(lit("")));
  }

  /**
   * Amount in 万 of the currency. Registries state capital in 万 (元); 亿 is 10,000 万; a plain
   * 元 without 万 is yuan. A bare number is taken as 万, the registry convention.
   */
  public static Column amount(Column raw) {
    Column s = compact(raw);
    Column number = regexp_extract(s, NUMBER, 1);
    Column value = when(number.equalTo(lit("")), lit(null)).otherwise(number).try_cast(DataTypes.createDecimalType(38, 8));
    Column scaled =
        when(s.contains("亿"), value.multiply(lit(10000)))
            .when(s.contains("万"), value)
            .when(s.contains("元"), value.divide(lit(10000)))
            .otherwise(value);
    return when(understood(raw), scaled.try_cast(AMOUNT_TYPE)).otherwise(lit(null).cast(AMOUNT_TYPE));
  }

  /** ISO 4217 code; foreign currency words are tested first because 万元美元 also says 元. */
  public static Column currency(Column raw) {
    Column s = compact(raw);
    Column code =
        when(s.contains("美元"), lit("USD"))
            .when(s.contains("港元").or(s.contains("港币")).or(s.contains("香港")), lit("HKD"))
            .when(s.contains("日元"), lit("JPY"))
            .when(s.contains("欧元"), lit("EUR"))
            .when(s.contains("英镑"), lit("GBP"))
            .when(s.contains("澳元").or(s.contains("澳大利亚")), lit("AUD"))
            .when(s.contains("加元").or(s.contains("加拿大")), lit("CAD"))
            .when(s.contains("新加坡"), lit("SGD"))
            .when(s.contains("瑞士法郎"), lit("CHF"))
            .when(s.contains("台币"), lit("TWD"))
            .when(s.contains("韩元"), lit("KRW"))
            .otherwise(lit("CNY"));
    return when(understood(raw), code).otherwise(lit(null).cast("string"));
  }
}
