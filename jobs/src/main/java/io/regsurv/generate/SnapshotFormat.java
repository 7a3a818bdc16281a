package io.regsurv.generate;

import java.util.List;

/** The two dump layouts of the data contract: dialects {@code generator-csv} and {@code generator-jsonl}. */
public enum SnapshotFormat {
  CSV("csv"),
  JSONL("jsonl");

  /** CSV header (Chinese, as registry extracts write it), in contract order. */
  public static final List<String> CSV_HEADER = List.of(
      "统一社会信用代码", "企业名称", "登记状态", "成立日期", "核准日期", "注销日期", "吊销日期",
      "注册资本", "企业类型", "所属省份", "所属城市", "经营范围", "法定代表人");

  /** JSON Lines keys (a vendor API's English names), in the same order as {@link #CSV_HEADER}. */
  public static final List<String> JSON_KEYS = List.of(
      "uscc", "name", "status", "established_date", "approved_date", "cancelled_date", "revoked_date",
      "registered_capital", "entity_type", "province", "city", "business_scope", "legal_representative");

  private final String extension;

  SnapshotFormat(String extension) {
    this.extension = extension;
  }

  public String extension() {
    return extension;
  }
}
