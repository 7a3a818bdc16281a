package io.regsurv.generate;

/** Entity types as registry extracts write them, with their share, hazard factor and USCC kind digit. */
enum EntityType {
  LLC_NATURAL("有限责任公司（自然人投资或控股）", 0.46, 1.00, '1', Kind.COMPANY),
  LLC_SOLE("有限责任公司（自然人独资）", 0.16, 1.10, '1', Kind.COMPANY),
  JOINT_STOCK("股份有限公司（非上市、自然人投资或控股）", 0.03, 0.55, '1', Kind.COMPANY),
  SOLE_PROPRIETORSHIP("个人独资企业", 0.05, 1.20, '1', Kind.PROPRIETORSHIP),
  INDIVIDUAL("个体工商户", 0.18, 1.25, '2', Kind.INDIVIDUAL),
  BRANCH("有限责任公司分公司（自然人投资或控股）", 0.06, 0.90, '1', Kind.BRANCH),
  FOREIGN("有限责任公司（外商投资、非独资）", 0.02, 0.70, '1', Kind.FOREIGN),
  HK_MACAO_TAIWAN("有限责任公司（台港澳法人独资）", 0.02, 0.75, '1', Kind.FOREIGN),
  PARTNERSHIP("普通合伙企业", 0.02, 1.05, '1', Kind.PROPRIETORSHIP);

  /** How names and capital are written for the type. */
  enum Kind { COMPANY, PROPRIETORSHIP, INDIVIDUAL, BRANCH, FOREIGN }

  private final String label;
  private final double share;
  private final double hazard;
  private final char usccKind;
  private final Kind kind;

  EntityType(String label, double share, double hazard, char usccKind, Kind kind) {
    this.label = label;
    this.share = share;
    this.hazard = hazard;
    this.usccKind = usccKind;
    this.kind = kind;
  }

  String label() {
    return label;
  }

  double hazard() {
    return hazard;
  }

  char usccKind() {
    return usccKind;
  }

  Kind kind() {
    return kind;
  }

  /** The type at quantile {@code u[0]}; leaves in {@code u[0]} the position within the type's share (nested draws). */
  static EntityType pick(double[] u) {
    double x = u[0];
    for (EntityType t : values()) {
      if (x < t.share) {
        u[0] = Math.min(x / t.share, Math.nextDown(1.0));
        return t;
      }
      x -= t.share;
    }
    u[0] = 0.5;
    return LLC_NATURAL;
  }
}
